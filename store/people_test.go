package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func person(t *testing.T, s *store.Store, name string, edit func(*convene.User)) *convene.User {
	t.Helper()
	ctx := context.Background()
	u := &convene.User{Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org", Name: name, Confirmed: true}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(u)
		if err := s.UpdateProfile(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// oneCall stores a community with a series and a single future call, capacity as given.
func oneCall(t *testing.T, s *store.Store, capacity int) (*convene.Community, *convene.Call) {
	t.Helper()
	ctx := context.Background()
	c, sr := seedSeries(t, s, "ogc")
	if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: date("2019-11-01"), EndsOn: date("2019-11-30")}); err != nil {
		t.Fatal(err)
	}
	calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
	call := calls[0]
	call.Capacity = capacity
	if err := s.UpdateCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	return c, call
}

// promotedPeople names the people whose invitation says a place opened up for them, in order.
func promotedPeople(t *testing.T, s *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	jobs, err := s.ClaimJobs(ctx, 1000, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range jobs {
		var p store.InvitePayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if j.Kind == store.JobInvite && p.Promoted {
			u, _ := s.UserByID(ctx, p.UserID)
			out = append(out, u.Name)
		}
	}
	return out
}

func TestWaitlistPromotesInOrder(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, call := oneCall(t, s, 2)
		var people []*convene.User
		for i := 0; i < 5; i++ {
			people = append(people, person(t, s, fmt.Sprintf("Person %d", i), nil))
		}
		var statuses []string
		for _, u := range people {
			st, err := s.Register(ctx, call.ID, u.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			statuses = append(statuses, st)
		}
		equalStrings(t, statuses, []string{"registered", "registered", "waitlisted", "waitlisted", "waitlisted"})
		// Registering again changes nothing.
		if st, err := s.Register(ctx, call.ID, people[3].ID, nil); err != nil || st != "waitlisted" {
			t.Fatalf("second registration: %s %v", st, err)
		}
		if err := s.CancelRegistration(ctx, call.ID, people[0].ID); err != nil {
			t.Fatal(err)
		}
		// Raising the capacity promotes the next two in order.
		got, _ := s.CallByID(ctx, call.ID)
		got.Capacity = 4
		if err := s.UpdateCall(ctx, got); err != nil {
			t.Fatal(err)
		}
		regs, _ := s.CallRegistrations(ctx, call.ID)
		var order []string
		for _, r := range regs {
			order = append(order, r.User.Name+":"+r.Status)
		}
		equalStrings(t, order, []string{"Person 1:registered", "Person 2:registered", "Person 3:registered", "Person 4:registered", "Person 0:cancelled"})
		equalStrings(t, promotedPeople(t, s), []string{"Person 2", "Person 3", "Person 4"})
	})
}

func TestCapacityHoldsUnderConcurrentRegistrations(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, call := oneCall(t, s, 10)
		var people []*convene.User
		for i := 0; i < 50; i++ {
			people = append(people, person(t, s, fmt.Sprintf("Racer %02d", i), nil))
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(people))
		for _, u := range people {
			wg.Add(1)
			go func(id int64) {
				defer wg.Done()
				if _, err := s.Register(ctx, call.ID, id, nil); err != nil {
					errs <- err
				}
			}(u.ID)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		counts, _ := s.RegisteredCounts(ctx, []int64{call.ID})
		regs, _ := s.CallRegistrations(ctx, call.ID)
		if counts[call.ID] != 10 || len(regs) != 50 {
			t.Fatalf("%d registered of capacity 10, %d registrations", counts[call.ID], len(regs))
		}
	})
}

func TestRegistrationRefusals(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-20T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, sr := seedSeries(t, s, "ogc")
		if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: date("2019-11-01"), EndsOn: date("2020-01-31")}); err != nil {
			t.Fatal(err)
		}
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		u := person(t, s, "Ada", nil)
		_, err := s.Register(ctx, calls[0].ID, u.ID, nil) // November 13: past
		mustCode(t, err, convene.EINVALID)
		calls[1].Status = convene.CallCancelled
		if err := s.UpdateCall(ctx, calls[1]); err != nil {
			t.Fatal(err)
		}
		_, err = s.Register(ctx, calls[1].ID, u.ID, nil)
		mustCode(t, err, convene.EINVALID)
		_, err = s.Register(ctx, 99999, u.ID, nil)
		mustCode(t, err, convene.ENOTFOUND)

		// A subscription registers for the future scheduled calls, and for calls added later.
		if err := s.Subscribe(ctx, sr.ID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		extra := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2020-02-20T17:00:00Z"), DurationMinutes: 60}
		if err := s.CreateCall(ctx, extra); err != nil {
			t.Fatal(err)
		}
		ids := []int64{calls[0].ID, calls[1].ID, calls[2].ID, extra.ID}
		st, _ := s.Places(ctx, u.ID, ids)
		if st[calls[0].ID].Status != "" || st[calls[1].ID].Status != "" || st[calls[2].ID].Status != "registered" || st[extra.ID].Status != "registered" {
			t.Fatalf("subscription statuses: %v", st)
		}
		if err := s.Unsubscribe(ctx, sr.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		st, _ = s.Places(ctx, u.ID, ids)
		if len(st) != 0 {
			t.Fatalf("after unsubscribing: %v", st)
		}
	})
}

func TestDirectoryAndPeopleLikeYou(t *testing.T) {
	testdb.Each(t, nil, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _ := seedSeries(t, s, "ogc")
		add := func(name, jur, sector, vis string, interests ...string) *convene.User {
			u := person(t, s, name, func(u *convene.User) {
				u.Jurisdiction, u.Sector, u.Visibility, u.Interests = jur, sector, vis, interests
			})
			if _, err := s.JoinCommunity(ctx, c.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			return u
		}
		ada := add("Ada", "ON", "government", "public", "Open Data", "procurement")
		add("Bea", "ON", "government", "members", "open data")
		add("Cy", "BC", "civil_society", "public", "open data")
		add("Di", "QC", "academia", "nobody", "open data")
		add("Ed", "ON", "media", "public", "podcasts")
		names := func(us []*convene.User) []string {
			var out []string
			for _, u := range us {
				out = append(out, u.Name)
			}
			return out
		}
		all, _ := s.Directory(ctx, convene.DirectoryFilter{CommunityID: c.ID})
		equalStrings(t, names(all), []string{"Ada", "Bea", "Cy", "Ed"})
		public, _ := s.Directory(ctx, convene.DirectoryFilter{CommunityID: c.ID, Public: true})
		equalStrings(t, names(public), []string{"Ada", "Cy", "Ed"})
		on, _ := s.Directory(ctx, convene.DirectoryFilter{CommunityID: c.ID, Jurisdiction: "ON", Sector: "government"})
		equalStrings(t, names(on), []string{"Ada", "Bea"})
		tagged, _ := s.Directory(ctx, convene.DirectoryFilter{CommunityID: c.ID, Interest: "open data"})
		equalStrings(t, names(tagged), []string{"Ada", "Bea", "Cy"})
		page2, _ := s.Directory(ctx, convene.DirectoryFilter{CommunityID: c.ID, AfterName: "Bea", AfterID: all[1].ID, Limit: 1})
		equalStrings(t, names(page2), []string{"Cy"})
		if fmt.Sprint(all[0].Interests) != "[open data procurement]" {
			t.Fatalf("interests: %v", all[0].Interests)
		}
		// Ada (Ontario, government) meets Cy, in another province and sector, over open data; Bea works
		// where Ada does, and Di hides her profile.
		like, _ := s.PeopleLikeYou(ctx, c.ID, ada, false, 5)
		equalStrings(t, names(like), []string{"Cy"})
	})
}

func TestAuthTokensAreSingleUseAndExpire(t *testing.T) {
	clock := &movableClock{t: utc("2019-11-01T12:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var raw string
		mail := func(tok string) convene.Mail {
			raw = tok
			return convene.Mail{To: "ada@example.org", Subject: "Sign in", Text: "/auth/" + tok}
		}
		if err := s.CreateAuthToken(ctx, store.TokenSignIn, "Ada@Example.org", map[string]int{"x": 1}, 20*time.Minute, mail); err != nil {
			t.Fatal(err)
		}
		tok, err := s.PeekAuthToken(ctx, raw)
		if err != nil || tok.Email != "ada@example.org" || tok.Purpose != store.TokenSignIn {
			t.Fatalf("peek: %+v %v", tok, err)
		}
		use := func(raw string) error { _, err := s.UseAuthToken(ctx, raw); return err }
		if err := use(raw); err != nil {
			t.Fatal(err)
		}
		mustCode(t, use(raw), convene.ENOTFOUND)
		mustCode(t, use(raw+"x"), convene.ENOTFOUND)
		if err := s.CreateAuthToken(ctx, store.TokenSignIn, "ada@example.org", nil, 20*time.Minute, mail); err != nil {
			t.Fatal(err)
		}
		clock.t = clock.t.Add(21 * time.Minute)
		mustCode(t, use(raw), convene.ENOTFOUND)
		clock.t = utc("2019-11-01T12:00:00Z")
	})
}

func TestDeleteLeavesOnlyAnonymousCounts(t *testing.T) {
	clock := &movableClock{t: utc("2019-11-01T00:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		clock.t = utc("2019-11-01T00:00:00Z")
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: date("2019-11-01"), EndsOn: date("2019-12-31")}); err != nil {
			t.Fatal(err)
		}
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		u := person(t, s, "Gone Person", func(u *convene.User) { u.Interests = []string{"privacy"} })
		other := person(t, s, "Stays Here", nil)
		q := &convene.Question{SeriesID: sr.ID, Kind: convene.QuestionText, Label: "Anything to add?"}
		if err := s.AddQuestion(ctx, sr.CommunityID, q); err != nil {
			t.Fatal(err)
		}
		qid := fmt.Sprint(q.ID)
		for _, call := range calls {
			if _, err := s.Register(ctx, call.ID, u.ID, map[string]string{qid: "my answer"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Register(ctx, call.ID, other.ID, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Subscribe(ctx, sr.ID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAPIToken(ctx, u.ID, "laptop"); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordSignIn(ctx, store.AttemptPassword, u.Email, "127.0.0.1", false); err != nil {
			t.Fatal(err)
		}
		if err := s.EnqueueMail(ctx, convene.Mail{To: u.Email, Subject: "Hello"}); err != nil {
			t.Fatal(err)
		}
		export, err := s.ExportPersonalData(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if export.Account.Email != u.Email || len(export.Registrations) != 2 || export.Registrations[0].Answers[qid] != "my answer" ||
			len(export.Memberships) != 1 || len(export.Subscriptions) != 1 || len(export.APITokens) != 1 || len(export.SignInLogs) != 1 ||
			len(export.Mail) != 1 || fmt.Sprint(export.Account.Interests) != "[privacy]" {
			t.Fatalf("export: %+v", export)
		}

		clock.t = utc("2019-11-20T00:00:00Z") // November's call is now history, December's is ahead
		if err := s.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		counts, _ := s.RegisteredCounts(ctx, []int64{calls[0].ID, calls[1].ID})
		if counts[calls[0].ID] != 2 || counts[calls[1].ID] != 1 {
			t.Fatalf("counts after deletion: %v (the held call keeps an anonymous count)", counts)
		}
		// No row anywhere mentions the person.
		for _, q := range []string{
			`SELECT COUNT(*) FROM users WHERE id = ? OR email = ?`,
			`SELECT COUNT(*) FROM registrations WHERE user_id = ? OR answers LIKE '%' || ? || '%'`,
			`SELECT COUNT(*) FROM memberships WHERE user_id = ? OR ? = ''`,
			`SELECT COUNT(*) FROM subscriptions WHERE user_id = ? OR ? = ''`,
			`SELECT COUNT(*) FROM user_interests WHERE user_id = ? OR ? = ''`,
			`SELECT COUNT(*) FROM api_tokens WHERE user_id = ? OR ? = ''`,
			`SELECT COUNT(*) FROM sign_in_attempts WHERE id = ? OR email = ?`,
			`SELECT COUNT(*) FROM outbox WHERE id = ? OR message LIKE '%' || ? || '%'`,
			`SELECT COUNT(*) FROM auth_tokens WHERE ? = 0 OR email = ?`,
		} {
			var n int
			arg2 := u.Email
			if strings.Contains(q, "answers") {
				arg2 = "my answer"
			}
			if strings.Contains(q, "? = ''") {
				arg2 = "x"
			}
			query := q
			if s.Engine() == "postgres" {
				for i := 1; strings.Contains(query, "?"); i++ {
					query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
				}
			}
			if err := s.DB().QueryRowContext(ctx, query, u.ID, arg2).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if n != 0 {
				t.Errorf("%s: %d rows still refer to the deleted person", q, n)
			}
		}
		_ = c
	})
}
