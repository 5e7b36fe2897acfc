package activitypub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// publishFrom is how far back a round looks for calls to publish: calls that ended more than a
// day ago are history, not news.
const publishFrom = 24 * time.Hour

// PublishOnce publishes what changed since the last round: a Create for a call never published,
// an Update for one changed since (cancelled included), a Delete for one removed. Whoever changed
// it (any instance, a command), the next round says it, once: what was said is kept, and each
// delivery is a job keyed by activity and inbox. It returns how many activities it published.
func (f *Federation) PublishOnce(ctx context.Context) (int, error) {
	now := f.Clock.Now()
	calls, err := f.Store.CallsToPublish(ctx, now.Add(-publishFrom), 200)
	if err != nil {
		return 0, err
	}
	communities := map[int64]*convene.Community{}
	n := 0
	for _, call := range calls {
		c := communities[call.CommunityID]
		if c == nil {
			if c, err = f.Store.CommunityByID(ctx, call.CommunityID); err != nil {
				return n, err
			}
			communities[c.ID] = c
		}
		prev, err := f.Store.PublishedOf(ctx, "call", call.ID)
		if err != nil {
			return n, err
		}
		agenda, err := f.Store.Agenda(ctx, call.ID)
		if err != nil {
			return n, err
		}
		kind := "Create"
		if prev != nil && prev.Activity != "Delete" {
			kind = "Update"
		}
		ev := f.CallEvent(c, call, agenda)
		if err := f.publish(ctx, c, "call", call.ID, kind, ev, call.UpdatedAt); err != nil {
			return n, err
		}
		n++
	}
	removed, err := f.Store.RemovedCalls(ctx, 200)
	if err != nil {
		return n, err
	}
	for _, p := range removed {
		c, err := f.Store.CommunityByID(ctx, p.CommunityID)
		if err != nil {
			return n, err
		}
		id := f.CommunityID(c) + "/calls/" + itoa(p.RefID)
		if err := f.publish(ctx, c, "call", p.RefID, "Delete", Tombstone{ID: id, Type: "Tombstone", FormerType: "Event",
			Deleted: now.UTC().Format(time.RFC3339)}, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// publish wraps an object in an activity, keeps it as the outbox's last word on the object and
// queues it to every follower's inbox.
func (f *Federation) publish(ctx context.Context, c *convene.Community, kind string, refID int64, activity string, object any, at time.Time) error {
	id := f.CommunityID(c)
	objectID := id + "/calls/" + itoa(refID)
	a := Activity{Context: ldContext, ID: fmt.Sprintf("%s#%s/%d", objectID, strings.ToLower(activity), at.UnixNano()), Type: activity,
		Actor: id, Object: object, To: []string{Public}, Cc: []string{id + "/followers"}, Published: f.Clock.Now().UTC().Format(time.RFC3339)}
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	inboxes, err := f.Store.DeliveryInboxes(ctx, c.ID)
	if err != nil {
		return err
	}
	return f.Store.RecordPublished(ctx, store.Published{CommunityID: c.ID, Kind: kind, RefID: refID, Activity: activity, ActivityID: a.ID,
		Body: string(body), SourceAt: at}, inboxes)
}

// CallEvent is a call as an Event: its title, agenda as HTML, times, zone, page, where it meets
// (its page for the video call, its venue for the room), translations, status. Never its join
// kit, never anyone's name but the presenters the agenda already shows the public.
func (f *Federation) CallEvent(c *convene.Community, call *convene.Call, agenda []*convene.AgendaItem) Event {
	id := f.CommunityID(c)
	page := id + "/calls/" + itoa(call.ID)
	name := call.DisplayTitle()
	if call.Theme != "" {
		name += ": " + call.Theme
	}
	ev := Event{ID: page, Type: "Event", Name: name, Content: callContent(call, agenda), MediaType: "text/html",
		StartTime: call.StartsAt.UTC().Format(time.RFC3339), EndTime: call.EndsAt().UTC().Format(time.RFC3339), URL: page,
		AttributedTo: id, To: []string{Public}, Cc: []string{id + "/followers"}, Status: "CONFIRMED",
		Published: call.CreatedAt.UTC().Format(time.RFC3339), Updated: call.UpdatedAt.UTC().Format(time.RFC3339)}
	if call.Series != nil {
		ev.Timezone = call.Series.TimeZone
	}
	if call.Status == convene.CallCancelled {
		ev.Status = "CANCELLED"
	}
	if v := call.Venue; call.InPerson() && v != nil {
		ev.Location = append(ev.Location, Place{Type: "Place", Name: v.Title(), Address: &PostalAddress{Type: "PostalAddress", StreetAddress: v.AddressLine()}})
	}
	if call.Online() {
		ev.Location = append(ev.Location, Place{Type: "VirtualLocation", URL: page})
	}
	if own := c.Primary(); len(c.Languages) > 1 {
		ev.NameMap = map[string]string{}
		for _, lang := range c.Languages {
			ev.NameMap[lang] = translated(call, lang, own, name)
		}
		ev.ContentMap = map[string]string{own: ev.Content}
	}
	return ev
}

// translated is a call's name in a language: its title and theme's version there, or the original.
func translated(call *convene.Call, lang, own, original string) string {
	if lang == own {
		return original
	}
	v := call.Translations[lang]
	title := v["title"]
	if title == "" {
		title = call.Title
		if title == "" && call.Series != nil {
			title = call.Series.Translations[lang]["title"]
			if title == "" {
				title = call.Series.Title
			}
		}
	}
	theme := v["theme"]
	if theme == "" {
		theme = call.Theme
	}
	if theme != "" {
		return title + ": " + theme
	}
	return title
}

// callContent is a call's note and agenda as HTML, escaped.
func callContent(call *convene.Call, agenda []*convene.AgendaItem) string {
	var b strings.Builder
	b.WriteString(htmlParagraphs(call.Note))
	if len(agenda) > 0 {
		b.WriteString("<ol>")
		for _, a := range agenda {
			b.WriteString("<li>" + htmlEscape(a.Title))
			if p := a.Presenter(); p != "" {
				b.WriteString(" — " + htmlEscape(p))
			}
			b.WriteString("</li>")
		}
		b.WriteString("</ol>")
	}
	return b.String()
}

// DeliverOnce posts due deliveries, several at once, each signed by its community. A delivery that
// fails is tried again with backoff up to the job's last attempt; one to a blocked domain is dropped.
// It returns how many it posted.
func (f *Federation) DeliverOnce(ctx context.Context, limit, workers int) (int, error) {
	jobs, err := f.Store.ClaimJobsOf(ctx, store.JobDeliver, limit, 2*time.Minute)
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	next := make(chan store.Job)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				err := f.deliver(ctx, j)
				if err == nil {
					err = f.Store.FinishJob(ctx, j.ID, store.JobResult{})
					mu.Lock()
					done++
					mu.Unlock()
				}
				if err != nil {
					f.Log.Debug("delivery failed", "job", j.ID, "attempt", j.Attempts, "err", err)
					_ = f.Store.FailJob(ctx, j, err.Error(), f.Clock.Now().Add(backoff(j.Attempts)))
				}
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	return done, nil
}

// backoff waits 30 seconds after a first failure, doubling up to six hours: with the job's twelve
// attempts, a server down for a day or so still gets what it missed.
func backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// deliver posts one activity, signed.
func (f *Federation) deliver(ctx context.Context, j store.Job) error {
	var p store.DeliverPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return err
	}
	if f.blocked(ctx, p.Inbox) {
		return nil // a domain blocked since: nothing goes there
	}
	c, err := f.Store.CommunityByID(ctx, p.CommunityID)
	if err != nil {
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			return nil // the community is gone
		}
		return err
	}
	key, err := f.privateKey(ctx, c.ID)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Inbox, bytes.NewReader([]byte(p.Body)))
	if err != nil {
		return err
	}
	if err := f.checkURL(req.URL); err != nil {
		return nil // an address federation does not reach never will
	}
	req.Header.Set("Content-Type", ContentType)
	if err := Sign(req, []byte(p.Body), f.CommunityID(c)+"#main-key", key, f.Clock.Now()); err != nil {
		return err
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("POST %s: %s", p.Inbox, resp.Status)
	}
	return nil
}
