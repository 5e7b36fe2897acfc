package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/opengovcall/convene"
)

// Kinds of job.
const (
	JobInvite      = "invite"       // an invitation, update or cancellation for one person and call
	JobCallChanged = "call_changed" // a call changed: update everyone registered
	JobReminder    = "reminder"     // remind everyone registered, some minutes before a call
	JobAnnounce    = "announce"     // email a call's announcement to its series' people
	// JobAccommodation tells a community's organizers what a registrant needs to take part.
	JobAccommodation = "accommodation"
)

// InvitePayload says which mail to write to whom.
type InvitePayload struct {
	CallID   int64  `json:"call_id"`
	UserID   int64  `json:"user_id"`
	Method   string `json:"method"` // REQUEST or CANCEL
	Promoted bool   `json:"promoted,omitempty"`
	// Everyone, with no UserID, invites everyone with a place at the call who was never sent it:
	// the subscribers a call just added to their series gave places to.
	Everyone bool `json:"everyone,omitempty"`
}

// AccommodationPayload names a registration whose accommodation request organizers must read.
type AccommodationPayload struct {
	CallID int64 `json:"call_id"`
	UserID int64 `json:"user_id"`
}

// CallPayload names a call.
type CallPayload struct {
	CallID int64 `json:"call_id"`
}

// ReminderPayload names a call, how long before it to remind, and when it started when scheduled,
// so a reminder for a call moved since is dropped (the move schedules its own).
type ReminderPayload struct {
	CallID   int64     `json:"call_id"`
	Minutes  int       `json:"minutes"`
	StartsAt time.Time `json:"starts_at"`
}

// callChanged schedules updates for everyone registered for a call whose calendar entry changed.
func callChanged(ctx context.Context, tx conn, callID int64, sequence int, now time.Time) error {
	return enqueueJob(ctx, tx, JobCallChanged, CallPayload{CallID: callID}, fmt.Sprintf("call_changed:%d:%d", callID, sequence), now, now)
}

// Job is a piece of background work as a worker claims it.
type Job struct {
	ID       int64
	Kind     string
	Payload  json.RawMessage
	RunAt    time.Time
	Attempts int // this one included
}

// enqueueJob records work to do at runAt, inside the caller's transaction. A job with a unique key
// that exists already is not added again, so scheduling twice is harmless.
func enqueueJob(ctx context.Context, tx conn, kind string, payload any, uniqueKey string, runAt, now time.Time) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	var key, user any
	if uniqueKey != "" {
		key = uniqueKey
	}
	switch p := payload.(type) { // so erasing the person drops their pending mail
	case InvitePayload:
		if p.UserID != 0 {
			user = p.UserID
		}
	case AccommodationPayload:
		user = p.UserID
	}
	_, err = tx.exec(ctx, `INSERT INTO jobs (kind, payload, unique_key, user_id, run_at, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (unique_key) DO NOTHING`, kind, string(b), key, user, runAt.UTC(), now)
	return err
}

// EnqueueJob records work to do at runAt (now when zero), unless a job with the same unique key exists.
func (s *Store) EnqueueJob(ctx context.Context, kind string, payload any, uniqueKey string, runAt time.Time) error {
	now := s.now()
	if runAt.IsZero() {
		runAt = now
	}
	return enqueueJob(ctx, s.read(), kind, payload, uniqueKey, runAt, now)
}

// ClaimJobs leases up to limit due jobs to one worker; several workers, on one machine or many,
// never hold the same job at once.
// Deliveries to other servers are claimed apart (ClaimJobsOf), by a worker that posts many at once.
func (s *Store) ClaimJobs(ctx context.Context, limit int, lease time.Duration) ([]Job, error) {
	return s.claimJobs(ctx, "kind <> ?", JobDeliver, limit, lease)
}

// ClaimJobsOf leases up to limit due jobs of one kind.
func (s *Store) ClaimJobsOf(ctx context.Context, kind string, limit int, lease time.Duration) ([]Job, error) {
	return s.claimJobs(ctx, "kind = ?", kind, limit, lease)
}

func (s *Store) claimJobs(ctx context.Context, kindCond, kind string, limit int, lease time.Duration) ([]Job, error) {
	now := s.now()
	var out []Job
	err := s.inTx(ctx, func(tx conn) error {
		rows, err := tx.query(ctx, `UPDATE jobs SET locked_until = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= ? AND `+kindCond+`
				AND (locked_until IS NULL OR locked_until <= ?) ORDER BY run_at, id LIMIT ?`+s.dialect.skipLocked()+`)
			RETURNING id, kind, payload, run_at, attempts`, now.Add(lease), now, kind, now, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j Job
			var payload string
			if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.RunAt, &j.Attempts); err != nil {
				return err
			}
			j.Payload = json.RawMessage(payload)
			out = append(out, j)
		}
		return rows.Err()
	})
	// UPDATE … RETURNING promises no order: do the work in the order it was asked for.
	sort.Slice(out, func(i, k int) bool {
		if !out[i].RunAt.Equal(out[k].RunAt) {
			return out[i].RunAt.Before(out[k].RunAt)
		}
		return out[i].ID < out[k].ID
	})
	return out, err
}

// JobResult is what finishing a job writes: mails for the outbox, and for invitation mails the
// SEQUENCE now held by each (call, person).
type JobResult struct {
	Mails     []convene.Mail
	Sequences []SentSequence
	Jobs      []NewJob // follow-up work
}

// SentSequence records the calendar SEQUENCE mailed to a person for a call.
type SentSequence struct {
	CallID, UserID int64
	Sequence       int
}

// NewJob is a job a finished job asks for.
type NewJob struct {
	Kind      string
	Payload   any
	UniqueKey string
	RunAt     time.Time
}

// FinishJob writes a job's result and marks it done, in one transaction: a job claimed twice (its
// first worker died) writes its mails once, because only the first finish finds it undone.
func (s *Store) FinishJob(ctx context.Context, jobID int64, res JobResult) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var id int64
		if err := tx.row(ctx, `UPDATE jobs SET done_at = ?, locked_until = NULL, last_error = '' WHERE id = ? AND done_at IS NULL RETURNING id`,
			now, jobID).Scan(&id); err != nil {
			return notFound(err, "job.done")
		}
		for _, m := range res.Mails {
			if err := enqueueMail(ctx, tx, m, now); err != nil {
				return err
			}
		}
		for _, sq := range res.Sequences {
			if _, err := tx.exec(ctx, `UPDATE registrations SET ical_sequence = ? WHERE call_id = ? AND user_id = ?`,
				sq.Sequence, sq.CallID, sq.UserID); err != nil {
				return err
			}
		}
		for _, j := range res.Jobs {
			if j.RunAt.IsZero() {
				j.RunAt = now
			}
			if err := enqueueJob(ctx, tx, j.Kind, j.Payload, j.UniqueKey, j.RunAt, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// FinishJobs marks several jobs done that wrote nothing, in one transaction (a batch of
// deliveries): one finished by another worker meanwhile is left as it is.
func (s *Store) FinishJobs(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	now := s.now()
	args := []any{now}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := s.read().exec(ctx, `UPDATE jobs SET done_at = ?, locked_until = NULL, last_error = '' WHERE done_at IS NULL AND id IN (`+
		placeholders(len(ids))+`)`, args...)
	return err
}

// FailJob records a failed attempt: the job runs again at retryAt, or is given up (and shown to
// the operator) after its last attempt.
func (s *Store) FailJob(ctx context.Context, job Job, reason string, retryAt time.Time) error {
	reason = clip(reason, 1000)
	_, err := s.read().exec(ctx, `UPDATE jobs SET locked_until = NULL, last_error = ?, run_at = ?,
		failed_at = CASE WHEN attempts >= max_attempts THEN `+s.dialect.timeArg()+` ELSE NULL END WHERE id = ?`, reason, retryAt.UTC(), s.now(), job.ID)
	return err
}

// JobFailure is background work that keeps failing or was given up, for the operator.
type JobFailure struct {
	ID        int64
	Kind      string
	Attempts  int
	LastError string
	RunAt     time.Time
	GivenUp   bool
}

// JobStats counts background work by state, mail included.
type JobStats struct {
	Pending, Done, Failing, GivenUp    int
	MailWaiting, MailSent, MailFailing int
}

// Stats counts jobs and mail by state.
func (s *Store) Stats(ctx context.Context) (JobStats, error) {
	var st JobStats
	err := s.read().row(ctx, `SELECT
		COALESCE(SUM(CASE WHEN done_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN done_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN done_at IS NULL AND failed_at IS NULL AND last_error <> '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM jobs`).Scan(&st.Pending, &st.Done, &st.Failing, &st.GivenUp)
	if err != nil {
		return st, err
	}
	st.MailWaiting, st.MailSent, st.MailFailing, err = s.OutboxStats(ctx)
	return st, err
}

// JobFailures lists the jobs that failed at least once and are not done, newest first.
func (s *Store) JobFailures(ctx context.Context, limit int) ([]JobFailure, error) {
	rows, err := s.read().query(ctx, `SELECT id, kind, attempts, last_error, run_at, failed_at IS NOT NULL FROM jobs
		WHERE done_at IS NULL AND last_error <> '' ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobFailure
	for rows.Next() {
		var f JobFailure
		if err := rows.Scan(&f.ID, &f.Kind, &f.Attempts, &f.LastError, &f.RunAt, &f.GivenUp); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// MailFailures lists undelivered mail that failed at least once, newest first, without addresses.
func (s *Store) MailFailures(ctx context.Context, limit int) ([]JobFailure, error) {
	rows, err := s.read().query(ctx, `SELECT id, attempts, last_error, next_attempt_at FROM outbox
		WHERE sent_at IS NULL AND last_error <> '' ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobFailure
	for rows.Next() {
		f := JobFailure{Kind: "mail"}
		if err := rows.Scan(&f.ID, &f.Attempts, &f.LastError, &f.RunAt); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// RetryNow makes every failing or given-up job and mail due again, for the operator.
func (s *Store) RetryNow(ctx context.Context) (int64, error) {
	now := s.now()
	var total int64
	err := s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE jobs SET failed_at = NULL, run_at = ?, attempts = 0 WHERE done_at IS NULL AND last_error <> ''`, now)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		total += n
		res, err = tx.exec(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE sent_at IS NULL AND last_error <> ''`, now)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		total += n
		return nil
	})
	return total, err
}

// SettleJobs marks every pending job done without running it: for loading a community as a
// picture of a moment (the demo, an import), whose setting-up must not mail anyone.
func (s *Store) SettleJobs(ctx context.Context) error {
	_, err := s.read().exec(ctx, `UPDATE jobs SET done_at = ? WHERE done_at IS NULL`, s.now())
	return err
}

// Announced reports whether a call's announcement was sent or is on its way.
func (s *Store) Announced(ctx context.Context, callID int64) (bool, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND unique_key LIKE ?`, JobAnnounce, fmt.Sprintf("announce:%d:%%", callID)).Scan(&n)
	return n > 0, err
}
