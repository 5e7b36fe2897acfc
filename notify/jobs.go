package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"sync/atomic"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/feed"
	"github.com/opengovcall/convene/locale"
	"github.com/opengovcall/convene/store"
)

// Job scheduling limits.
const (
	jobBatch     = 100
	DefaultLease = 5 * time.Minute
	// reminderHorizon is how far ahead reminders are scheduled; each is a job due at its time.
	reminderHorizon = 26 * time.Hour
)

// Runner does the background work: it claims due jobs and turns each into mail in the outbox.
type Runner struct {
	Store    *store.Store
	Mails    Writer
	Clock    convene.Clock
	Log      *slog.Logger
	From     *mail.Address // the sender, and the ORGANIZER of invitations
	Instance string        // the instance's permanent id, the right-hand side of calendar UIDs
	LinkKey  []byte        // signs the unsubscribe links in mail
	Lease    time.Duration // how long a claimed job is a worker's before another may take it
	Wake     func()        // tells the mail worker there is mail to send; may be nil
	// Federation, when set, publishes what changed to followers on other servers and delivers
	// what is due, each round (package activitypub).
	Federation Federator

	lastRun atomic.Int64 // when a batch last ran to its end, in Unix nanoseconds of the machine's clock
	// indexBehind is set when a round left search documents to bring up to date (a large upgrade).
	indexBehind atomic.Bool
}

// Federator is the instance's part in the fediverse, as the worker drives it.
type Federator interface {
	PublishOnce(ctx context.Context) (int, error)
	DeliverOnce(ctx context.Context, limit, workers int) (int, error)
}

// Deliveries per round, and how many are posted at once.
const (
	deliveryRound   = 1000
	deliveryWorkers = 32
)

// indexRound is how many search documents one round of jobs brings up to date.
const indexRound = 2000

// LastRun is when the jobs last ran to the end of a batch (the machine's time); zero before the first.
func (n *Runner) LastRun() time.Time {
	if ns := n.lastRun.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

// Config is what a Runner needs to know of its instance.
type Config struct {
	BaseURL  string // the instance's address, for links (no slash at the end)
	Host     string // the host it serves from, which names a new instance in UIDs
	MailFrom string // "Name <address>"
	Clock    convene.Clock
	Log      *slog.Logger
	Lease    time.Duration // 0 for DefaultLease
	Wake     func()
}

// NewRunner builds a Runner for a store: the catalog, the sender and the instance's id and link key.
func NewRunner(ctx context.Context, st *store.Store, catalog *locale.Catalog, cfg Config) (*Runner, error) {
	from, err := ParseFrom(cfg.MailFrom)
	if err != nil {
		return nil, err
	}
	id, key, err := LoadInstance(ctx, st, cfg.Host)
	if err != nil {
		return nil, err
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Clock == nil {
		cfg.Clock = convene.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Runner{Store: st, Mails: Writer{Catalog: catalog, BaseURL: cfg.BaseURL}, Clock: cfg.Clock, Log: cfg.Log, From: from,
		Instance: id, LinkKey: key, Lease: cfg.Lease, Wake: cfg.Wake}, nil
}

func (n *Runner) wake() {
	if n.Wake != nil {
		n.Wake()
	}
}

// abs is a page's absolute address.
func (n *Runner) abs(path string) string { return n.Mails.BaseURL + path }

// CallPath is a call's page.
func CallPath(c *convene.Community, call *convene.Call) string {
	return "/c/" + c.Slug + "/calls/" + strconv.FormatInt(call.ID, 10)
}

// FeedLabels are a feed's words in one language.
func FeedLabels(l *locale.Localizer) feed.Labels {
	return feed.Labels{Agenda: l.T("call.agenda"), Join: l.T("call.join"), MeetingID: l.T("field.meeting_id"),
		Passcode: l.T("field.passcode"), OneTap: l.T("joinkit.one_tap"), DialIn: l.T("joinkit.dial_by_location"),
		LocalNumbers: l.T("joinkit.find_local"), HiddenKit: l.T("feed.kit_hidden"), Page: l.T("feed.page"),
		Cancelled: l.T("call.cancelled_notice"), Colon: l.T("punct.colon"), InPerson: l.T("venue.heading"),
		Map: l.T("venue.map"), AccessNotes: l.T("venue.access_notes"), Accessibility: l.T("accessibility.heading")}
}

// RunJobs does background work until ctx ends: invitations and their updates, reminders and
// announcements. Any number of instances may run it on one database; each job is done once.
func (n *Runner) RunJobs(ctx context.Context, interval time.Duration) {
	for {
		done, err := n.RunJobsOnce(ctx)
		if err != nil && ctx.Err() == nil {
			n.Log.Error("background jobs", "err", err)
		}
		if done > 0 || n.indexBehind.Load() {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// RunJobsOnce schedules due reminders, brings search documents up to date, and does one batch of
// due jobs, returning how many jobs it did.
func (n *Runner) RunJobsOnce(ctx context.Context) (int, error) {
	if err := n.scheduleReminders(ctx); err != nil {
		return 0, err
	}
	indexed, err := n.Store.IndexPending(ctx, indexRound) // what was written since is found (package search)
	if err != nil {
		return 0, err
	}
	n.indexBehind.Store(indexed == indexRound)
	jobs, err := n.Store.ClaimJobs(ctx, jobBatch, n.Lease)
	if err != nil {
		return 0, err
	}
	calls := map[int64]*callMailContext{} // a batch of invitations is often about one call
	for _, j := range jobs {
		res, err := n.runJob(ctx, j, calls)
		if err == nil {
			err = n.Store.FinishJob(ctx, j.ID, res)
			if convene.ErrorCode(err) == convene.ENOTFOUND {
				err = nil // another worker finished it after our lease ran out: its mail stands
			}
		}
		if err != nil {
			retry := n.Clock.Now().Add(retryDelay(j.Attempts))
			n.Log.Warn("job failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
			if ferr := n.Store.FailJob(ctx, j, err.Error(), retry); ferr != nil {
				return 0, ferr
			}
		}
	}
	if len(jobs) > 0 {
		n.wake()
	}
	done := len(jobs)
	if n.Federation != nil {
		// A server that does not answer must not hold up the mail: failures are retried later.
		published, err := n.Federation.PublishOnce(ctx)
		if err != nil {
			n.Log.Warn("federation: publishing", "err", err)
		}
		delivered, err := n.Federation.DeliverOnce(ctx, deliveryRound, deliveryWorkers)
		if err != nil {
			n.Log.Warn("federation: delivering", "err", err)
		}
		done += published + delivered
	}
	n.lastRun.Store(time.Now().UnixNano())
	return done, nil
}

// retryDelay backs off from 30 seconds, doubling up to an hour.
func retryDelay(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (n *Runner) runJob(ctx context.Context, j store.Job, calls map[int64]*callMailContext) (store.JobResult, error) {
	switch j.Kind {
	case store.JobInvite:
		var p store.InvitePayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return store.JobResult{}, err
		}
		return n.inviteJob(ctx, p, calls)
	case store.JobCallChanged:
		var p store.CallPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return store.JobResult{}, err
		}
		return n.callChangedJob(ctx, p.CallID)
	case store.JobReminder:
		var p store.ReminderPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return store.JobResult{}, err
		}
		return n.reminderJob(ctx, p)
	case store.JobAnnounce:
		var p store.CallPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return store.JobResult{}, err
		}
		return n.announceJob(ctx, p.CallID)
	case store.JobAccommodation:
		var p store.AccommodationPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return store.JobResult{}, err
		}
		return n.accommodationJob(ctx, p)
	}
	return store.JobResult{}, fmt.Errorf("unknown job kind %q", j.Kind)
}

// recipient is a registered person and what Convene knows of them for one call.
type recipient struct {
	user     *convene.User
	standing convene.Standing
	status   string
	mode     string // how they attend
	sequence int    // the last SEQUENCE they were sent for the call, -1 for none
}

// callMailContext loads what every mail about a call needs: the call, its community, agenda and kit.
type callMailContext struct {
	call      *convene.Call
	community *convene.Community
	agenda    []*convene.AgendaItem
	kit       *convene.JoinKit
	// subscribers are the people subscribed to the call's series, whose mail about it
	// unsubscribes them from the series.
	subscribers map[int64]bool
}

// in shows the call, its series, community and agenda in a recipient's language: each text in
// its version in lang, the original where that is missing.
func (cm *callMailContext) in(lang string) {
	own := cm.community.Primary()
	convene.Localize(cm.community, lang, own)
	convene.Localize(cm.call, lang, own)
	if cm.call.Series != nil {
		convene.Localize(cm.call.Series, lang, own)
	}
	for _, a := range cm.agenda {
		convene.Localize(a, lang, own)
	}
}

func (n *Runner) loadCallMail(ctx context.Context, callID int64) (*callMailContext, error) {
	call, err := n.Store.CallByID(ctx, callID)
	if err != nil {
		return nil, err
	}
	c, err := n.Store.CommunityByID(ctx, call.CommunityID)
	if err != nil {
		return nil, err
	}
	agenda, err := n.Store.Agenda(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	kit, _, err := n.Store.CallJoinKit(ctx, call)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return nil, err
	}
	subs, err := n.Store.SeriesSubscribers(ctx, call.SeriesID)
	if err != nil {
		return nil, err
	}
	cm := &callMailContext{call: call, community: c, agenda: agenda, kit: kit, subscribers: map[int64]bool{}}
	for _, u := range subs {
		cm.subscribers[u.ID] = true
	}
	return cm, nil
}

// recipients lists the people registered for a call (or only one of them), with their standing
// and the last sequence they were sent.
func (n *Runner) recipients(ctx context.Context, cm *callMailContext, only int64) ([]recipient, error) {
	var regs []*convene.Registration
	if only != 0 {
		r, err := n.Store.RegistrationOf(ctx, cm.call.ID, only)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		regs = []*convene.Registration{r}
	} else {
		var err error
		if regs, err = n.Store.CallRegistrations(ctx, cm.call.ID); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, len(regs))
	for i, r := range regs {
		ids[i] = r.UserID
	}
	roles, err := n.Store.RolesIn(ctx, cm.community.ID, ids) // one query per 500 people, not one each
	if err != nil {
		return nil, err
	}
	var out []recipient
	for _, r := range regs {
		place := convene.Place{Status: r.Status, Mode: r.Mode}
		out = append(out, recipient{user: r.User, standing: convene.StandingOf(r.User, roles[r.UserID], place), sequence: r.ICalSequence,
			status: r.Status, mode: r.Mode})
	}
	return out, nil
}

// invitation writes one person's calendar mail about a call: a request (new or updated entry) or
// a cancellation, in their language and zone, with the join kit only if their standing allows.
func (n *Runner) invitation(cm *callMailContext, r recipient, method string, promoted bool) (convene.Mail, store.SentSequence) {
	u, call := r.user, cm.call
	l := n.Mails.Catalog.Localizer(u.Language())
	cm.in(l.Lang)
	now := n.Clock.Now()
	e := n.entryFor(cm, r, l, now)
	seq := max(call.Sequence, r.sequence+1)
	f := &feed.Feed{Instance: n.Instance, Labels: FeedLabels(l), Lang: l.Lang}
	icsMethod := ics.MethodRequest
	if method == "CANCEL" {
		icsMethod = ics.MethodCancel
	}
	body := f.Invitation(e, icsMethod, seq, n.From.Address, n.From.Name, u.Email, u.Name, now)
	subject, text := "mail.invite.subject", "mail.invite.body"
	switch {
	case method == "CANCEL" && call.Status == convene.CallCancelled:
		subject, text = "mail.call_cancelled.subject", "mail.call_cancelled.body"
	case method == "CANCEL":
		subject, text = "mail.registration_cancelled.subject", "mail.registration_cancelled.body"
	case promoted:
		subject, text = "mail.promoted.subject", "mail.promoted.body"
	case r.sequence >= 0:
		subject, text = "mail.update.subject", "mail.update.body"
	}
	m := n.Mails.Compose(u.Email, u.Name, u.Language(), subject, text, "Call", call.DisplayTitle(),
		"When", n.Mails.When(u.Language(), call, u.TimeZone), "Link", e.URL, "Details", feedDetails(f, e))
	m.Calendar, m.CalendarMethod = body, method
	m = n.withCallUnsubscribe(m, cm, u)
	return m, store.SentSequence{CallID: call.ID, UserID: u.ID, Sequence: seq}
}

// entryFor is a call as one registrant's calendar and mail show it: the venue if they come in
// person, the join kit if they attend online and their standing allows, and what the call offers
// for accessibility, in their language.
func (n *Runner) entryFor(cm *callMailContext, r recipient, l *locale.Localizer, now time.Time) feed.Entry {
	call := cm.call
	e := feed.Entry{Call: call, URL: n.abs(CallPath(cm.community, call)), Agenda: cm.agenda, Mode: r.mode,
		Access: l.Accessibility(call.Accessibility())}
	if cm.kit != nil && call.Online() && r.mode != convene.AttendInPerson {
		if call.JoinAccessFor(r.standing, now).Visible {
			e.Kit = cm.kit
		} else {
			e.KitHidden = true
		}
	}
	return e
}

// feedDetails is the agenda and join information as plain text, the way the calendar entry has it.
func feedDetails(f *feed.Feed, e feed.Entry) string { return f.Describe(e) }

func (n *Runner) inviteJob(ctx context.Context, p store.InvitePayload, calls map[int64]*callMailContext) (store.JobResult, error) {
	cm, ok := calls[p.CallID]
	var err error
	if !ok {
		if cm, err = n.loadCallMail(ctx, p.CallID); err == nil {
			calls[p.CallID] = cm
		}
	}
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return store.JobResult{}, nil // the call is gone: nothing to say
	} else if err != nil {
		return store.JobResult{}, err
	}
	if p.Everyone {
		return n.inviteNew(ctx, cm)
	}
	rs, err := n.recipients(ctx, cm, p.UserID)
	if err != nil || len(rs) == 0 {
		return store.JobResult{}, err
	}
	r := rs[0]
	switch {
	// A request for someone who cancelled since, or a cancellation for someone who registered
	// again, is stale: the later job says what holds. A cancelled call's cancellation went out with it.
	case p.Method == "REQUEST" && (r.status != convene.RegRegistered || cm.call.Status == convene.CallCancelled),
		p.Method == "CANCEL" && r.status == convene.RegRegistered:
		return store.JobResult{}, nil
	// Someone who registered and cancelled before their invitation went out has nothing in their
	// calendar to remove: they get no mail at all.
	case p.Method == "CANCEL" && r.sequence < 0:
		return store.JobResult{}, nil
	}
	m, seq := n.invitation(cm, r, p.Method, p.Promoted)
	return store.JobResult{Mails: []convene.Mail{m}, Sequences: []store.SentSequence{seq}}, nil
}

// inviteNew invites everyone with a place at a call who was never sent it: the series'
// subscribers, when a call is added to it.
func (n *Runner) inviteNew(ctx context.Context, cm *callMailContext) (store.JobResult, error) {
	var res store.JobResult
	if cm.call.Status == convene.CallCancelled || !cm.call.EndsAt().After(n.Clock.Now()) {
		return res, nil
	}
	rs, err := n.recipients(ctx, cm, 0)
	if err != nil {
		return res, err
	}
	for _, r := range rs {
		if r.status == convene.RegRegistered && r.sequence < 0 {
			m, seq := n.invitation(cm, r, "REQUEST", false)
			res.Mails = append(res.Mails, m)
			res.Sequences = append(res.Sequences, seq)
		}
	}
	return res, nil
}

// callChangedJob sends everyone with a place the call as it is now: an update, or its cancellation.
func (n *Runner) callChangedJob(ctx context.Context, callID int64) (store.JobResult, error) {
	cm, err := n.loadCallMail(ctx, callID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return store.JobResult{}, nil
	} else if err != nil {
		return store.JobResult{}, err
	}
	if !cm.call.EndsAt().After(n.Clock.Now()) {
		return store.JobResult{}, nil // history: calendars need no update
	}
	rs, err := n.recipients(ctx, cm, 0)
	if err != nil {
		return store.JobResult{}, err
	}
	method := "REQUEST"
	if cm.call.Status == convene.CallCancelled {
		method = "CANCEL"
	}
	var res store.JobResult
	for _, r := range rs {
		// Someone whose invitation has not gone out yet has no entry to cancel; their pending
		// invitation sees the call cancelled and is dropped.
		if r.status != convene.RegRegistered || (method == "CANCEL" && r.sequence < 0) {
			continue
		}
		m, seq := n.invitation(cm, r, method, false)
		res.Mails = append(res.Mails, m)
		res.Sequences = append(res.Sequences, seq)
	}
	return res, nil
}

// scheduleReminders adds a job for each reminder due in the coming hours; unique keys make
// scheduling idempotent across instances, and a moved call's reminders follow its new start.
func (n *Runner) scheduleReminders(ctx context.Context) error {
	now := n.Clock.Now()
	calls, err := n.Store.Calls(ctx, convene.CallFilter{From: now, To: now.Add(reminderHorizon)})
	if err != nil {
		return err
	}
	for _, c := range calls {
		if c.Status != convene.CallScheduled {
			continue
		}
		for _, minutes := range c.Series.ReminderMinutes() {
			at := c.StartsAt.Add(-time.Duration(minutes) * time.Minute)
			if at.Before(now.Add(-10 * time.Minute)) {
				continue // too late to be useful
			}
			key := fmt.Sprintf("reminder:%d:%d:%d", c.ID, minutes, c.StartsAt.Unix())
			p := store.ReminderPayload{CallID: c.ID, Minutes: minutes, StartsAt: c.StartsAt}
			if err := n.Store.EnqueueJob(ctx, store.JobReminder, p, key, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// reminderJob reminds everyone with a place, unless the call was cancelled or moved since.
func (n *Runner) reminderJob(ctx context.Context, p store.ReminderPayload) (store.JobResult, error) {
	cm, err := n.loadCallMail(ctx, p.CallID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return store.JobResult{}, nil
	} else if err != nil {
		return store.JobResult{}, err
	}
	if cm.call.Status != convene.CallScheduled || !cm.call.StartsAt.Equal(p.StartsAt) || !cm.call.StartsAt.After(n.Clock.Now()) {
		return store.JobResult{}, nil
	}
	rs, err := n.recipients(ctx, cm, 0)
	if err != nil {
		return store.JobResult{}, err
	}
	var res store.JobResult
	for _, r := range rs {
		if r.status != convene.RegRegistered || r.user.RemindersOff {
			continue
		}
		l := n.Mails.Catalog.Localizer(r.user.Language())
		cm.in(l.Lang)
		e := n.entryFor(cm, r, l, n.Clock.Now())
		f := &feed.Feed{Instance: n.Instance, Labels: FeedLabels(l), Lang: l.Lang}
		m := n.Mails.Compose(r.user.Email, r.user.Name, r.user.Language(), "mail.reminder.subject", "mail.reminder.body",
			"Call", cm.call.DisplayTitle(), "When", n.Mails.When(r.user.Language(), cm.call, r.user.TimeZone),
			"In", l.Before(p.Minutes), "Details", f.Describe(e))
		stop := Target{UserID: r.user.ID, Kind: StopReminders}
		res.Mails = append(res.Mails, n.withUnsubscribe(m, r.user.Language(), stop, l.T("unsubscribe.what.reminders")))
	}
	return res, nil
}

// ParseFrom reads the sender address used as the organizer of invitations.
func ParseFrom(from string) (*mail.Address, error) {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, errors.New("mail-from must be an address such as Convene <convene@example.org>")
	}
	if a.Name == "" {
		a.Name = "Convene"
	}
	return a, nil
}
