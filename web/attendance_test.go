package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/web"
)

// heldCall is the demo's latest call that was held before the tests' now, with the attendance the
// demo gave it taken away, so each test starts from no records.
func (a *app) heldCall(t *testing.T) *convene.Call {
	t.Helper()
	ctx := context.Background()
	calls, err := a.store.Calls(ctx, convene.CallFilter{CommunityID: a.demo.Community.ID, To: testNow, Descending: true, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		if c.StatusAt(testNow) == convene.CallHeld {
			del := "DELETE FROM attendance WHERE call_id = ?"
			if a.store.Engine() == "postgres" {
				del = "DELETE FROM attendance WHERE call_id = $1"
			}
			if _, err := a.store.DB().ExecContext(ctx, del, c.ID); err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	t.Fatal("the demo has no held call")
	return nil
}

// participantReport writes a Zoom participants export for a meeting starting at start: the
// demo's members by address, by name and by original name, a guest, a dial-in and someone unknown.
func participantReport(start time.Time) []byte {
	at := func(min int) string {
		return start.Add(time.Duration(min) * time.Minute).Format("01/02/2006 03:04:05 PM")
	}
	rows := [][]string{
		{"Valerie Dubois", "VALERIE.DUBOIS@example.org", at(0), at(55), "55", "No"},
		{"David's phone (David Kim)", "", at(2), at(30), "28", "No"},
		{"  owen   macleod ", "", at(5), at(45), "40", "No"},
		{"Speaker Visiting", "speaker.visiting@example.com", at(1), at(50), "49", "Yes"},
		{"Dial-in 647 ***0588", "", at(3), at(20), "17", "Yes"},
		{"Mystery Tablet", "", at(4), at(40), "36", "Yes"},
		{"Valerie Dubois", "valerie.dubois@example.org", at(56), at(60), "4", "No"}, // a rejoin
	}
	var b strings.Builder
	b.WriteString("\uFEFFName (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return []byte(b.String())
}

// uploadReport posts a participant report as a browser's file upload would.
func uploadReport(t *testing.T, c *client, path, zone string, report []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if zone != "" {
		_ = mw.WriteField("zone", zone)
	}
	fw, _ := mw.CreateFormFile("report", "participants.csv")
	fw.Write(report)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.a.http.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.a.http.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

var uploadField = regexp.MustCompile(`name="upload" value="([^"]+)"`)

// lockedLog keeps everything the server logs, for a test to search.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestAttendanceImportPreviewConfirm(t *testing.T) {
	logs := &lockedLog{}
	eachAppWith(t, func(cfg *web.Config) {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}, func(t *testing.T, a *app) {
		ctx := context.Background()
		call := a.heldCall(t)
		base := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)
		org := a.client()
		org.signIn()
		count := func() int {
			n, err := a.store.AttendanceCount(ctx, call.ID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		page := org.get(base + "/attendance")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Upload the participant report", `enctype="multipart/form-data"`, `<option value="America/Toronto" selected>`)

		// Bad input: clear messages, nothing stored.
		future := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		r := uploadReport(t, org, future+"/attendance/upload", "America/Toronto", participantReport(call.StartsAt))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Attendance is recorded once the call has been held")
		other, err := os.ReadFile(filepath.Join("..", "testdata", "participants", "other-tool.csv"))
		if err != nil {
			t.Fatal(err)
		}
		r = uploadReport(t, org, base+"/attendance/upload", "America/Toronto", other)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This file is not a participant report we can read.")
		r = uploadReport(t, org, base+"/attendance/upload", "America/Toronto", nil)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "The participant report is empty.")
		r = uploadReport(t, org, base+"/attendance/upload", "Mars/Olympus", participantReport(call.StartsAt))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		huge := bytes.Repeat([]byte("Someone,someone@example.org,01/01/2019 12:00:00 PM,01/01/2019 01:00:00 PM,60,No\n"), 11<<20/80)
		r = uploadReport(t, org, base+"/attendance/upload", "America/Toronto", huge)
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		mustContain(t, r.body, "The file is larger than 10 MB")
		if n := count(); n != 0 {
			t.Fatalf("bad uploads stored %d records", n)
		}

		// The preview: matches, the unmatched rows' choices, and nothing stored yet.
		report := participantReport(call.StartsAt.In(call.Location()))
		r = uploadReport(t, org, base+"/attendance/upload", "America/Toronto", report)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Check the participant report", "Matched to members (3)", "Not matched (3)",
			"Valerie Dubois", "matched by email", "David Kim", "matched by name (David Kim)", "Owen MacLeod", "matched by name",
			"Speaker Visiting", "Dial-in 647 ***0588", "Mystery Tablet", "Nothing is recorded until you confirm.")
		mustNotContain(t, r.body, "Warning: the report is for a meeting on")
		if n := count(); n != 0 {
			t.Fatalf("the preview stored %d records", n)
		}
		m := uploadField.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no upload token in the preview")
		}
		token := m[1]
		if strings.Contains(r.body, "/"+token) {
			t.Fatal("the upload token is in an address")
		}
		rows := regexp.MustCompile(`<th scope="row" id="row-name-(\d+)">([^<]*)</th>`).FindAllStringSubmatch(r.body, -1)
		choice := url.Values{"upload": {token}, "zone": {"America/Toronto"}}
		danielle, err := a.store.UserByEmail(ctx, "danielle.tremblay@example.org")
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			switch {
			case strings.HasPrefix(row[2], "Speaker"):
				choice.Set("row_"+row[1], "guest")
			case strings.HasPrefix(row[2], "Dial-in"):
				choice.Set("row_"+row[1], "ignore")
			case strings.HasPrefix(row[2], "Mystery"):
				choice.Set("row_"+row[1], strconv.FormatInt(danielle.ID, 10))
			}
		}
		if len(choice) != 5 {
			t.Fatalf("unmatched rows: %v", rows)
		}
		// Another organizer's token, or a stale one, records nothing.
		wantStatus(t, org.post(base+"/attendance/confirm", url.Values{"upload": {"forged"}}), http.StatusNotFound)
		r = org.post(base+"/attendance/confirm", choice)
		wantStatus(t, r, http.StatusSeeOther)
		r = org.get(r.location)
		mustContain(t, r.body, "5 recorded, 0 already there.", "Valerie Dubois", "David Kim", "Owen MacLeod", "Danielle Tremblay",
			"Speaker Visiting", "Participant report", "59")
		mustNotContain(t, r.body, "Dial-in")
		// The upload is gone once recorded.
		wantStatus(t, org.post(base+"/attendance/confirm", choice), http.StatusNotFound)

		// Re-importing the same report changes nothing.
		r = uploadReport(t, org, base+"/attendance/upload", "America/Toronto", report)
		wantStatus(t, r, http.StatusOK)
		choice.Set("upload", uploadField.FindStringSubmatch(r.body)[1])
		r = org.post(base+"/attendance/confirm", choice)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.get(r.location).body, "0 recorded, 5 already there.")
		if n := count(); n != 5 {
			t.Fatalf("%d records after re-import", n)
		}
		list, _ := a.store.CallAttendance(ctx, call.ID)
		for _, rec := range list {
			if rec.UserName == "Valerie Dubois" && (rec.Minutes != 59 || rec.Jurisdiction != "MB" || rec.Sector != "government") {
				t.Fatalf("Valerie's record: %+v", rec)
			}
		}

		// A report of another day: a warning, and the organizer decides.
		r = uploadReport(t, org, base+"/attendance/upload", "America/Toronto", participantReport(call.StartsAt.AddDate(0, 0, 7)))
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Warning: the report is for a meeting on", "Record attendance")

		// Check-in and removal.
		amrit, _ := a.store.UserByEmail(ctx, "amrit.sandhu@example.org")
		wantStatus(t, org.post(base+"/attendance/checkin", url.Values{"user": {strconv.FormatInt(amrit.ID, 10)}}), http.StatusSeeOther)
		r = org.get(base + "/attendance")
		mustContain(t, r.body, "Checked in.", "Amrit Sandhu", "Check-in")
		if n := count(); n != 6 {
			t.Fatalf("%d records after check-in", n)
		}
		id := regexp.MustCompile(`name="record" value="(\d+)"`).FindStringSubmatch(r.body)[1]
		wantStatus(t, org.post(base+"/attendance/remove", url.Values{"record": {id}}), http.StatusSeeOther)
		if n := count(); n != 5 {
			t.Fatalf("%d records after removal", n)
		}
		if strings.Contains(logs.String(), token) {
			t.Fatal("the logs hold an upload token")
		}
	})
}

// TestAttendancePrivacy checks that only organizers and the person see individual records: the
// public call page and the API show a count, members cannot reach the list.
func TestAttendancePrivacy(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		call := a.heldCall(t)
		base := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)
		valerie, _ := a.store.UserByEmail(ctx, "valerie.dubois@example.org")
		david, _ := a.store.UserByEmail(ctx, "david.kim@example.org")
		if _, err := a.store.RecordAttendance(ctx, call.ID, []convene.Attendance{
			{UserID: valerie.ID, Source: convene.AttendanceReport, Minutes: 50},
			{UserID: david.ID, Source: convene.AttendanceCheckIn},
			{GuestName: "Quiet Guest", Source: convene.AttendanceReport, Minutes: 20},
		}); err != nil {
			t.Fatal(err)
		}
		anonymous := a.client()
		member, mu := a.signedIn(t, "attendee.member@example.net", "Attending Member")
		secrets := []string{"Valerie Dubois", "David Kim", "Quiet Guest"}
		for name, c := range map[string]*client{"anonymous": anonymous, "member": member} {
			r := c.get(base)
			wantStatus(t, r, http.StatusOK)
			mustContain(t, r.body, "3 people attended.")
			mustNotContain(t, r.body, secrets...)
			mustNotContain(t, r.body, "Record and see attendance")
			for _, p := range []string{"/c/open-gov-canada", "/c/open-gov-canada/people", fmt.Sprintf("/api/v1/calls/%d", call.ID),
				fmt.Sprintf("/api/v1/calls/%d/attendance", call.ID), base + "/attendance", "/api/v1/communities/open-gov-canada/people"} {
				body := c.get(p).body
				for _, s := range []string{"Quiet Guest", "\"minutes\":50"} {
					if strings.Contains(body, s) {
						t.Errorf("%s sees %q on %s", name, s, p)
					}
				}
				if strings.Contains(p, "attendance") && strings.Contains(body, "Valerie") {
					t.Errorf("%s sees a record on %s", name, p)
				}
			}
		}
		wantStatus(t, member.get(base+"/attendance"), http.StatusForbidden)
		wantStatus(t, member.post(base+"/attendance/checkin", url.Values{"user": {strconv.FormatInt(mu.ID, 10)}}), http.StatusForbidden)
		wantStatus(t, anonymous.post(base+"/attended", url.Values{}), http.StatusUnauthorized)

		// "I attended": self-reported, and the member sees it; a second time changes nothing.
		r := member.get(base)
		mustContain(t, r.body, "I attended")
		wantStatus(t, member.post(base+"/attended", url.Values{}), http.StatusSeeOther)
		r = member.get(base)
		mustContain(t, r.body, "Thank you: your attendance is recorded as self-reported.", "You said you attended this call.", "4 people attended.")
		mustNotContain(t, r.body, ">I attended<")
		wantStatus(t, member.post(base+"/attended", url.Values{}), http.StatusSeeOther)
		mustContain(t, member.get("/me").body, `href="/me/attendance"`)
		mustContain(t, member.get("/me/attendance").body, "Calls you attended", call.DisplayTitle(), "Self-reported")
		if n, _ := a.store.AttendanceCount(ctx, call.ID); n != 4 {
			t.Fatalf("count %d", n)
		}
		// A future call takes no self-report.
		r = member.post(fmt.Sprintf("/c/open-gov-canada/calls/%d/attended", a.demo.RebootID), url.Values{})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Attendance is recorded once the call has been held")

		// The API: organizers with a token see the records; a member's token is refused.
		api := func(token string) response {
			req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/calls/%d/attendance", a.http.URL, call.ID), nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			return a.client().do(req)
		}
		orgUser, err := a.store.UserByEmail(ctx, demo.OrganizerEmail)
		if err != nil {
			t.Fatal(err)
		}
		orgToken, err := a.store.CreateAPIToken(ctx, orgUser.ID, "attendance", convene.ScopeOrganize)
		if err != nil {
			t.Fatal(err)
		}
		memberToken, err := a.store.CreateAPIToken(ctx, mu.ID, "attendance", convene.ScopeRegister)
		if err != nil {
			t.Fatal(err)
		}
		r = api(orgToken)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `"count":4`, "Valerie Dubois", "Quiet Guest", `"source":"self"`, `"jurisdiction":"MB"`)
		r = api(memberToken)
		wantStatus(t, r, http.StatusForbidden)
		mustNotContain(t, r.body, secrets...)
		r = api("")
		if r.status != http.StatusUnauthorized && r.status != http.StatusForbidden {
			t.Fatalf("anonymous API: %d", r.status)
		}
		mustNotContain(t, r.body, secrets...)
	})
}

// TestAttendanceAccessibility runs axe-core on the attendance page with its upload form, and on the preview.
func TestAttendanceAccessibility(t *testing.T) {
	axe := axeSource(t)
	browserApp(t, func(t *testing.T, a *app) {
		call := a.heldCall(t)
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d/attendance", call.ID)
		file := filepath.Join(t.TempDir(), "participants.csv")
		if err := os.WriteFile(file, participantReport(call.StartsAt.In(call.Location()).AddDate(0, 0, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx := newBrowser(t)
		base := a.http.URL
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
		check := func(name string, steps ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			axeCheck(t, ctx, axe, name, steps...)
		}
		check("attendance page", chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(css(`#f-email`)),
			chromedp.SendKeys(css(`#f-email`), demo.OrganizerEmail), chromedp.SendKeys(css(`#f-password`), organizerPassword),
			chromedp.Submit(css(`#f-password`)), chromedp.WaitVisible(css(`div.flash`)),
			chromedp.Navigate(base+path), chromedp.WaitVisible(css(`#f-up-report`)))
		check("attendance preview", chromedp.SetUploadFiles(css(`#f-up-report`), []string{file}),
			chromedp.Submit(css(`#f-up-report`)), chromedp.WaitVisible(css(`#unmatched-heading`)))
		check("attendance recorded", chromedp.Submit(css(`#row-3`)), chromedp.WaitVisible(css(`table.data`)))
		check("held call page", chromedp.Navigate(base+fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)), chromedp.WaitVisible(css(`#attendance-heading`)))
		check("calls I attended", chromedp.Submit(css(`form[action$="/attended"] button`)), chromedp.WaitVisible(css(`div.flash`)),
			chromedp.Navigate(base+"/me/attendance"), chromedp.WaitReady(css(`footer`)))
		check("French attendance page", chromedp.Navigate(base+"/lang/fr?next="+path), chromedp.WaitVisible(css(`#f-up-report`)))
	})
}
