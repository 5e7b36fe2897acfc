package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/web/chart"
)

// reachRoutes registers the reach analytics: the page, its exports, the lists behind its figures
// and the API.
func (s *Server) reachRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/reach", s.reachPage)
	handle("GET /c/{slug}/reach.csv", s.reachCSV)
	api("GET /c/{slug}/reach.json", s.reachJSON) // errors in JSON too
	handle("GET /c/{slug}/reach/people", s.reachPeople)
	api("GET /api/v1/communities/{slug}/reach", s.reachJSON)
}

// reachAccess decides what the viewer sees of a community's reach: organizers everything,
// everyone else the public aggregates when the community shares them. Strangers on a page are
// asked to sign in; anyone else is refused.
func (s *Server) reachAccess(r *http.Request, c *convene.Community, page bool) (organizer bool, err error) {
	organizer, err = s.canOrganize(r, c)
	if err != nil || organizer || c.PublicReach {
		return organizer, err
	}
	if page && viewerOf(r).User == nil {
		return false, convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	return false, convene.Errorf(convene.EFORBIDDEN, "reach.private", nil)
}

// reachFilterOf reads the range from the query: season, or from and to (YYYY-MM-DD).
func reachFilterOf(r *http.Request) (convene.ReachFilter, error) {
	q := r.URL.Query()
	var f convene.ReachFilter
	var errs []convene.FieldError
	if v := strings.TrimSpace(q.Get("season")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, convene.FieldError{Field: "season", Key: "reach.season_unknown"})
		}
		f.SeasonID = id
	}
	f.From = dateField(q, "from", &errs)
	f.To = dateField(q, "to", &errs)
	if len(errs) > 0 {
		return f, convene.Invalid("reach.bad_range", nil, errs...)
	}
	return f, f.Validate()
}

// reachQuery is the range as a query string, to carry into links.
func reachQuery(f convene.ReachFilter) url.Values {
	v := url.Values{}
	if f.SeasonID != 0 {
		v.Set("season", strconv.FormatInt(f.SeasonID, 10))
	}
	if !f.From.IsZero() {
		v.Set("from", f.From.String())
	}
	if !f.To.IsZero() {
		v.Set("to", f.To.String())
	}
	return v
}

// reachFigure is one number of the report as a page shows it: hidden ("fewer than 5") in the
// public view when small, and linked to the list behind it for organizers.
type reachFigure struct {
	N      int
	Text   string
	Href   string
	Hidden bool
}

// reachRow is one jurisdiction or sector.
type reachRow struct {
	Code, Label                     string
	Registered, Attended, FirstTime reachFigure
}

type reachMatrixRow struct {
	Label string
	Cells []reachFigure
	Total reachFigure
}

type reachCallRow struct {
	Label                                      string
	StartsAt                                   time.Time
	URL                                        string
	Registered, Attended, FirstTime, Returning reachFigure
}

type reachConcentration struct {
	Label       string
	Attendees   reachFigure
	Largest     string
	Share       string // "" when hidden
	Diversity   string
	OneMinusHHI string
}

// reachView is a reach report shaped for the page.
type reachView struct {
	Public                                               bool
	Registered, Attended, FirstTime, Returning, Retained reachFigure
	Registrations, RegistrationsAttended                 reachFigure
	RecordedCalls                                        int    // calls with attendance recorded, the base of AttendanceRate
	AllTime                                              bool   // nobody can have come before the range
	AttendanceRate, RetentionRate                        string // "" when hidden or undefined
	Provinces, Others, Sectors                           []reachRow
	MatrixSectors                                        []string
	Matrix                                               []reachMatrixRow
	Calls                                                []reachCallRow
	Current, Previous                                    *reachConcentration
	GapProvinces, GapSectors                             []string
	TileMap, SectorBars, CallBars                        template.HTML
	SuppressedInCalls                                    bool
	Modes                                                []reachRow // online and in person, when a call was held in a room
}

// reachBuilder shapes figures for one viewer.
type reachBuilder struct {
	l      *Localizer
	public bool
	people string     // the path of the lists behind figures; "" in the public view
	rng    url.Values // the range, for links
}

// count shows n, or hides it when public and small; link names the list behind it.
func (b reachBuilder) count(n int, link url.Values) reachFigure {
	if b.public && convene.Suppressed(n) {
		return reachFigure{N: n, Text: b.l.T("reach.fewer", "Count", convene.SmallCount), Hidden: true}
	}
	f := reachFigure{N: n, Text: formatInt(b.l, n)}
	if b.people != "" && link != nil && n > 0 {
		q := url.Values{}
		for k, v := range b.rng {
			q[k] = v
		}
		for k, v := range link {
			q[k] = v
		}
		f.Href = b.people + "?" + q.Encode()
	}
	return f
}

// pair shows two counts that add up to a shown total: when one is hidden, so is the other, or
// the total would give it away.
func (b reachBuilder) pair(x, y reachFigure) (reachFigure, reachFigure) {
	if x.Hidden != y.Hidden {
		hidden := reachFigure{Text: b.l.T("reach.hidden"), Hidden: true}
		if !x.Hidden {
			x = hidden
		} else {
			y = hidden
		}
	}
	return x, y
}

// rate is part of whole as a percentage, "" when either is hidden or whole is 0.
func (b reachBuilder) rate(part, whole reachFigure) string {
	if part.Hidden || whole.Hidden || whole.N == 0 {
		return ""
	}
	return b.l.T("reach.percent", "Percent", convene.Percent(part.N, whole.N))
}

// formatInt writes a count with the language's thousands separator.
func formatInt(l *Localizer, n int) string {
	s := strconv.Itoa(n)
	sep := ","
	if l.Lang == "fr" {
		sep = "\u00a0"
	}
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// formatIndex writes an index between 0 and 1 with two decimals, a decimal comma in French.
func formatIndex(l *Localizer, v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64)
	if l.Lang == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func jurisdictionLabel(l *Localizer, j string) string {
	if j == "" {
		return l.T("reach.not_given")
	}
	return l.T("jurisdiction." + j)
}

func sectorLabel(l *Localizer, sec string) string {
	if sec == "" {
		return l.T("reach.not_given")
	}
	return l.T("sector." + sec)
}

// orNone is a jurisdiction or sector as a list link names it.
func orNone(v string) string {
	if v == "" {
		return convene.ReachNone
	}
	return v
}

func (b reachBuilder) concentration(label string, byProvince map[string]int) *reachConcentration {
	c := convene.ConcentrationOf(byProvince)
	total := b.count(c.Total, nil)
	largest := b.count(c.LargestCount, nil)
	out := &reachConcentration{Label: label, Attendees: total}
	if b.public && convene.DerivedHidden(byProvince) {
		out.Attendees = reachFigure{Text: b.l.T("reach.derived_hidden"), Hidden: true}
		return out
	}
	if c.Total == 0 {
		return out
	}
	out.Largest = b.l.T("jurisdiction." + c.Largest)
	out.Share = b.rate(largest, total)
	out.Diversity = formatIndex(b.l, c.Diversity)
	out.OneMinusHHI = formatIndex(b.l, c.OneMinusHHI)
	return out
}

// viewReach shapes a report for the page, with its charts.
func (s *Server) viewReach(l *Localizer, c *convene.Community, rep *convene.ReachReport, public bool, zone string) reachView {
	b := reachBuilder{l: l, public: public, rng: reachQuery(rep.Filter)}
	if !public {
		b.people = "/c/" + c.Slug + "/reach/people"
	}
	kind := func(k string, more ...string) url.Values {
		v := url.Values{"kind": {k}}
		for i := 0; i+1 < len(more); i += 2 {
			v.Set(more[i], more[i+1])
		}
		return v
	}
	t := rep.Totals()
	v := reachView{Public: public}
	v.Registered = b.count(t.Registered, kind(convene.ReachRegistered))
	v.Attended = b.count(t.Attended, kind(convene.ReachAttended))
	v.FirstTime, v.Returning = b.pair(b.count(t.FirstTime, kind(convene.ReachFirstTime)), b.count(t.Returning(), kind(convene.ReachReturning)))
	v.Retained = b.count(t.Retained, kind(convene.ReachRetained))
	v.RetentionRate = b.rate(v.Retained, v.FirstTime)
	regs, recorded := rep.RecordedRegistrations()
	v.Registrations, v.RecordedCalls = b.count(regs, nil), recorded
	v.RegistrationsAttended = b.count(t.RegistrationsAttended, nil)
	v.AttendanceRate = b.rate(v.RegistrationsAttended, v.Registrations)
	v.AllTime = rep.Filter.AllTime()

	if rep.Modes != nil {
		for _, mode := range []string{convene.AttendOnline, convene.AttendInPerson} {
			m := rep.Modes[mode]
			v.Modes = append(v.Modes, reachRow{Code: mode, Label: l.T("register.mode." + mode), Registered: b.count(m.Registered, nil),
				Attended: b.count(m.Attended, nil)})
		}
	}
	byJ := rep.ByJurisdiction()
	row := func(code, label, param string, tt convene.ReachTotals) reachRow {
		return reachRow{Code: code, Label: label,
			Registered: b.count(tt.Registered, kind(convene.ReachRegistered, param, orNone(code))),
			Attended:   b.count(tt.Attended, kind(convene.ReachAttended, param, orNone(code))),
			FirstTime:  b.count(tt.FirstTime, kind(convene.ReachFirstTime, param, orNone(code)))}
	}
	var tiles []chart.Tile
	for _, p := range convene.ProvincesAndTerritories {
		r := row(p, l.T("jurisdiction."+p), "jurisdiction", byJ[p])
		v.Provinces = append(v.Provinces, r)
		value := float64(r.Attended.N)
		text := r.Attended.Text
		if r.Attended.Hidden {
			value, text = 1, l.T("reach.fewer_short", "Count", convene.SmallCount)
		}
		tiles = append(tiles, chart.Tile{Code: p, Name: r.Label, Value: value, Text: text, Href: r.Attended.Href})
	}
	for _, j := range append([]string{"federal", "municipal", "indigenous", "outside"}, "") {
		v.Others = append(v.Others, row(j, jurisdictionLabel(l, j), "jurisdiction", byJ[j]))
	}
	byS := rep.BySector()
	var bars []chart.Bar
	for _, sec := range append(append([]string{}, convene.Sectors...), "") {
		r := row(sec, sectorLabel(l, sec), "sector", byS[sec])
		v.Sectors = append(v.Sectors, r)
		bar := chart.Bar{Label: r.Label, Value: float64(r.Attended.N), Text: r.Attended.Text, Href: r.Attended.Href}
		if r.Attended.Hidden {
			bar.Value, bar.Text = 0, l.T("reach.fewer_short", "Count", convene.SmallCount)
		}
		bars = append(bars, bar)
	}
	sectors := append(append([]string{}, convene.Sectors...), "")
	for _, sec := range sectors {
		v.MatrixSectors = append(v.MatrixSectors, sectorLabel(l, sec))
	}
	for _, j := range append(append([]string{}, convene.Jurisdictions...), "") {
		if byJ[j].Attended == 0 {
			continue
		}
		mr := reachMatrixRow{Label: jurisdictionLabel(l, j), Total: b.count(byJ[j].Attended, kind(convene.ReachAttended, "jurisdiction", orNone(j)))}
		for _, sec := range sectors {
			mr.Cells = append(mr.Cells, b.count(rep.Cell(j, sec).Attended, kind(convene.ReachAttended, "jurisdiction", orNone(j), "sector", orNone(sec))))
		}
		v.Matrix = append(v.Matrix, mr)
	}

	loc, err := convene.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	var categories []string
	var firsts, returns []float64
	for _, call := range rep.Calls {
		id := strconv.FormatInt(call.CallID, 10)
		cr := reachCallRow{Label: l.ShortDate(call.StartsAt.In(loc)), StartsAt: call.StartsAt, URL: "/c/" + c.Slug + "/calls/" + id,
			Registered: b.count(call.Registered, kind(convene.ReachRegistered, "call", id)),
			Attended:   b.count(call.Attended, kind(convene.ReachAttended, "call", id))}
		cr.FirstTime, cr.Returning = b.pair(b.count(call.FirstTime, kind(convene.ReachFirstTime, "call", id)),
			b.count(call.Returning(), kind(convene.ReachReturning, "call", id)))
		v.Calls = append(v.Calls, cr)
		if call.Attended == 0 {
			continue
		}
		first, ret := float64(cr.FirstTime.N), float64(cr.Returning.N)
		if cr.FirstTime.Hidden || cr.Returning.Hidden {
			first, ret, v.SuppressedInCalls = 0, 0, true
		}
		categories = append(categories, cr.Label)
		firsts, returns = append(firsts, first), append(returns, ret)
	}

	label := l.T("reach.range_this")
	if rep.Season != nil {
		label = rep.Season.Name
	}
	v.Current = b.concentration(label, rep.AttendedByProvince())
	if rep.Previous != nil {
		prev := map[string]int{}
		for j, n := range rep.PreviousAttended {
			prev[j] = n
		}
		v.Previous = b.concentration(rep.Previous.Name, prev)
	}
	gp, gs := rep.Gaps()
	for _, p := range gp {
		v.GapProvinces = append(v.GapProvinces, l.T("jurisdiction."+p))
	}
	for _, sec := range gs {
		v.GapSectors = append(v.GapSectors, l.T("sector."+sec))
	}

	v.TileMap = chart.TileMap(l.T("reach.map.title"), l.T("reach.map.desc", "Count", t.Attended), tiles)
	v.SectorBars = chart.Bars(l.T("reach.sectors.title"), l.T("reach.sectors.desc"), bars)
	v.CallBars = chart.StackedBars(l.T("reach.calls.title"), l.T("reach.calls.desc"), categories,
		[]chart.Series{{Name: l.T("reach.first_time"), Values: firsts}, {Name: l.T("reach.returning"), Values: returns}})
	return v
}

// reachPage is the reach page, or with List the list behind one of its figures.
type reachPage struct {
	base
	Form    reachForm
	Report  *reachView
	Range   string
	Exports map[string]string
	List    *reachList
}

// reachForm is the range form: a season or dates, and its errors.
type reachForm struct {
	Ranges   bool // organizers may ask for free dates; the public, seasons only
	Seasons  []Option
	From, To string
	Errors   []Field
	Error    map[string]string
}

// reachPage shows a community's reach over a season, a date range or all time.
func (s *Server) reachPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	organizer, err := s.reachAccess(r, c, true)
	if err != nil {
		return err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	b.Title = l.T("reach.title", "Community", c.Name)
	seasons, err := s.store.ReachSeasons(ctx, c.ID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := reachPage{base: b, Form: reachForm{Ranges: organizer, From: q.Get("from"), To: q.Get("to"), Error: map[string]string{}}}
	p.Form.Seasons = []Option{{Value: "", Label: l.T("reach.season_all")}}
	for _, se := range seasons {
		id := strconv.FormatInt(se.ID, 10)
		p.Form.Seasons = append(p.Form.Seasons, Option{Value: id, Label: se.Name, Selected: id == q.Get("season")})
	}
	f, err := reachFilterOf(r)
	if err == nil && !organizer {
		err = f.PublicFilter()
	}
	var rep *convene.ReachReport
	if err == nil {
		rep, err = s.reachOf(r, c, f)
	}
	if err == nil && !organizer {
		rep = convene.PublicReach(rep)
	}
	if err != nil {
		fe, ok := errorsOf(l, err)
		if !ok {
			return err
		}
		labels := map[string]string{"season": l.T("reach.season"), "from": l.T("reach.from"), "to": l.T("reach.to")}
		for _, name := range []string{"season", "from", "to"} {
			if msg, ok := fe[name]; ok {
				p.Form.Error[name] = msg
				p.Form.Errors = append(p.Form.Errors, Field{ID: "reach-" + name, Label: labels[name], Error: msg})
			}
		}
		if len(p.Form.Errors) == 0 {
			p.Form.Errors = append(p.Form.Errors, Field{Label: l.T("reach.range"), Error: l.Err(err)})
		}
		return s.render(w, http.StatusUnprocessableEntity, "reach", p)
	}
	view := s.viewReach(l, c, rep, !organizer, b.Zone)
	p.Report = &view
	p.Range = reachRangeText(l, rep)
	query := ""
	if rq := reachQuery(f).Encode(); rq != "" {
		query = "?" + rq
	}
	p.Exports = map[string]string{"csv": "/c/" + c.Slug + "/reach.csv" + query, "json": "/c/" + c.Slug + "/reach.json" + query}
	return s.render(w, http.StatusOK, "reach", p)
}

// reachRangeText says what a report covers.
func reachRangeText(l *Localizer, rep *convene.ReachReport) string {
	f := rep.Filter
	switch {
	case rep.Season != nil:
		return l.T("reach.range_season", "Season", rep.Season.Name, "From", l.Date(rep.Season.StartsOn.In(time.UTC)), "To", l.Date(rep.Season.EndsOn.In(time.UTC)))
	case !f.From.IsZero() && !f.To.IsZero():
		return l.T("reach.range_dates", "From", l.Date(f.From.In(time.UTC)), "To", l.Date(f.To.In(time.UTC)))
	case !f.From.IsZero():
		return l.T("reach.range_since", "From", l.Date(f.From.In(time.UTC)))
	case !f.To.IsZero():
		return l.T("reach.range_until", "To", l.Date(f.To.In(time.UTC)))
	}
	return l.T("reach.range_all")
}
