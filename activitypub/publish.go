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

// PublishOnce publishes what changed since the last round: a Create for a call or an event never
// published, an Update for one changed since (cancelled included), a Delete for one removed; and,
// for communities that opted in, minutes and initiative updates as Notes to their followers.
// Whoever changed it (any instance, a command), the next round says it, once: what was said is
// kept, and each delivery is a job keyed by activity and inbox. It returns how many activities it
// published.
func (f *Federation) PublishOnce(ctx context.Context) (int, error) {
	now := f.Clock.Now()
	if err := f.Store.ForgetSignatures(ctx, 2*SkewWindow); err != nil { // what no longer needs remembering
		return 0, err
	}
	p := publisher{f: f, communities: map[int64]*convene.Community{}}
	calls, err := f.Store.CallsToPublish(ctx, now.Add(-publishFrom), 200)
	if err != nil {
		return 0, err
	}
	for _, call := range calls {
		c, err := p.community(ctx, call.CommunityID)
		if err != nil {
			return p.n, err
		}
		agenda, err := f.Store.Agenda(ctx, call.ID)
		if err != nil {
			return p.n, err
		}
		if err := p.say(ctx, c, "call", call.ID, f.CallEvent(c, call, agenda), call.UpdatedAt); err != nil {
			return p.n, err
		}
	}
	for _, kind := range []string{"event", "minutes", "update"} {
		things, err := f.Store.ThingsToPublish(ctx, kind, now.Add(-publishFrom), 200)
		if err != nil {
			return p.n, err
		}
		for _, t := range things {
			c, err := p.community(ctx, t.CommunityID)
			if err != nil {
				return p.n, err
			}
			object, err := f.object(ctx, c, t)
			if err != nil {
				if convene.ErrorCode(err) == convene.ENOTFOUND {
					continue // gone meanwhile: the next round says it deleted
				}
				return p.n, err
			}
			if err := p.say(ctx, c, kind, t.RefID, object, t.SourceAt); err != nil {
				return p.n, err
			}
		}
	}
	for _, kind := range []string{"call", "event", "minutes", "update"} {
		removed, err := f.Store.RemovedThings(ctx, kind, 200)
		if err != nil {
			return p.n, err
		}
		for _, r := range removed {
			c, err := p.community(ctx, r.CommunityID)
			if err != nil {
				return p.n, err
			}
			tomb := Tombstone{ID: f.objectID(c, kind, r.RefID), Type: "Tombstone", FormerType: "Event", Deleted: now.UTC().Format(time.RFC3339)}
			if kind == "minutes" || kind == "update" {
				tomb.FormerType = "Note"
			}
			if err := p.publish(ctx, c, kind, r.RefID, "Delete", tomb, now); err != nil {
				return p.n, err
			}
		}
	}
	return p.n, nil
}

// publisher is one round of publishing.
type publisher struct {
	f           *Federation
	communities map[int64]*convene.Community
	n           int
}

func (p *publisher) community(ctx context.Context, id int64) (*convene.Community, error) {
	if c := p.communities[id]; c != nil {
		return c, nil
	}
	c, err := p.f.Store.CommunityByID(ctx, id)
	if err == nil {
		p.communities[id] = c
	}
	return c, err
}

// say publishes an object as a Create, or an Update when it was published before.
func (p *publisher) say(ctx context.Context, c *convene.Community, kind string, refID int64, object any, at time.Time) error {
	prev, err := p.f.Store.PublishedOf(ctx, kind, refID)
	if err != nil {
		return err
	}
	activity := "Create"
	if prev != nil && prev.Activity != "Delete" {
		activity = "Update"
	}
	return p.publish(ctx, c, kind, refID, activity, object, at)
}

func (p *publisher) publish(ctx context.Context, c *convene.Community, kind string, refID int64, activity string, object any, at time.Time) error {
	if err := p.f.publish(ctx, c, kind, refID, activity, object, at); err != nil {
		return err
	}
	p.n++
	return nil
}

// objectID is the address of what a community published: a call's or an event's page, the
// minutes on their call's page, an update on its initiative's page.
func (f *Federation) objectID(c *convene.Community, kind string, refID int64) string {
	id := f.CommunityID(c)
	switch kind {
	case "event":
		return id + "/events/" + itoa(refID)
	case "minutes":
		return id + "/calls/" + itoa(refID) + "#minutes"
	case "update":
		return id + "/updates/" + itoa(refID)
	}
	return id + "/calls/" + itoa(refID)
}

// object builds what an event, minutes or an update say to the fediverse.
func (f *Federation) object(ctx context.Context, c *convene.Community, t store.ToPublish) (any, error) {
	id := f.CommunityID(c)
	switch t.Kind {
	case "event":
		ev, err := f.Store.EventByID(ctx, t.RefID)
		if err != nil {
			return nil, err
		}
		return f.GatheringEvent(c, ev), nil
	case "minutes":
		call, err := f.Store.CallByID(ctx, t.RefID)
		if err != nil {
			return nil, err
		}
		m, err := f.Store.Minutes(ctx, t.RefID)
		if err != nil {
			return nil, err
		}
		page := id + "/calls/" + itoa(call.ID)
		return Note{ID: f.objectID(c, "minutes", t.RefID), Type: "Note", AttributedTo: id, To: []string{id + "/followers"},
			Content: "<p>" + htmlEscape(call.DisplayTitle()+" · "+call.StartsAt.In(call.Location()).Format("2006-01-02")) + "</p>" +
				htmlParagraphs(m.Summary) + `<p><a href="` + htmlEscape(page) + `#minutes">` + htmlEscape(page) + "</a></p>",
			URL: page + "#minutes", Published: m.UpdatedAt.UTC().Format(time.RFC3339), InReplyTo: page}, nil
	case "update":
		up, err := f.Store.UpdateByID(ctx, t.RefID)
		if err != nil {
			return nil, err
		}
		page := id + "/initiatives/" + itoa(up.InitiativeID) + "#update-" + itoa(up.ID)
		// The update's words and its initiative, never its author: people are not actors here.
		return Note{ID: f.objectID(c, "update", t.RefID), Type: "Note", AttributedTo: id, To: []string{id + "/followers"},
			Content: "<p><strong>" + htmlEscape(up.InitiativeName.Text) + "</strong></p>" + htmlParagraphs(up.Body) +
				`<p><a href="` + htmlEscape(page) + `">` + htmlEscape(page) + "</a></p>",
			URL: page, Published: up.CreatedAt.UTC().Format(time.RFC3339)}, nil
	}
	return nil, fmt.Errorf("nothing to publish of kind %q", t.Kind)
}

// publish wraps an object in an activity, keeps it as the outbox's last word on the object and
// queues it to every follower's inbox.
func (f *Federation) publish(ctx context.Context, c *convene.Community, kind string, refID int64, activity string, object any, at time.Time) error {
	id := f.CommunityID(c)
	objectID := strings.TrimSuffix(f.objectID(c, kind, refID), "#minutes")
	a := Activity{Context: ldContext, ID: fmt.Sprintf("%s#%s-%s/%d", objectID, kind, strings.ToLower(activity), at.UnixNano()), Type: activity,
		Actor: id, Object: object, To: []string{Public}, Cc: []string{id + "/followers"}, Published: f.Clock.Now().UTC().Format(time.RFC3339)}
	if kind == "minutes" || kind == "update" { // posts go to the followers
		a.To, a.Cc = []string{id + "/followers"}, nil
	}
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

// GatheringEvent is one of the movement's events (a summit, a meetup) as an Event.
func (f *Federation) GatheringEvent(c *convene.Community, e *convene.Event) Event {
	id := f.CommunityID(c)
	page := f.objectID(c, "event", e.ID)
	ev := Event{ID: page, Type: "Event", Name: e.Name, Content: htmlParagraphs(e.Description), MediaType: "text/html",
		StartTime: e.StartsAt.UTC().Format(time.RFC3339), EndTime: e.EndsAt.UTC().Format(time.RFC3339), Timezone: e.TimeZone, URL: page,
		AttributedTo: id, To: []string{Public}, Cc: []string{id + "/followers"}, Status: "CONFIRMED",
		Published: e.CreatedAt.UTC().Format(time.RFC3339), Updated: e.UpdatedAt.UTC().Format(time.RFC3339)}
	if e.Place != "" {
		pl := Place{Type: "Place", Name: e.Place}
		if e.Address != "" {
			pl.Address = &PostalAddress{Type: "PostalAddress", StreetAddress: e.Address}
		}
		ev.Location = append(ev.Location, pl)
	}
	if e.Online {
		ev.Location = append(ev.Location, Place{Type: "VirtualLocation", URL: page})
	}
	return ev
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
		ev.NameMap, ev.ContentMap = map[string]string{}, map[string]string{}
		for _, lang := range c.Languages {
			ev.NameMap[lang] = translated(call, lang, own, name)
			ev.ContentMap[lang] = translatedContent(call, agenda, lang, own)
		}
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

// translatedContent is a call's note and agenda in a language: each text's version there, the
// original where it has none.
func translatedContent(call *convene.Call, agenda []*convene.AgendaItem, lang, own string) string {
	if lang == own {
		return callContent(call, agenda)
	}
	version := func(t convene.Translations, field, original string) string {
		if v := t[lang][field]; v != "" {
			return v
		}
		return original
	}
	c := *call
	c.Note = version(call.Translations, "note", call.Note)
	items := make([]*convene.AgendaItem, len(agenda))
	for i, a := range agenda {
		x := *a
		x.Title = version(a.Translations, "title", a.Title)
		items[i] = &x
	}
	return callContent(&c, items)
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
	var delivered []int64
	r := &deliveryRound{communities: map[int64]*convene.Community{}, blocked: map[string]bool{}}
	next := make(chan store.Job)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if err := f.deliver(ctx, r, j); err != nil {
					f.Log.Debug("delivery failed", "job", j.ID, "attempt", j.Attempts, "err", err)
					_ = f.Store.FailJob(ctx, j, err.Error(), f.Clock.Now().Add(backoff(j.Attempts)))
					continue
				}
				mu.Lock()
				delivered = append(delivered, j.ID)
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	// Done in one write for the batch: a crash before it delivers the batch again, freshly signed,
	// which receivers take as the same activities (their ids do not change).
	return len(delivered), f.Store.FinishJobs(ctx, delivered)
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

// deliveryRound is what a round of deliveries reads once, not once per delivery: the communities
// that sign, and whether each host is blocked.
type deliveryRound struct {
	mu          sync.Mutex
	communities map[int64]*convene.Community
	blocked     map[string]bool
}

func (r *deliveryRound) community(ctx context.Context, f *Federation, id int64) (*convene.Community, error) {
	r.mu.Lock()
	c := r.communities[id]
	r.mu.Unlock()
	if c != nil {
		return c, nil
	}
	c, err := f.Store.CommunityByID(ctx, id)
	if err == nil {
		r.mu.Lock()
		r.communities[id] = c
		r.mu.Unlock()
	}
	return c, err
}

func (r *deliveryRound) isBlocked(ctx context.Context, f *Federation, inbox string) bool {
	host := hostOf(inbox)
	r.mu.Lock()
	b, ok := r.blocked[host]
	r.mu.Unlock()
	if !ok {
		b = f.blocked(ctx, inbox)
		r.mu.Lock()
		r.blocked[host] = b
		r.mu.Unlock()
	}
	return b
}

// deliver posts one activity, signed.
func (f *Federation) deliver(ctx context.Context, r *deliveryRound, j store.Job) error {
	var p store.DeliverPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return err
	}
	if r.isBlocked(ctx, f, p.Inbox) {
		return nil // a domain blocked since: nothing goes there
	}
	c, err := r.community(ctx, f, p.CommunityID)
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
