// Package demo loads the community Convene grew from: Canada's open government community call,
// its 2019 pilot, the summit, the fall reboot and the calls that carry on to a year from now.
package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// Slug is the demo community's address.
const Slug = "open-gov-canada"

// OrganizerEmail is the demo organizer's sign-in address.
const OrganizerEmail = "organizer@example.org"

// AccessContact is where the demo's calls say to ask for accessibility needs: a shared address
// the organizers publish, not a person's own.
const AccessContact = "access@example.org"

// SeedInvitation is the join information exactly as the reboot announcement printed it.
const SeedInvitation = `Join Zoom Meeting
Meeting ID: 912 323 161
Password: 005064
One tap mobile
+16475580588,,912323161# Canada
Dial by your location
+1 647 558 0588 Canada
+1 720 707 2699 US (Denver)
+1 646 558 8656 US (New York)
Meeting ID: 912 323 161
Find your local number: https://zoom.us/u/aegrsblAn2`

// Result tells what was loaded.
type Result struct {
	Community *convene.Community
	Series    *convene.Series
	RebootID  int64 // the November 13, 2019 call
	SummitID  int64 // the hybrid call during the OGP Global Summit, May 30, 2019
	Calls     int
}

func date(y int, m time.Month, d int) convene.Date { return convene.Date{Year: y, Month: m, Day: d} }

// Load stores the demo community, with a few dozen fictional members. Seasons run to at least a year after the clock's now, so there is
// always a next call. organizerPassword, when not empty, creates the demo organizer account.
// Everything is loaded or, on failure, the caller is told; run it on an empty database.
func Load(ctx context.Context, st *store.Store, clock convene.Clock, organizerPassword string) (*Result, error) {
	var ownerID int64
	if organizerPassword != "" {
		u := &convene.User{Email: OrganizerEmail, Name: "Demo Organizer"}
		if err := convene.ValidateNewUser(u, organizerPassword); err != nil {
			return nil, err
		}
		hash, err := convene.HashPassword(organizerPassword)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = hash
		if err := st.CreateUser(ctx, u); err != nil {
			return nil, err
		}
		ownerID = u.ID
	}
	c := &convene.Community{
		Slug: Slug, Name: "Open Government Community Call · Canada", TimeZone: "America/Toronto", Languages: []string{"en", "fr"},
		Description: "A common meeting point for anyone working in the open government space across Canada: " +
			"every jurisdiction and sector, connecting, sharing what we are working on, asking questions and aligning our work.\n" +
			"Born from a session on building an open government movement at the 2018 Canadian Open Data Summit.",
	}
	if err := st.CreateCommunity(ctx, inFrench(c), ownerID); err != nil {
		return nil, err
	}
	if err := loadPictures(ctx, st, c); err != nil {
		return nil, err
	}
	sr := &convene.Series{
		CommunityID: c.ID, Title: "Open Government Community Call", RRule: "FREQ=MONTHLY;BYDAY=2WE",
		StartsOn: date(2019, 1, 1), StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60, Reminders: "1440,60",
		// One Zoom meeting serves every call, so its passcode is one secret: registered people only.
		JoinVisibility: convene.JoinRegistered,
		// Zoom's automatic captions on every call; needs beyond that, the organizers arrange.
		Accessibility: convene.Accessibility{Captions: convene.CaptionsAutomatic, Contact: AccessContact},
		Description: "Monthly, on the second Wednesday at noon Eastern. A pilot ran from January 2019 up to the OGP Global Summit " +
			"in Ottawa (May 29–31, 2019) and was extended to June to build on its momentum; after a summer break to relax and " +
			"reflect on lessons learned, the call rebooted in the fall because the feedback survey said, loud and clear, " +
			"that people want these calls to continue.",
	}
	if err := st.CreateSeries(ctx, inFrench(sr)); err != nil {
		return nil, err
	}
	kit, err := convene.ParseZoomInvitation(SeedInvitation)
	if err != nil {
		return nil, fmt.Errorf("demo join kit: %w", err)
	}
	kit.SeriesID = sr.ID
	if err := st.SaveJoinKit(ctx, c.ID, &kit); err != nil {
		return nil, err
	}

	// The pilot was planned to end with the summit in May, then extended to June.
	pilot := &convene.Season{SeriesID: sr.ID, Name: "Pilot", StartsOn: date(2019, 1, 1), EndsOn: date(2019, 5, 31),
		Note: "Planned from January up to the OGP Global Summit in Ottawa in May."}
	if err := st.CreateSeason(ctx, inFrench(pilot)); err != nil {
		return nil, err
	}
	pilot.EndsOn = date(2019, 6, 30)
	pilot.Note = "Planned from January up to the OGP Global Summit in Ottawa in May; extended to June to build on the summit's momentum. Then a summer break."
	if err := st.UpdateSeason(ctx, inFrench(pilot)); err != nil {
		return nil, err
	}
	reboot := &convene.Season{SeriesID: sr.ID, Name: "Fall reboot", StartsOn: date(2019, 11, 1), EndsOn: date(2020, 6, 30),
		Note: "Relaunched after the summer break: the feedback survey said people want these calls to continue."}
	if err := st.CreateSeason(ctx, inFrench(reboot)); err != nil {
		return nil, err
	}
	horizon := convene.DateOf(clock.Now().UTC().AddDate(1, 0, 0))
	for y := 2020; !horizon.Before(date(y, 9, 1)); y++ {
		se := &convene.Season{SeriesID: sr.ID, Name: fmt.Sprintf("%d–%d", y, y+1), StartsOn: date(y, 9, 1), EndsOn: date(y+1, 6, 30)}
		if err := st.CreateSeason(ctx, inFrench(se)); err != nil {
			return nil, err
		}
	}

	res := &Result{Community: c, Series: sr}
	next, err := annotate(ctx, st, c, sr, clock.Now(), res)
	if err != nil {
		return nil, err
	}
	if err := loadMembers(ctx, st, c, res.RebootID, next); err != nil {
		return nil, err
	}
	if err := loadEvents(ctx, st, c, res); err != nil {
		return nil, err
	}
	if err := loadInitiatives(ctx, st, c, res); err != nil {
		return nil, err
	}
	if err := loadAttendance(ctx, st, c, res); err != nil {
		return nil, err
	}
	if err := loadRecentRecords(ctx, st, c, res, clock.Now()); err != nil {
		return nil, err
	}
	if err := loadSurveys(ctx, st, c, res); err != nil {
		return nil, err
	}
	if err := loadSummitWeek(ctx, st, c, res); err != nil {
		return nil, err
	}
	// Ideas raised at the events link to the initiatives they became, so both must be loaded.
	if err := linkIdeas(ctx, st, c); err != nil {
		return nil, err
	}
	// Setting the scene queued updates for calls it edited: the demo mails no one. What it wrote is
	// found by search from the first page.
	if _, err := st.IndexPending(ctx, math.MaxInt); err != nil {
		return nil, err
	}
	return res, st.SettleJobs(ctx)
}

// annotate gives the calls around the summit their notes, the reboot call its announced agenda,
// and the next call an agenda of its own.
func annotate(ctx context.Context, st *store.Store, c *convene.Community, sr *convene.Series, now time.Time, res *Result) (*convene.Call, error) {
	calls, err := st.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
	if err != nil {
		return nil, err
	}
	res.Calls = len(calls)
	toronto, _ := convene.LoadZone("America/Toronto")
	var next *convene.Call
	for _, call := range calls {
		day := convene.DateOf(call.StartsAt.In(toronto))
		switch day {
		case date(2019, 5, 8):
			call.Note = "Three weeks before the OGP Global Summit in Ottawa (May 29–31): planning how the community shows up and which sessions to coordinate."
		case date(2019, 6, 12):
			call.Note = "Following up on the OGP Global Summit in Ottawa: what we learned, and keeping the momentum going."
		case date(2019, 11, 13):
			call.Theme = "The reboot"
			call.Note = "The Open Government Community Call is back after a summer break. Please share this with others who might be interested."
			call.JoinVisibility = convene.JoinRegistered // against uninvited disruption
			// The relaunch reached out across the country: interpreted, with a captioner.
			call.OwnAccessibility = &convene.Accessibility{Captions: convene.CaptionsHuman, Interpretation: []string{"fr", "en"},
				MaterialsAhead: true, Contact: AccessContact}
			res.RebootID = call.ID
		default:
			if next == nil && call.StartsAt.After(now) {
				next = call
			}
			continue
		}
		if err := st.UpdateCall(ctx, inFrench(call)); err != nil {
			return nil, err
		}
	}
	items := []convene.AgendaItem{
		{CallID: res.RebootID, Kind: convene.AgendaUpdate, Title: "What the Ontario Open Government Team has been up to",
			PresenterName: "Christine Hagyard", PresenterOrg: "Ontario Open Government Team", Minutes: 15},
		{CallID: res.RebootID, Kind: convene.AgendaAnnouncement, Title: "Launching Re:OpenGov",
			PresenterName: "Richard Pierto", PresenterOrg: "Re:OpenGov", Minutes: 15},
		{CallID: res.RebootID, Kind: convene.AgendaDiscussion, Title: "And much more: round table of what everyone is working on", Minutes: 20},
	}
	if next != nil {
		items = append(items,
			convene.AgendaItem{CallID: next.ID, Kind: convene.AgendaDiscussion, Title: "Round table: what is happening in your jurisdiction?", Minutes: 25},
			convene.AgendaItem{CallID: next.ID, Kind: convene.AgendaAsk, Title: "Beyond the usual suspects: who should we invite from outside Ontario?",
				Description: "The community is still very Ontario-centric. Bring names, networks and ideas for reaching people across the country.", Minutes: 15},
		)
	}
	for i := range items {
		if err := st.AddAgendaItem(ctx, c.ID, inFrench(&items[i])); err != nil {
			return nil, err
		}
	}
	return next, nil
}
