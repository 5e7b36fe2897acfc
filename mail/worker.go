package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/opengovcall/convene"
)

// Outbox is the part of the store the worker uses: claim due mails under a lease, then record
// each one sent or failed. A mail whose lease runs out unmarked, because its worker crashed, is
// claimed again by any worker.
type Outbox interface {
	ClaimMail(ctx context.Context, limit int, lease time.Duration) ([]convene.OutboxItem, error)
	MarkMailSent(ctx context.Context, id int64) error
	MarkMailFailed(ctx context.Context, id int64, reason string, retryAt time.Time) error
}

// Worker moves mail from the outbox to a sender, retrying failures with growing delays. Several
// workers, in one process or several, may share an outbox.
type Worker struct {
	// Interval is how long Run waits after a poll that found no full batch.
	Interval time.Duration
	// BatchSize is how many mails one round claims, and sends over one connection.
	BatchSize int
	// Lease is how long a claimed mail is reserved; longer than a batch takes to send.
	Lease time.Duration
	// Delivered, when set, hears how many mails each round of Run sent and failed to send (metrics).
	Delivered func(sent, failed int)

	outbox Outbox
	sender Sender
	logger *slog.Logger
	clock  convene.Clock
	wake   chan struct{}
}

// Retry delays: the first failure waits firstRetry, each next one twice as long, up to maxRetry.
const (
	firstRetry = 30 * time.Second
	maxRetry   = time.Hour
)

// NewWorker returns a worker polling every 2 seconds for batches of 50 mails leased for 2 minutes.
func NewWorker(outbox Outbox, sender Sender, logger *slog.Logger, clock convene.Clock) *Worker {
	if clock == nil {
		clock = convene.SystemClock{}
	}
	return &Worker{
		Interval:  2 * time.Second,
		BatchSize: 50,
		Lease:     2 * time.Minute,
		outbox:    outbox,
		sender:    sender,
		logger:    logger,
		clock:     clock,
		wake:      make(chan struct{}, 1),
	}
}

// Wake makes a running worker poll now, for instance right after a mail was enqueued. It never
// blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers mail until ctx is done. After a full batch it claims the next at once; otherwise
// it waits Interval or until Wake.
func (w *Worker) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		sent, failed, err := w.RunOnce(ctx)
		if w.Delivered != nil && sent+failed > 0 {
			w.Delivered(sent, failed)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			w.logger.ErrorContext(ctx, "mail worker", "error", err)
		}
		if err == nil && sent+failed >= w.BatchSize {
			continue
		}
		timer.Reset(w.Interval)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-timer.C:
		}
	}
}

// RunOnce claims one batch of due mail, sends it, and marks each mail sent or failed. sent
// counts mails the server accepted, even if recording that failed (err then says so).
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	items, err := w.outbox.ClaimMail(ctx, w.BatchSize, w.Lease)
	if err != nil || len(items) == 0 {
		return 0, 0, err
	}
	// Mail is sent only while its lease lasts: past three quarters of it, what is left of the batch
	// stays unsent for the next claim, so a slow batch is never sent a second time by another
	// instance that took it over. The mail in flight then still has a quarter of the lease.
	sendCtx, cancelSend := context.WithDeadline(ctx, time.Now().Add(w.Lease*3/4))
	defer cancelSend()
	// What the server accepted must be recorded even when shutdown cancels ctx, or it would be
	// sent again once the lease runs out.
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var errs []error
	marked := make([]bool, len(items))
	record := func(i int, sendErr error) {
		if marked[i] {
			return
		}
		marked[i] = true
		it := items[i]
		if sendErr == nil {
			sent++
			if err := w.outbox.MarkMailSent(markCtx, it.ID); err != nil {
				errs = append(errs, err)
			}
			return
		}
		if sendCtx.Err() != nil && errors.Is(sendErr, sendCtx.Err()) {
			return // not a delivery failure (shutdown, or the lease nearly over): leave it to the lease, with no back-off
		}
		failed++
		reason := redact(sendErr.Error(), it.Mail.To)
		retryAt := w.clock.Now().Add(RetryDelay(it.Attempts))
		w.logger.WarnContext(ctx, "mail not delivered",
			"outbox_id", it.ID, "to", MaskAddress(it.Mail.To), "attempt", it.Attempts,
			"retry_at", retryAt, "error", reason)
		if err := w.outbox.MarkMailFailed(markCtx, it.ID, reason, retryAt); err != nil {
			errs = append(errs, err)
		}
	}
	var results []error
	if each, ok := w.sender.(eachSender); ok {
		// Record each mail the moment the server answers for it.
		results = each.SendEach(sendCtx, items, record)
	} else {
		results = w.sender.Send(sendCtx, items)
	}
	for i := range items {
		var sendErr error
		if i < len(results) {
			sendErr = results[i]
		} else {
			sendErr = errors.New("mail: the sender gave no result for this mail")
		}
		record(i, sendErr)
	}
	if sent > 0 {
		w.logger.DebugContext(ctx, "mail delivered", "sent", sent, "failed", failed)
	}
	return sent, failed, errors.Join(errs...)
}

// eachSender is a Sender that reports each mail as soon as it is sent.
type eachSender interface {
	SendEach(ctx context.Context, items []convene.OutboxItem, done func(i int, err error)) []error
}

// RetryDelay is how long to wait before the next try after attempt number attempts failed:
// 30 seconds after the first, doubling each time, never more than an hour.
func RetryDelay(attempts int) time.Duration {
	d := firstRetry
	for i := 1; i < attempts && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}
