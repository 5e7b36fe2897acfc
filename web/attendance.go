package web

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// attendanceRoutes registers attendance: the organizers' list, the participant report's upload,
// preview and confirmation, check-in and removal, a member's "I attended", their own list, and the
// organizers' API. Individual records are shown only to organizers and to the person.
func (s *Server) attendanceRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/calls/{id}/attendance", s.attendancePage)
	handle("POST /c/{slug}/calls/{id}/attendance/upload", s.attendanceUpload)
	handle("POST /c/{slug}/calls/{id}/attendance/confirm", s.attendanceConfirm)
	handle("POST /c/{slug}/calls/{id}/attendance/checkin", s.attendanceCheckIn)
	handle("POST /c/{slug}/calls/{id}/attendance/remove", s.attendanceRemove)
	handle("POST /c/{slug}/calls/{id}/attendance/invite", s.attendanceInvite)
	handle("GET /claim/{token}", s.claim)
	handle("POST /claim/{token}", s.claim)
	handle("POST /c/{slug}/calls/{id}/attended", s.attendedSelf)
	handle("GET /me/attendance", s.myAttendance)
	api("GET /api/v1/calls/{id}/attendance", s.apiAttendance)
}

// maxPreviewOptions bounds the member options a preview lists over all its unmatched rows.
const maxPreviewOptions = 50_000

// maxConfirmBytes bounds the confirmation form: a choice per unmatched row of a large report.
const maxConfirmBytes = 4 << 20

// callAttendance is what a call page shows of attendance: a count for everyone and, for a signed-in
// member, their own record or the "I attended" button.
type callAttendance struct {
	Held          bool
	Count         int
	Mine          *convene.Attendance
	CanSelfReport bool
}

// loadCallAttendance fills the call page's attendance; calls not held yet cost no query.
func (s *Server) loadCallAttendance(r *http.Request, c *convene.Community, call *convene.Call) (callAttendance, error) {
	var out callAttendance
	if call.StatusAt(s.clock.Now()) != convene.CallHeld {
		return out, nil
	}
	ctx := r.Context()
	out.Held = true
	var err error
	if out.Count, err = s.store.AttendanceCount(ctx, call.ID); err != nil {
		return out, err
	}
	u := viewerOf(r).User
	if u == nil {
		return out, nil
	}
	out.Mine, err = s.store.MyAttendance(ctx, call.ID, u.ID)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return out, err
	}
	if out.Mine == nil {
		rights, err := s.rightsIn(r, c)
		if err != nil {
			return out, err
		}
		out.CanSelfReport = rights.Member()
	}
	return out, nil
}

// organizedCall loads the path's community and call and checks the viewer organizes the community.
func (s *Server) organizedCall(r *http.Request) (*convene.Community, *convene.Call, base, error) {
	c, b, err := s.organizing(r)
	if err != nil {
		return nil, nil, b, err
	}
	call, err := s.callOf(r, c)
	return c, call, b, err
}

type attendancePageData struct {
	base
	Call       *callView
	Held       bool
	Records    []*convene.Attendance
	Result     string // "N recorded, M already there" after a confirmation
	Upload     uploadForm
	CheckIn    *Form
	Members    int
	GuestCount int
}

// uploadForm is the participant report form: a file and the zone its times were written in.
type uploadForm struct {
	Action string
	Error  string
	Zone   Field
}

// attendancePage lists a held call's attendance for its organizers, with the upload and check-in forms.
func (s *Server) attendancePage(w http.ResponseWriter, r *http.Request) error {
	c, call, b, err := s.organizedCall(r)
	if err != nil {
		return err
	}
	var result string
	q := r.URL.Query()
	if added, err1 := strconv.Atoi(q.Get("added")); err1 == nil {
		if kept, err2 := strconv.Atoi(q.Get("kept")); err2 == nil && added >= 0 && kept >= 0 {
			result = b.L.T("attendance.result", "Added", added, "Kept", kept)
		}
	}
	if invited, err := strconv.Atoi(q.Get("invited")); err == nil && invited > 0 {
		result += " " + b.L.N("attendance.result_invited", invited)
	}
	return s.showAttendance(w, r, http.StatusOK, c, call, b, result, "", "")
}

func (s *Server) showAttendance(w http.ResponseWriter, r *http.Request, status int, c *convene.Community, call *convene.Call, b base,
	result, uploadErr, zone string) error {
	ctx := r.Context()
	l := b.L
	b.Title = l.T("attendance.title", "Call", call.DisplayTitle())
	p := attendancePageData{base: b, Call: s.viewCall(c, call, b.Zone), Held: call.StatusAt(s.clock.Now()) == convene.CallHeld, Result: result}
	if p.Held {
		var err error
		if p.Records, err = s.store.CallAttendance(ctx, call.ID); err != nil {
			return err
		}
		for _, a := range p.Records {
			if a.UserID != 0 {
				p.Members++
			} else if a.GuestName != "" {
				p.GuestCount++
			}
		}
		members, err := s.store.Members(ctx, c.ID)
		if err != nil {
			return err
		}
		if zone == "" {
			zone = c.TimeZone
		}
		p.Upload = uploadForm{Action: callPath(c, call) + "/attendance/upload", Error: uploadErr,
			Zone: Field{ID: "f-up-zone", Name: "zone", Label: l.T("attendance.field.zone"), Type: "select", Hint: l.T("attendance.hint.zone"),
				Options: zoneOptions(l, zone), Value: zone}}
		for i := range p.Upload.Zone.Options {
			p.Upload.Zone.Options[i].Selected = p.Upload.Zone.Options[i].Value == zone
		}
		opts := []Option{{Value: "", Label: l.T("attendance.checkin.choose")}}
		for _, m := range members {
			opts = append(opts, Option{Value: strconv.FormatInt(m.User.ID, 10), Label: m.User.Name})
		}
		p.CheckIn = &Form{Action: callPath(c, call) + "/attendance/checkin", Submit: l.T("attendance.checkin.submit"), Prefix: "ci-",
			Fields: []Field{{Name: "user", Label: l.T("attendance.field.member"), Type: "select", Options: opts, Required: true}}}
		p.CheckIn.build(url.Values{}, formErrors{}, l)
	}
	return s.render(w, status, "attendance", p)
}

// readReportUpload reads the posted participant report and zone, refusing a body over the size limit
// with a message that says so.
func readReportUpload(w http.ResponseWriter, r *http.Request) (report []byte, zone string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, convene.MaxReportBytes+64<<10)
	tooLarge := convene.Invalid("attendance.upload.too_large", map[string]any{"Max": convene.MaxReportBytes >> 20})
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", convene.Invalid("attendance.upload.no_file", nil)
	}
	found := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", tooLarge
		} else if err != nil {
			return nil, "", convene.Invalid("form.unreadable", nil)
		}
		switch part.FormName() {
		case "zone":
			b, err := io.ReadAll(io.LimitReader(part, 100))
			if err != nil {
				return nil, "", convene.Invalid("form.unreadable", nil)
			}
			zone = strings.TrimSpace(string(b))
		case "report":
			var buf bytes.Buffer
			n, err := io.Copy(&buf, io.LimitReader(part, convene.MaxReportBytes+1))
			if errors.As(err, &mbe) || n > convene.MaxReportBytes {
				return nil, "", tooLarge
			} else if err != nil {
				return nil, "", convene.Invalid("form.unreadable", nil)
			}
			report, found = buf.Bytes(), part.FileName() != "" || n > 0
		}
		part.Close()
	}
	if !found {
		return nil, "", convene.Invalid("attendance.upload.no_file", nil)
	}
	return report, zone, nil
}

// previewRow is one participant of an uploaded report with the member it was matched to.
type previewRow struct {
	Index   int
	P       convene.Participant
	Match   store.ParticipantMatch
	Choices []Option // for an unmatched row: guest, ignore or a member
}

type attendancePreviewPage struct {
	base
	Call        *callView
	Report      *convene.ParticipantReport
	ReportStart time.Time // in the call's zone
	DateDiffers bool
	ReportDate  string
	CallDate    string
	Token       string
	Zone        string
	Matched     []previewRow
	Unmatched   []previewRow
	// TooManyToMatch is set when a select of every member on every unmatched row would make the
	// page too large: the rows then offer only "guest" and "ignore".
	TooManyToMatch bool
	// OneChoiceForAll is set when there are more unmatched rows than a form may carry choices for
	// (Go's form parser stops at 10,000 fields): one choice then applies to them all.
	OneChoiceForAll bool
	AllChoices      []Option
}

// maxRowChoices is the most unmatched rows that get a choice each; beyond it, one choice for all.
const maxRowChoices = 1000

// attendanceUpload reads a participant report and shows its preview; nothing is recorded until
// the organizer confirms it.
func (s *Server) attendanceUpload(w http.ResponseWriter, r *http.Request) error {
	c, call, b, err := s.organizedCall(r)
	if err != nil {
		return err
	}
	if call.StatusAt(s.clock.Now()) != convene.CallHeld {
		return convene.Invalid("attendance.not_held", nil)
	}
	data, zone, err := readReportUpload(w, r)
	loc := time.UTC
	if err == nil {
		if zone == "" {
			zone = c.TimeZone
		}
		if loc, err = convene.LoadZone(zone); err != nil || !convene.ValidZone(zone) {
			err = convene.Invalid("timezone.unknown", map[string]any{"Zone": zone})
		}
	}
	var rep *convene.ParticipantReport
	if err == nil {
		rep, err = convene.ParseParticipantReport(bytes.NewReader(data), loc)
	}
	if err != nil {
		if convene.ErrorCode(err) != convene.EINVALID {
			return err
		}
		status := statusOf(err)
		if e, _ := convene.AsError(err); e.Key == "attendance.upload.too_large" {
			status = http.StatusRequestEntityTooLarge
		}
		return s.showAttendance(w, r, status, c, call, b, "", b.L.Err(err), zone)
	}
	// Stored as text on both engines: valid UTF-8 without NUL bytes, which the parser reads the same way.
	text := strings.ReplaceAll(strings.ToValidUTF8(string(data), "\uFFFD"), "\x00", "")
	token, err := s.store.SaveAttendanceUpload(r.Context(), call.ID, viewerOf(r).User.ID, text)
	if err != nil {
		return err
	}
	return s.showPreview(w, r, c, call, b, rep, token, zone)
}

func (s *Server) showPreview(w http.ResponseWriter, r *http.Request, c *convene.Community, call *convene.Call, b base,
	rep *convene.ParticipantReport, token, zone string) error {
	ctx := r.Context()
	l := b.L
	matches, err := s.store.MatchParticipants(ctx, c.ID, rep.Participants)
	if err != nil {
		return err
	}
	members, err := s.store.Members(ctx, c.ID)
	if err != nil {
		return err
	}
	b.Title = l.T("attendance.preview.title", "Call", call.DisplayTitle())
	p := attendancePreviewPage{base: b, Call: s.viewCall(c, call, b.Zone), Report: rep, Token: token, Zone: zone}
	callLoc := call.Location()
	start := rep.StartsAt
	for _, pp := range rep.Participants {
		if start.IsZero() || (!pp.FirstJoin.IsZero() && pp.FirstJoin.Before(start)) {
			start = pp.FirstJoin
		}
	}
	if !start.IsZero() {
		p.ReportStart = start.In(callLoc)
		reportDay, callDay := convene.DateOf(p.ReportStart), convene.DateOf(call.StartsAt.In(callLoc))
		p.DateDiffers = reportDay != callDay
		p.ReportDate, p.CallDate = l.Date(p.ReportStart), l.Date(call.StartsAt.In(callLoc))
	}
	choices := []Option{{Value: store.ChoiceGuest, Label: l.T("attendance.choice.guest"), Selected: true}, {Value: store.ChoiceIgnore, Label: l.T("attendance.choice.ignore")}}
	unmatched := 0
	for _, m := range matches {
		if m.UserID == 0 {
			unmatched++
		}
	}
	if p.TooManyToMatch = unmatched*len(members) > maxPreviewOptions; !p.TooManyToMatch {
		for _, m := range members {
			choices = append(choices, Option{Value: strconv.FormatInt(m.User.ID, 10), Label: l.T("attendance.choice.member", "Name", m.User.Name)})
		}
	}
	p.OneChoiceForAll = unmatched > maxRowChoices
	if p.OneChoiceForAll {
		p.AllChoices = choices[:2]
	}
	for i, pp := range rep.Participants {
		row := previewRow{Index: i, P: pp, Match: matches[i]}
		if row.Match.UserID != 0 {
			p.Matched = append(p.Matched, row)
			continue
		}
		if !p.OneChoiceForAll {
			row.Choices = choices
		}
		p.Unmatched = append(p.Unmatched, row)
	}
	return s.render(w, http.StatusOK, "attendance_preview", p)
}

// attendanceConfirm records an uploaded report as the organizer matched it, then forgets the upload.
func (s *Server) attendanceConfirm(w http.ResponseWriter, r *http.Request) error {
	c, call, _, err := s.organizedCall(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxConfirmBytes)
	if err := r.ParseForm(); err != nil {
		return convene.Invalid("form.unreadable", nil)
	}
	vals := r.PostForm
	ctx := r.Context()
	token := vals.Get("upload")
	up, err := s.store.AttendanceUploadFor(ctx, token, call.ID, viewerOf(r).User.ID)
	if err != nil {
		return err
	}
	loc, err := convene.LoadZone(vals.Get("zone"))
	if err != nil {
		loc = call.Location()
	}
	rep, err := convene.ParseParticipantReport(strings.NewReader(up.Report), loc)
	if err != nil {
		return err
	}
	matches, err := s.store.MatchParticipants(ctx, c.ID, rep.Participants)
	if err != nil {
		return err
	}
	// Rows without a choice of their own take the choice for all (a report with more unmatched
	// rows than a form can carry), or are ignored.
	forAll := store.ChoiceIgnore
	if v := vals.Get("unmatched"); v == store.ChoiceGuest || v == store.ChoiceIgnore {
		forAll = v
	}
	records, err := store.ReportAttendance(rep.Participants, matches, func(i int) (string, error) {
		if v := vals.Get("row_" + strconv.Itoa(i)); v != "" {
			return v, nil
		}
		return forAll, nil
	})
	if err != nil {
		return err
	}
	res, err := s.store.RecordAttendance(ctx, call.ID, records)
	if err != nil {
		return err
	}
	s.reach.forget(call.CommunityID)
	if err := s.store.DeleteAttendanceUpload(ctx, token); err != nil {
		return err
	}
	// Guests the organizer ticked get an invitation to claim their attendance.
	invited := 0
	for i, p := range rep.Participants {
		choice := cmp.Or(vals.Get("row_"+strconv.Itoa(i)), forAll)
		if matches[i].UserID != 0 || choice != store.ChoiceGuest || vals.Get("invite_"+strconv.Itoa(i)) == "" || p.Email == "" {
			continue
		}
		guest := store.GuestAttendance(p)
		if err := s.inviteGuest(ctx, c, p.Email, guest.PersonKey, guest.GuestName); convene.ErrorCode(err) == convene.EINVALID {
			continue // an address mail cannot go to: the guest stays a guest
		} else if err != nil {
			return err
		}
		invited++
	}
	return s.redirect(w, r, callPath(c, call)+"/attendance?added="+strconv.Itoa(res.Added)+"&kept="+strconv.Itoa(res.AlreadyThere)+
		"&invited="+strconv.Itoa(invited), "")
}

// attendanceCheckIn records that an organizer saw a member at the call.
func (s *Server) attendanceCheckIn(w http.ResponseWriter, r *http.Request) error {
	c, call, _, err := s.organizedCall(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(strings.TrimSpace(vals.Get("user")), 10, 64)
	if err != nil || id <= 0 {
		return convene.Invalid("attendance.not_member", nil)
	}
	added, err := s.store.CheckIn(r.Context(), call.ID, id)
	if err != nil {
		return err
	}
	s.reach.forget(call.CommunityID)
	flash := "attendance.flash.checked_in"
	if !added {
		flash = "attendance.flash.already"
	}
	return s.redirect(w, r, callPath(c, call)+"/attendance", flash)
}

// postedRecord reads a form an organizer posted about one attendance record of the path's call:
// the community, the call, the form and the record's id.
func (s *Server) postedRecord(w http.ResponseWriter, r *http.Request) (*convene.Community, *convene.Call, url.Values, int64, error) {
	c, call, _, err := s.organizedCall(r)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	id, err := strconv.ParseInt(vals.Get("record"), 10, 64)
	if err != nil {
		return nil, nil, nil, 0, convene.NotFound("attendance.not_found")
	}
	return c, call, vals, id, nil
}

// attendanceRemove deletes one record of the call.
func (s *Server) attendanceRemove(w http.ResponseWriter, r *http.Request) error {
	c, call, _, id, err := s.postedRecord(w, r)
	if err != nil {
		return err
	}
	if err := s.store.RemoveAttendance(r.Context(), c.ID, call.ID, id); err != nil {
		return err
	}
	s.reach.forget(c.ID)
	return s.redirect(w, r, callPath(c, call)+"/attendance", "attendance.flash.removed")
}

// attendedSelf records a signed-in member's own word that they attended a held call.
func (s *Server) attendedSelf(w http.ResponseWriter, r *http.Request) error {
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	c, call, err := s.communityCall(r)
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	added, err := s.store.SelfReport(r.Context(), call.ID, u.ID)
	if err != nil {
		return err
	}
	s.reach.forget(call.CommunityID)
	flash := "attendance.flash.self_reported"
	if !added {
		flash = "attendance.flash.already_yours"
	}
	return s.redirect(w, r, callPath(c, call), flash)
}

type myAttendancePage struct {
	base
	Calls []store.PersonalAttendance
}

// myAttendance lists the calls the signed-in person attended.
func (s *Server) myAttendance(w http.ResponseWriter, r *http.Request) error {
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	calls, err := s.store.PersonAttendance(r.Context(), u.ID)
	if err != nil {
		return err
	}
	b := s.newBase(r, "")
	b.Title = b.L.T("attendance.mine.title")
	return s.render(w, http.StatusOK, "attendance_mine", myAttendancePage{base: b, Calls: calls})
}

type apiAttendanceRecord struct {
	ID           int64     `json:"id"`
	Member       bool      `json:"member"`
	UserID       int64     `json:"user_id,omitempty"`
	Name         string    `json:"name"`
	Jurisdiction string    `json:"jurisdiction,omitempty"`
	Sector       string    `json:"sector,omitempty"`
	Source       string    `json:"source"`
	Minutes      int       `json:"minutes"`
	RecordedAt   time.Time `json:"recorded_at"`
}

// apiAttendance gives a call's attendance to its community's organizers; nobody else sees a record.
func (s *Server) apiAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	call, err := s.store.CallByID(ctx, id)
	if err != nil {
		return err
	}
	c, err := s.store.CommunityByID(ctx, call.CommunityID)
	if err != nil {
		return err
	}
	if err := s.requireOrganizer(r, c); err != nil {
		return err
	}
	records, err := s.store.CallAttendance(ctx, call.ID)
	if err != nil {
		return err
	}
	out := struct {
		CallID     int64                 `json:"call_id"`
		CallURL    string                `json:"call_url"`
		Count      int                   `json:"count"`
		Attendance []apiAttendanceRecord `json:"attendance"`
	}{CallID: call.ID, CallURL: s.absURL(callPath(c, call)), Count: len(records), Attendance: []apiAttendanceRecord{}}
	for _, a := range records {
		rec := apiAttendanceRecord{ID: a.ID, Member: strings.HasPrefix(a.PersonKey, "u:"), UserID: a.UserID, Name: a.GuestName, Jurisdiction: a.Jurisdiction,
			Sector: a.Sector, Source: a.Source, Minutes: a.Minutes, RecordedAt: a.CreatedAt}
		if a.UserID != 0 {
			rec.Name = a.UserName
		}
		out.Attendance = append(out.Attendance, rec)
	}
	return writeJSON(w, http.StatusOK, out)
}
