package web

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
)

// reachData is a report for the exports and the API: numbers are null when hidden in the
// public view.
type reachData struct {
	Community       string              `json:"community"`
	Range           reachDataRange      `json:"range"`
	Public          bool                `json:"public"`
	SuppressedBelow int                 `json:"suppressed_below"`
	Totals          reachDataTotals     `json:"totals"`
	Jurisdictions   []reachDataGroup    `json:"jurisdictions"`
	Sectors         []reachDataGroup    `json:"sectors"`
	Matrix          []reachDataCell     `json:"matrix"`
	Calls           []reachDataCall     `json:"calls"`
	Concentration   reachDataConc       `json:"concentration"`
	Previous        *reachDataPrevious  `json:"previous_season"`
	Gaps            map[string][]string `json:"gaps"`
	// Modes splits registrations and attendance by how people took part; absent when every call
	// was online.
	Modes map[string]reachDataMode `json:"modes,omitempty"`
}

type reachDataMode struct {
	Registered *int `json:"registered"`
	Attended   *int `json:"attended"`
}

type reachDataRange struct {
	SeasonID int64  `json:"season_id,omitempty"`
	Season   string `json:"season,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
}

type reachDataTotals struct {
	Registered            *int     `json:"registered"`
	Attended              *int     `json:"attended"`
	FirstTime             *int     `json:"first_time"`
	Returning             *int     `json:"returning"`
	Retained              *int     `json:"retained"`
	RetentionRate         *float64 `json:"retention_rate"`
	Registrations         *int     `json:"registrations"`
	RegistrationsAttended *int     `json:"registrations_attended"`
	RegistrationsRecorded *int     `json:"registrations_recorded"` // for calls with attendance recorded: the rate's base
	CallsRecorded         int      `json:"calls_recorded"`
	AttendanceRate        *float64 `json:"attendance_rate"`
}

type reachDataGroup struct {
	Code       string `json:"code"`
	Registered *int   `json:"registered"`
	Attended   *int   `json:"attended"`
	FirstTime  *int   `json:"first_time"`
}

type reachDataCell struct {
	Jurisdiction string `json:"jurisdiction"`
	Sector       string `json:"sector"`
	Attended     *int   `json:"attended"`
}

type reachDataCall struct {
	ID         int64     `json:"id"`
	StartsAt   time.Time `json:"starts_at"`
	Registered *int      `json:"registered"`
	Attended   *int      `json:"attended"`
	FirstTime  *int      `json:"first_time"`
	Returning  *int      `json:"returning"`
}

type reachDataConc struct {
	Attendees    *int     `json:"attendees"`
	Largest      string   `json:"largest,omitempty"`
	LargestShare *float64 `json:"largest_share"`
	Diversity    *float64 `json:"diversity"`
	OneMinusHHI  *float64 `json:"one_minus_hhi"`
	Method       string   `json:"method"`
}

type reachDataPrevious struct {
	SeasonID      int64         `json:"season_id"`
	Season        string        `json:"season"`
	Concentration reachDataConc `json:"concentration"`
}

// reachMethod states how the concentration figures are computed.
const reachMethod = "largest_share: the largest province or territory's share of attendees in the 13 provinces and territories; " +
	"diversity: normalized Shannon entropy H / ln 13 over the 13 provinces and territories; one_minus_hhi: 1 − Σ share²"

// dataOf shapes a report for the exports and the API, hiding small counts when public.
func dataOf(c *convene.Community, rep *convene.ReachReport, public bool) reachData {
	num := func(n int) *int {
		if public && convene.Suppressed(n) {
			return nil
		}
		return &n
	}
	pair := func(x, y int) (*int, *int) {
		a, b := num(x), num(y)
		if a == nil || b == nil {
			return nil, nil
		}
		return a, b
	}
	rate := func(part, whole *int) *float64 {
		if part == nil || whole == nil || *whole == 0 {
			return nil
		}
		r := math.Round(float64(*part)/float64(*whole)*10000) / 10000
		return &r
	}
	round := func(v float64) *float64 {
		r := math.Round(v*10000) / 10000
		return &r
	}
	conc := func(byProvince map[string]int) reachDataConc {
		k := convene.ConcentrationOf(byProvince)
		out := reachDataConc{Attendees: num(k.Total), Largest: k.Largest, Method: reachMethod}
		if public && convene.DerivedHidden(byProvince) {
			return reachDataConc{Method: reachMethod}
		}
		if k.Total > 0 {
			out.LargestShare = rate(num(k.LargestCount), num(k.Total))
			out.Diversity, out.OneMinusHHI = round(k.Diversity), round(k.OneMinusHHI)
		}
		return out
	}
	t := rep.Totals()
	d := reachData{Community: c.Slug, Public: public, SuppressedBelow: convene.SmallCount,
		Range:         reachDataRange{SeasonID: rep.Filter.SeasonID, From: rep.Filter.From.String(), To: rep.Filter.To.String()},
		Jurisdictions: []reachDataGroup{}, Sectors: []reachDataGroup{}, Matrix: []reachDataCell{}, Calls: []reachDataCall{}}
	if rep.Season != nil {
		d.Range.Season = rep.Season.Name
	}
	d.Totals.Registered, d.Totals.Attended = num(t.Registered), num(t.Attended)
	d.Totals.FirstTime, d.Totals.Returning = pair(t.FirstTime, t.Returning())
	d.Totals.Retained = num(t.Retained)
	d.Totals.RetentionRate = rate(d.Totals.Retained, d.Totals.FirstTime)
	d.Totals.Registrations, d.Totals.RegistrationsAttended = num(t.Registrations), num(t.RegistrationsAttended)
	regs, recorded := rep.RecordedRegistrations()
	d.Totals.RegistrationsRecorded, d.Totals.CallsRecorded = num(regs), recorded
	d.Totals.AttendanceRate = rate(d.Totals.RegistrationsAttended, d.Totals.RegistrationsRecorded)
	byJ, byS := rep.ByJurisdiction(), rep.BySector()
	for _, j := range append(append([]string{}, convene.Jurisdictions...), "") {
		tt := byJ[j]
		d.Jurisdictions = append(d.Jurisdictions, reachDataGroup{Code: orNone(j), Registered: num(tt.Registered), Attended: num(tt.Attended), FirstTime: num(tt.FirstTime)})
	}
	for _, sec := range append(append([]string{}, convene.Sectors...), "") {
		tt := byS[sec]
		d.Sectors = append(d.Sectors, reachDataGroup{Code: orNone(sec), Registered: num(tt.Registered), Attended: num(tt.Attended), FirstTime: num(tt.FirstTime)})
	}
	for _, cell := range rep.Cells {
		if cell.Attended > 0 {
			d.Matrix = append(d.Matrix, reachDataCell{Jurisdiction: orNone(cell.Jurisdiction), Sector: orNone(cell.Sector), Attended: num(cell.Attended)})
		}
	}
	for _, call := range rep.Calls {
		dc := reachDataCall{ID: call.CallID, StartsAt: call.StartsAt, Registered: num(call.Registered), Attended: num(call.Attended)}
		dc.FirstTime, dc.Returning = pair(call.FirstTime, call.Returning())
		d.Calls = append(d.Calls, dc)
	}
	d.Concentration = conc(rep.AttendedByProvince())
	if rep.Previous != nil {
		d.Previous = &reachDataPrevious{SeasonID: rep.Previous.ID, Season: rep.Previous.Name, Concentration: conc(rep.PreviousAttended)}
	}
	gp, gs := rep.Gaps()
	d.Gaps = map[string][]string{"provinces": append([]string{}, gp...), "sectors": append([]string{}, gs...)}
	if rep.Modes != nil {
		d.Modes = map[string]reachDataMode{}
		for mode, m := range rep.Modes {
			d.Modes[mode] = reachDataMode{Registered: num(m.Registered), Attended: num(m.Attended)}
		}
	}
	return d
}

// reachOf is the community's reach report for a range, reused for a minute (see reachCache).
func (s *Server) reachOf(r *http.Request, c *convene.Community, f convene.ReachFilter) (*convene.ReachReport, error) {
	return s.reach.report(r.Context(), c, f, s.clock.Now(), func(ctx context.Context) (*convene.ReachReport, error) {
		return s.store.Reach(ctx, c, f)
	})
}

// reachReport loads the report the request asks for, with what the viewer may see of it.
func (s *Server) reachReport(r *http.Request, page bool) (*convene.Community, *convene.ReachReport, bool, error) {
	c, err := s.communityOf(r)
	if err != nil {
		return nil, nil, false, err
	}
	organizer, err := s.reachAccess(r, c, page)
	if err != nil {
		return nil, nil, false, err
	}
	f, err := reachFilterOf(r)
	if err == nil && !organizer {
		err = f.PublicFilter()
	}
	if err != nil {
		return nil, nil, false, err
	}
	rep, err := s.reachOf(r, c, f)
	if err == nil && !organizer {
		rep = convene.PublicReach(rep)
	}
	return c, rep, !organizer, err
}

// reachJSON serves the report's figures as JSON, for the export and the API.
func (s *Server) reachJSON(w http.ResponseWriter, r *http.Request) error {
	c, rep, public, err := s.reachReport(r, false)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, dataOf(c, rep, public))
}

// reachCSV exports the report's figures, one per line: figure, category, value ("<5" when
// hidden in the public view).
func (s *Server) reachCSV(w http.ResponseWriter, r *http.Request) error {
	c, rep, public, err := s.reachReport(r, true)
	if err != nil {
		return err
	}
	d := dataOf(c, rep, public)
	out, err := startCSV(w, c.Slug+"-reach.csv")
	if err != nil {
		return err
	}
	hidden := "<" + strconv.Itoa(convene.SmallCount)
	n := func(v *int) string {
		if v == nil {
			return hidden
		}
		return strconv.Itoa(*v)
	}
	f := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	rows := [][]string{{"figure", "category", "value"},
		{"registered", "", n(d.Totals.Registered)}, {"attended", "", n(d.Totals.Attended)},
		{"first_time", "", n(d.Totals.FirstTime)}, {"returning", "", n(d.Totals.Returning)},
		{"retained", "", n(d.Totals.Retained)}, {"retention_rate", "", f(d.Totals.RetentionRate)},
		{"registrations", "", n(d.Totals.Registrations)}, {"registrations_attended", "", n(d.Totals.RegistrationsAttended)},
		{"registrations_recorded", "", n(d.Totals.RegistrationsRecorded)}, {"calls_recorded", "", strconv.Itoa(d.Totals.CallsRecorded)},
		{"attendance_rate", "", f(d.Totals.AttendanceRate)}}
	for _, g := range d.Jurisdictions {
		rows = append(rows, []string{"jurisdiction_registered", g.Code, n(g.Registered)}, []string{"jurisdiction_attended", g.Code, n(g.Attended)},
			[]string{"jurisdiction_first_time", g.Code, n(g.FirstTime)})
	}
	for _, g := range d.Sectors {
		rows = append(rows, []string{"sector_registered", g.Code, n(g.Registered)}, []string{"sector_attended", g.Code, n(g.Attended)},
			[]string{"sector_first_time", g.Code, n(g.FirstTime)})
	}
	for _, m := range d.Matrix {
		rows = append(rows, []string{"attended_by_jurisdiction_and_sector", m.Jurisdiction + "/" + m.Sector, n(m.Attended)})
	}
	for _, mode := range []string{convene.AttendOnline, convene.AttendInPerson} {
		if m, ok := d.Modes[mode]; ok {
			rows = append(rows, []string{"mode_registered", mode, n(m.Registered)}, []string{"mode_attended", mode, n(m.Attended)})
		}
	}
	for _, call := range d.Calls {
		at := call.StartsAt.UTC().Format(time.RFC3339)
		rows = append(rows, []string{"call_registered", at, n(call.Registered)}, []string{"call_attended", at, n(call.Attended)},
			[]string{"call_first_time", at, n(call.FirstTime)}, []string{"call_returning", at, n(call.Returning)})
	}
	conc := func(prefix string, k reachDataConc) {
		rows = append(rows, []string{prefix + "largest", k.Largest, f(k.LargestShare)}, []string{prefix + "diversity_shannon_ln13", "", f(k.Diversity)},
			[]string{prefix + "one_minus_hhi", "", f(k.OneMinusHHI)})
	}
	conc("concentration_", d.Concentration)
	if d.Previous != nil {
		conc("previous_season_concentration_", d.Previous.Concentration)
	}
	for _, g := range d.Gaps["provinces"] {
		rows = append(rows, []string{"gap_province", g, "0"})
	}
	for _, g := range d.Gaps["sectors"] {
		rows = append(rows, []string{"gap_sector", g, "0"})
	}
	for _, row := range rows {
		if err := out.row(row...); err != nil {
			return err
		}
	}
	return out.close()
}
