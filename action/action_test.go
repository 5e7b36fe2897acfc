package action_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/locale"
	"github.com/opengovcall/convene/notify"
	"github.com/opengovcall/convene/store"
)

// world is a community with an owner, a member, a lead of one initiative and an outsider, a
// series that asks a required question, its next call, and an open ask on the initiative.
type world struct {
	c                             *convene.Community
	call                          *convene.Call
	in                            *convene.Initiative
	ask                           *convene.Ask
	owner, member, lead, outsider *convene.User
	rights                        map[*convene.User]convene.Rights
}

func (w *world) as(u *convene.User) action.Actor {
	if u == nil {
		return action.Actor{}
	}
	return action.Actor{User: u, Rights: w.rights[u]}
}

func build(t *testing.T, s *store.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{rights: map[*convene.User]convene.Rights{}}
	user := func(name string) *convene.User {
		u := &convene.User{Email: strings.ToLower(name) + "@example.org", Name: name, Confirmed: true}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.owner, w.member, w.lead, w.outsider = user("Owner"), user("Member"), user("Lead"), user("Outsider")
	w.c = &convene.Community{Slug: "ogc", Name: "Open Government Canada", TimeZone: "America/Toronto", Languages: []string{"en", "fr"}}
	if err := s.CreateCommunity(ctx, w.c, w.owner.ID); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*convene.User{w.member, w.lead} {
		if _, err := s.JoinCommunity(ctx, w.c.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []*convene.User{w.owner, w.member, w.lead, w.outsider} {
		role, err := s.RoleOf(ctx, w.c.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.rights[u] = convene.RightsOf(u, role)
	}
	sr := &convene.Series{CommunityID: w.c.ID, Title: "Community Call", RRule: "FREQ=MONTHLY;BYDAY=2WE",
		StartsOn: convene.Date{Year: 2019, Month: 1, Day: 1}, StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
	if err := s.CreateSeries(ctx, sr); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: convene.Date{Year: 2019, Month: 11, Day: 1},
		EndsOn: convene.Date{Year: 2019, Month: 12, Day: 31}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddQuestion(ctx, w.c.ID, &convene.Question{SeriesID: sr.ID, Kind: convene.QuestionText, Label: "Your organization", Required: true}); err != nil {
		t.Fatal(err)
	}
	calls, err := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
	if err != nil || len(calls) == 0 {
		t.Fatalf("calls %v, %v", calls, err)
	}
	w.call = calls[0]
	w.in = &convene.Initiative{CommunityID: w.c.ID, Name: "Open Clearinghouse", Status: "active", LeadIDs: []int64{w.lead.ID}}
	if err := s.CreateInitiative(ctx, w.in); err != nil {
		t.Fatal(err)
	}
	w.ask = &convene.Ask{InitiativeID: w.in.ID, AuthorID: w.lead.ID, Kind: "volunteers", Body: "Testers for the prototype"}
	if err := s.AddAsk(ctx, w.ask); err != nil {
		t.Fatal(err)
	}
	return w
}

func newActions(t *testing.T, s *store.Store) (*action.Actions, *int) {
	cat, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	woken := 0
	return action.New(s, notify.Writer{Catalog: cat, BaseURL: "https://calls.example.org"}, func() { woken++ }), &woken
}

func code(t *testing.T, err error, want, key string) {
	t.Helper()
	e, ok := convene.AsError(err)
	if !ok || e.Code != want || (key != "" && e.Key != key) {
		t.Fatalf("error %v, want %s %s", err, want, key)
	}
}

// Each shared write checks who acts before anything of the input: strangers are asked to sign in,
// outsiders and members without the right are refused, and what they sent is never looked at.
func TestActionsCheckWhoActs(t *testing.T) {
	testdb.Each(t, convene.FixedClock(time.Date(2019, 11, 1, 12, 0, 0, 0, time.UTC)), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := build(t, s)
		acts, _ := newActions(t, s)

		_, err := acts.Comment(ctx, w.as(nil), w.c, "call:1", "Hello", "")
		code(t, err, convene.EUNAUTHORIZED, "signin.required")
		// An outsider's comment on something that does not exist is refused for who they are.
		_, err = acts.Comment(ctx, w.as(w.outsider), w.c, "nonsense", "", "")
		code(t, err, convene.EFORBIDDEN, "comment.members_only")
		cm, err := acts.Comment(ctx, w.as(w.member), w.c, "call:"+itoa(w.call.ID), " Looking forward to it ", "")
		if err != nil || cm.AuthorID != w.member.ID || cm.AuthorName != "Member" || cm.Body != "Looking forward to it" {
			t.Fatalf("comment %+v, %v", cm, err)
		}
		// What a member writes is taken to be in their language unless they name another.
		francophone := w.as(w.member)
		francophone.Lang = "fr"
		if cm, err := acts.Comment(ctx, francophone, w.c, "call:"+itoa(w.call.ID), "À bientôt", ""); err != nil || cm.Lang != "fr" {
			t.Fatalf("comment in %q (%v)", cm.Lang, err)
		}
		if cm, err := acts.Comment(ctx, francophone, w.c, "call:"+itoa(w.call.ID), "See you", "EN"); err != nil || cm.Lang != "en" {
			t.Fatalf("comment in %q (%v)", cm.Lang, err)
		}
		_, err = acts.Comment(ctx, w.as(w.member), w.c, "nonsense", "x", "")
		code(t, err, convene.EINVALID, "")

		topic := func() *convene.Topic {
			return &convene.Topic{CommunityID: w.c.ID, SeriesID: w.call.SeriesID, Title: "Open data in Nova Scotia", Kind: convene.AgendaKinds[0]}
		}
		code(t, acts.ProposeTopic(ctx, w.as(w.outsider), topic()), convene.EFORBIDDEN, "topic.members_only")
		tp := topic()
		tp.ProposerID = w.owner.ID // whoever the input names, the actor proposes
		if err := acts.ProposeTopic(ctx, w.as(w.member), tp); err != nil || tp.ProposerID != w.member.ID || tp.ProposerName != "Member" {
			t.Fatalf("topic %+v, %v", tp, err)
		}

		up := func() *convene.InitiativeUpdate { return &convene.InitiativeUpdate{Body: "Prototype is live"} }
		code(t, acts.PostUpdate(ctx, w.as(w.member), w.in, up()), convene.EFORBIDDEN, "error.forbidden")
		code(t, acts.PostUpdate(ctx, w.as(nil), w.in, up()), convene.EUNAUTHORIZED, "signin.required")
		for _, u := range []*convene.User{w.lead, w.owner} {
			got := up()
			if err := acts.PostUpdate(ctx, w.as(u), w.in, got); err != nil || got.AuthorID != u.ID || got.InitiativeID != w.in.ID {
				t.Fatalf("%s's update %+v, %v", u.Name, got, err)
			}
		}
		code(t, acts.PostAsk(ctx, w.as(w.member), w.in, &convene.Ask{Kind: "feedback", Body: "Tell us"}), convene.EFORBIDDEN, "")
		code(t, acts.PostAsk(ctx, w.as(w.lead), w.in, &convene.Ask{Kind: "bribes", Body: "Tell us"}), convene.EINVALID, "")
		updates, err := s.Updates(ctx, w.in.ID)
		if err != nil {
			t.Fatal(err)
		}
		asks, err := s.Asks(ctx, w.in.ID, false)
		if err != nil || len(updates) != 2 || len(asks) != 1 {
			t.Fatalf("initiative holds %d updates and %d asks (%v): a refused write left something", len(updates), len(asks), err)
		}
	})
}

// An offer of help is a member's, and it tells the asker by mail, in the asker's language.
func TestOfferHelpMailsTheAsker(t *testing.T) {
	testdb.Each(t, convene.FixedClock(time.Date(2019, 11, 1, 12, 0, 0, 0, time.UTC)), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := build(t, s)
		acts, woken := newActions(t, s)
		_, err := acts.OfferHelp(ctx, w.as(w.outsider), w.c, w.in, w.ask, "I can help", "")
		code(t, err, convene.EFORBIDDEN, "ask.offer.members_only")
		if *woken != 0 {
			t.Fatal("a refused offer woke the mailer")
		}
		// The asker reads French: the mail names the initiative in French.
		w.lead.Languages = []string{"fr"}
		if err := s.UpdateProfile(ctx, w.lead); err != nil {
			t.Fatal(err)
		}
		w.in.Translations.Set("fr", "name", "Centre d’échange ouvert")
		if err := s.UpdateInitiative(ctx, w.in); err != nil {
			t.Fatal(err)
		}
		o, err := acts.OfferHelp(ctx, w.as(w.member), w.c, w.in, w.ask, "I can test on Thursdays", "EN")
		if err != nil || o.UserID != w.member.ID || o.AskID != w.ask.ID || o.Lang != "en" {
			t.Fatalf("offer %+v, %v", o, err)
		}
		if *woken != 1 {
			t.Fatalf("the mailer was woken %d times", *woken)
		}
		mails, err := s.ClaimMail(ctx, 10, time.Minute)
		if err != nil || len(mails) != 1 {
			t.Fatalf("outbox %v, %v", mails, err)
		}
		m := mails[0].Mail
		link := "https://calls.example.org/c/ogc/initiatives/" + itoa(w.in.ID)
		if m.To != w.lead.Email || !strings.Contains(m.Text, "I can test on Thursdays") || !strings.Contains(m.Text, link) ||
			strings.Contains(m.Text, w.member.Email) || !strings.Contains(m.Text, "Centre d’échange ouvert") {
			t.Fatalf("offer mail to %s:\n%s", m.To, m.Text)
		}
	})
}

// A member's text takes versions in the community's other languages from its author or an
// organizer, nobody else; a bad version is refused with its field named and nothing written.
func TestTranslatingAMembersText(t *testing.T) {
	testdb.Each(t, convene.FixedClock(time.Date(2019, 11, 1, 12, 0, 0, 0, time.UTC)), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := build(t, s)
		acts, _ := newActions(t, s)
		cm, err := acts.Comment(ctx, w.as(w.member), w.c, "call:"+itoa(w.call.ID), "See you there", "en")
		if err != nil {
			t.Fatal(err)
		}
		tp := &convene.Topic{CommunityID: w.c.ID, SeriesID: w.call.SeriesID, Title: "Open data in Nova Scotia", Kind: convene.AgendaKinds[0], Texts: convene.Texts{Lang: "en"}}
		if err := acts.ProposeTopic(ctx, w.as(w.member), tp); err != nil {
			t.Fatal(err)
		}
		up := &convene.InitiativeUpdate{Body: "Prototype is live"} // its language not recorded: the primary one
		if err := acts.PostUpdate(ctx, w.as(w.lead), w.in, up); err != nil {
			t.Fatal(err)
		}
		fr := func(field, text string) convene.Translations { return convene.Translations{"fr": {field: text}} }
		texts := []struct {
			kind   string
			id     int64
			author *convene.User
			field  string
		}{
			{convene.MemberComment, cm.ID, w.member, "body"},
			{convene.MemberTopic, tp.ID, w.member, "title"},
			{convene.MemberUpdate, up.ID, w.lead, "body"},
			{convene.MemberAsk, w.ask.ID, w.lead, "body"},
		}
		for _, x := range texts {
			_, err := acts.Translate(ctx, w.as(nil), w.c, x.kind, x.id, fr(x.field, "Bonjour"))
			code(t, err, convene.EUNAUTHORIZED, "signin.required")
			for _, other := range []*convene.User{w.outsider, w.member, w.lead} {
				if other != x.author {
					_, err := acts.Translate(ctx, w.as(other), w.c, x.kind, x.id, fr(x.field, "Bonjour"))
					code(t, err, convene.EFORBIDDEN, "error.forbidden")
				}
			}
			_, err = acts.Translate(ctx, w.as(x.author), w.c, x.kind, x.id, convene.Translations{"en": {x.field: "Hello"}})
			code(t, err, convene.EINVALID, "form.invalid")
			_, err = acts.Translate(ctx, w.as(x.author), w.c, x.kind, x.id, convene.Translations{"de": {x.field: "Hallo"}})
			code(t, err, convene.EINVALID, "form.invalid")
			_, err = acts.Translate(ctx, w.as(x.author), w.c, x.kind, x.id, convene.Translations{"x!": {x.field: "Hallo"}})
			code(t, err, convene.EINVALID, "form.invalid")
			_, err = acts.Translate(ctx, w.as(x.author), w.c, x.kind, x.id, fr(x.field, strings.Repeat("é", 20000)))
			if e, ok := convene.AsError(err); !ok || len(e.Fields) != 1 || e.Fields[0].Field != x.field+":fr" {
				t.Fatalf("%s: an over-long version gave %v", x.kind, err)
			}
			got, err := s.MemberText(ctx, w.c.ID, x.kind, x.id)
			if err != nil || len(got.Item.Localized().Translations) != 0 {
				t.Fatalf("%s: refused versions left %v (%v)", x.kind, got.Item.Localized().Translations, err)
			}
			// The author writes the French version; an organizer corrects it.
			for _, u := range []*convene.User{x.author, w.owner} {
				want := "Bonjour de " + u.Name
				if _, err := acts.Translate(ctx, w.as(u), w.c, x.kind, x.id, fr(x.field, " "+want+" ")); err != nil {
					t.Fatalf("%s by %s: %v", x.kind, u.Name, err)
				}
				got, err := s.MemberText(ctx, w.c.ID, x.kind, x.id)
				if err != nil || got.Item.Localized().Translations.Get("fr", x.field) != want || got.AuthorID != x.author.ID {
					t.Fatalf("%s after %s: %+v (%v)", x.kind, u.Name, got, err)
				}
				// Shown to a French reader, the version replaces the original.
				convene.Localize(got.Item, "fr", w.c.Primary())
				if !got.Item.Localized().Translated(x.field) || convene.Original(got.Item, x.field) == want {
					t.Fatalf("%s: a French reader does not see the version", x.kind)
				}
			}
			// An empty version removes it.
			if _, err := acts.Translate(ctx, w.as(w.owner), w.c, x.kind, x.id, fr(x.field, "")); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.MemberText(ctx, w.c.ID, x.kind, x.id); len(got.Item.Localized().Translations) != 0 {
				t.Fatalf("%s: the emptied version stayed: %v", x.kind, got.Item.Localized().Translations)
			}
		}
		// Another community's text, a hidden comment and an unknown kind are not found.
		other := &convene.Community{Slug: "elsewhere", Name: "Elsewhere", TimeZone: "America/Toronto", Languages: []string{"en", "fr"}}
		if err := s.CreateCommunity(ctx, other, w.owner.ID); err != nil {
			t.Fatal(err)
		}
		_, err = acts.Translate(ctx, w.as(w.owner), other, convene.MemberComment, cm.ID, fr("body", "Bonjour"))
		code(t, err, convene.ENOTFOUND, "text.not_found")
		if err := s.HideComment(ctx, w.c.ID, cm.ID); err != nil {
			t.Fatal(err)
		}
		_, err = acts.Translate(ctx, w.as(w.owner), w.c, convene.MemberComment, cm.ID, fr("body", "Bonjour"))
		code(t, err, convene.ENOTFOUND, "text.not_found")
		_, err = acts.Translate(ctx, w.as(w.owner), w.c, "survey", cm.ID, fr("body", "Bonjour"))
		code(t, err, convene.ENOTFOUND, "text.not_found")
	})
}

// Registering for one call and subscribing to the series hold the series' required question
// alike, whichever path the request came in by.
func TestRegisteringNeedsTheRequiredAnswers(t *testing.T) {
	testdb.Each(t, convene.FixedClock(time.Date(2019, 11, 1, 12, 0, 0, 0, time.UTC)), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := build(t, s)
		acts, woken := newActions(t, s)
		qs, err := s.Questions(ctx, w.call.SeriesID)
		if err != nil || len(qs) != 1 {
			t.Fatalf("questions %v, %v", qs, err)
		}
		for _, series := range []bool{false, true} {
			_, err := acts.Register(ctx, w.as(w.outsider), w.call, series, convene.Signup{})
			code(t, err, convene.EINVALID, "")
		}
		_, err = acts.Register(ctx, w.as(nil), w.call, false, convene.Signup{})
		code(t, err, convene.EUNAUTHORIZED, "signin.required")
		if *woken != 0 {
			t.Fatal("a refused registration woke the mailer")
		}
		answers := map[string]string{itoa(qs[0].ID): "Treasury Board"}
		if status, err := acts.Register(ctx, w.as(w.outsider), w.call, true, convene.Signup{Answers: answers}); err != nil || status != convene.RegRegistered {
			t.Fatalf("subscribe: %q, %v", status, err)
		}
		if ok, err := s.Subscribed(ctx, w.call.SeriesID, w.outsider.ID); err != nil || !ok {
			t.Fatalf("subscribed %v, %v", ok, err)
		}
		if err := acts.Unsubscribe(ctx, w.as(w.outsider), w.call.SeriesID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.Subscribed(ctx, w.call.SeriesID, w.outsider.ID); ok {
			t.Fatal("still subscribed")
		}
		if *woken != 2 {
			t.Fatalf("the mailer was woken %d times, want one per change", *woken)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
