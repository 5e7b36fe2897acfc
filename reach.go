package convene

import (
	"maps"
	"math"
	"sort"
	"time"
)

// ReachFilter chooses the calls a reach report covers: those of one season, or those starting on
// From through To (days in the community's zone; either end may be open), or all of them.
type ReachFilter struct {
	From, To Date
	SeasonID int64
}

// Validate refuses a range that ends before it starts, or a season mixed with dates.
func (f ReachFilter) Validate() error {
	var fe fieldErrors
	if f.SeasonID < 0 {
		fe.add("season", "reach.season_unknown", nil)
	}
	if f.SeasonID > 0 && (!f.From.IsZero() || !f.To.IsZero()) {
		fe.add("season", "reach.season_or_dates", nil)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		fe.add("to", "reach.to_before_from", nil)
	}
	if len(fe) > 0 {
		return Invalid("reach.bad_range", nil, fe...)
	}
	return nil
}

// AllTime reports whether the filter covers every call.
func (f ReachFilter) AllTime() bool { return f.SeasonID == 0 && f.From.IsZero() && f.To.IsZero() }

// ReachCell counts the people of one jurisdiction and one sector ("" when the person gave none)
// within a report's range. Attendance counts each person once, with the jurisdiction and sector
// their attendance recorded in the range (the greatest, should their profile have changed between
// calls); registration uses the member's current profile.
type ReachCell struct {
	Jurisdiction string
	Sector       string
	Attended     int // distinct people who attended at least one call
	FirstTime    int // of them, people whose first call in the community ever was in the range
	Retained     int // of the first-timers, people who came to a later call in the range
	Registered   int // distinct members registered for at least one call
	// Registrations counts registrations (a member and a call); RegistrationsAttended those after
	// which the member attended that call.
	Registrations         int
	RegistrationsAttended int
}

// ReachTotals adds up cells.
type ReachTotals struct {
	Attended, FirstTime, Retained, Registered, Registrations, RegistrationsAttended int
}

func (t *ReachTotals) add(c ReachCell) {
	t.Attended += c.Attended
	t.FirstTime += c.FirstTime
	t.Retained += c.Retained
	t.Registered += c.Registered
	t.Registrations += c.Registrations
	t.RegistrationsAttended += c.RegistrationsAttended
}

// Returning is the people who had attended a call of the community before the range.
func (t ReachTotals) Returning() int { return t.Attended - t.FirstTime }

// ReachCall is one call of the range with its attendance: FirstTime people attended a call of
// the community for the first time ever; the others came back.
type ReachCall struct {
	CallID     int64
	StartsAt   time.Time
	Title      string
	Registered int
	Attended   int
	FirstTime  int
	// Mode is how the call took place; of its registrations and attendance, InPersonRegistered
	// and InPersonAttended were in the room (all of them for a call held only in person).
	Mode               string
	InPersonRegistered int
	InPersonAttended   int
}

// ReachModeCounts are registrations and attendance (one per person and call) in one way of
// taking part.
type ReachModeCounts struct{ Registered, Attended int }

// ReachModeSplit sums a report's calls by how people took part; nil when every call was online.
func ReachModeSplit(calls []ReachCall) map[string]ReachModeCounts {
	hybrid := false
	out := map[string]ReachModeCounts{}
	for _, c := range calls {
		hybrid = hybrid || (c.Mode != "" && c.Mode != CallOnline)
		on, in := out[AttendOnline], out[AttendInPerson]
		on.Registered += c.Registered - c.InPersonRegistered
		on.Attended += c.Attended - c.InPersonAttended
		in.Registered += c.InPersonRegistered
		in.Attended += c.InPersonAttended
		out[AttendOnline], out[AttendInPerson] = on, in
	}
	if !hybrid {
		return nil
	}
	return out
}

// Returning is the call's attendees who had come before.
func (c ReachCall) Returning() int { return c.Attended - c.FirstTime }

// ReachSeason names a season a report covers or compares with.
type ReachSeason struct {
	ID       int64
	Name     string
	StartsOn Date
	EndsOn   Date
}

// ReachReport is a community's reach over a range of calls: who came, from where and which
// sectors, who came back, and how concentrated the community still is.
type ReachReport struct {
	Filter ReachFilter
	Season *ReachSeason // the season reported on, when the filter names one
	Cells  []ReachCell  // every jurisdiction and sector with someone, by jurisdiction then sector
	Calls  []ReachCall  // the range's calls with registrations or attendance, oldest first
	// Placed counts, by province or territory, the attendees of municipal and Indigenous
	// jurisdictions who gave where they are: they count in their jurisdiction's cells, and on the map.
	Placed map[string]int
	// Previous is the season before the range, with its attendees by jurisdiction (municipal and
	// Indigenous ones in their province when they gave it), so the concentration can be compared;
	// nil when there is none.
	Previous         *ReachSeason
	PreviousAttended map[string]int
	// Modes splits registrations and attendance by how people took part (AttendOnline,
	// AttendInPerson); nil when every call in the range was online.
	Modes map[string]ReachModeCounts

	// public holds a public report's sums, each coarsened from the true sum rather than added up
	// from coarsened cells (see PublicReach); nil in a full report.
	public *publicSums
}

type publicSums struct {
	totals         ReachTotals
	recordedRegs   int // RecordedRegistrations, coarsened from the true sum
	recordedCalls  int
	byJurisdiction map[string]ReachTotals
	byProvince     map[string]int
	bySector       map[string]ReachTotals
}

// RecordedRegistrations counts the registrations for the range's calls whose attendance was
// recorded, and those calls: the base of the share of registered members who came. A call to
// come, or one whose attendance nobody recorded, says nothing of who came, so its registrations
// are left out. (RegistrationsAttended, the share's top, only counts calls with attendance.)
func (r *ReachReport) RecordedRegistrations() (registrations, calls int) {
	if r.public != nil {
		return r.public.recordedRegs, r.public.recordedCalls
	}
	for _, c := range r.Calls {
		if c.Attended > 0 {
			registrations += c.Registered
			calls++
		}
	}
	return registrations, calls
}

// Totals adds up every cell.
func (r *ReachReport) Totals() ReachTotals {
	if r.public != nil {
		return r.public.totals
	}
	var t ReachTotals
	for _, c := range r.Cells {
		t.add(c)
	}
	return t
}

// ByJurisdiction adds up the cells of each jurisdiction ("" for people who gave none).
func (r *ReachReport) ByJurisdiction() map[string]ReachTotals {
	if r.public != nil {
		return maps.Clone(r.public.byJurisdiction)
	}
	out := map[string]ReachTotals{}
	for _, c := range r.Cells {
		t := out[c.Jurisdiction]
		t.add(c)
		out[c.Jurisdiction] = t
	}
	return out
}

// BySector adds up the cells of each sector ("" for people who gave none).
func (r *ReachReport) BySector() map[string]ReachTotals {
	if r.public != nil {
		return maps.Clone(r.public.bySector)
	}
	out := map[string]ReachTotals{}
	for _, c := range r.Cells {
		t := out[c.Sector]
		t.add(c)
		out[c.Sector] = t
	}
	return out
}

// Cell is the cell of one jurisdiction and sector, zero when nobody is in it.
func (r *ReachReport) Cell(jurisdiction, sector string) ReachCell {
	for _, c := range r.Cells {
		if c.Jurisdiction == jurisdiction && c.Sector == sector {
			return c
		}
	}
	return ReachCell{Jurisdiction: jurisdiction, Sector: sector}
}

// AttendedByProvince is the range's attendees in each of the 13 provinces and territories: those
// of the province's own government and sectors, and those of municipal and Indigenous
// jurisdictions who gave it (Placed).
func (r *ReachReport) AttendedByProvince() map[string]int {
	if r.public != nil {
		return maps.Clone(r.public.byProvince)
	}
	out := map[string]int{}
	for j, t := range r.ByJurisdiction() {
		if isProvince(j) {
			out[j] = t.Attended
		}
	}
	for p, n := range r.Placed {
		if isProvince(p) && n > 0 {
			out[p] += n
		}
	}
	return out
}

// Gaps lists the provinces and territories, and the sectors, that nobody from attended in the
// range: where to reach out next.
func (r *ReachReport) Gaps() (provinces, sectors []string) {
	byP, byS := r.AttendedByProvince(), r.BySector()
	for _, p := range ProvincesAndTerritories {
		if byP[p] == 0 {
			provinces = append(provinces, p)
		}
	}
	for _, s := range Sectors {
		if byS[s].Attended == 0 {
			sectors = append(sectors, s)
		}
	}
	return provinces, sectors
}

func isProvince(j string) bool { return oneOf(j, ProvincesAndTerritories) }

// Concentration says how much a community's attendees come from one province or territory.
// Shares are of the attendees who gave a province or territory; other jurisdictions (federal,
// municipal, Indigenous, outside Canada) and people who gave none are left out.
type Concentration struct {
	Total        int     // attendees in the 13 provinces and territories
	Largest      string  // the code of the province or territory with the most, "" when Total is 0
	LargestCount int     // its attendees
	LargestShare float64 // LargestCount / Total, 0 when Total is 0
	// Diversity is the normalized Shannon entropy H / ln 13 over the 13 provinces and
	// territories: 0 when everyone comes from one, 1 when all 13 are equal. The denominator is
	// always ln 13, not the log of the number present, so that seasons compare on one scale.
	Diversity float64
	// OneMinusHHI is 1 − the Herfindahl–Hirschman index (the sum of squared shares): the chance
	// that two attendees picked at random come from different provinces or territories.
	OneMinusHHI float64
}

// ConcentrationOf measures the concentration of attendees counted by province or territory code;
// other keys are ignored. Ties for the largest go to the earlier code in ProvincesAndTerritories.
func ConcentrationOf(byProvince map[string]int) Concentration {
	counts := make([]int, 0, len(ProvincesAndTerritories))
	var c Concentration
	for _, p := range ProvincesAndTerritories {
		n := max(byProvince[p], 0)
		counts = append(counts, n)
		c.Total += n
		if n > c.LargestCount {
			c.Largest, c.LargestCount = p, n
		}
	}
	if c.Total == 0 {
		return c
	}
	c.LargestShare = float64(c.LargestCount) / float64(c.Total)
	c.Diversity = ShannonEvenness(counts, len(ProvincesAndTerritories))
	c.OneMinusHHI = 1 - HHI(counts)
	return c
}

// ShannonEvenness is the Shannon entropy of counts, −Σ pᵢ ln pᵢ, divided by ln k, the entropy
// of k equal categories: between 0 and 1 when counts has at most k categories. It is 0 when
// there is nothing to count or k < 2.
func ShannonEvenness(counts []int, k int) float64 {
	total := 0
	for _, n := range counts {
		total += max(n, 0)
	}
	if total == 0 || k < 2 {
		return 0
	}
	h := 0.0
	for _, n := range counts {
		if n > 0 {
			p := float64(n) / float64(total)
			h -= p * math.Log(p)
		}
	}
	return h / math.Log(float64(k))
}

// HHI is the Herfindahl–Hirschman index of counts: the sum of the squared shares, 1 when one
// category holds everything, 1/k for k equal ones, 0 when there is nothing to count.
func HHI(counts []int) float64 {
	total := 0
	for _, n := range counts {
		total += max(n, 0)
	}
	if total == 0 {
		return 0
	}
	sum := 0.0
	for _, n := range counts {
		if n > 0 {
			p := float64(n) / float64(total)
			sum += p * p
		}
	}
	return sum
}

// Suppressed reports whether a count is too small to show publicly: between 1 and SmallCount−1.
// Zero is shown, since it identifies nobody.
func Suppressed(n int) bool { return n > 0 && n < SmallCount }

// ReachPeopleFilter chooses the people behind one figure of a reach report, for organizers.
type ReachPeopleFilter struct {
	Kind         string // ReachAttended, ReachFirstTime, ReachRetained or ReachRegistered
	Jurisdiction string // "" for any; ReachNone for people who gave none
	Sector       string
	CallID       int64 // 0 for any call of the range
}

// The lists behind reach figures.
const (
	ReachAttended   = "attended"
	ReachFirstTime  = "first_time"
	ReachRetained   = "retained"
	ReachReturning  = "returning"
	ReachRegistered = "registered"
	ReachNone       = "none" // a jurisdiction or sector that was not given
)

// ReachKinds lists the kinds of list behind reach figures.
var ReachKinds = []string{ReachAttended, ReachFirstTime, ReachRetained, ReachReturning, ReachRegistered}

// Validate checks a people filter's values.
func (f ReachPeopleFilter) Validate() error {
	var fe fieldErrors
	if !oneOf(f.Kind, ReachKinds) {
		fe.add("kind", "reach.kind_unknown", nil)
	}
	if f.Jurisdiction != "" && f.Jurisdiction != ReachNone && !oneOf(f.Jurisdiction, Jurisdictions) {
		fe.add("jurisdiction", "reach.jurisdiction_unknown", nil)
	}
	if f.Sector != "" && f.Sector != ReachNone && !oneOf(f.Sector, Sectors) {
		fe.add("sector", "reach.sector_unknown", nil)
	}
	if f.CallID < 0 {
		fe.add("call", "reach.call_unknown", nil)
	}
	if len(fe) > 0 {
		return Invalid("reach.bad_list", nil, fe...)
	}
	return nil
}

// ReachPerson is one person behind a reach figure: a member with a name, or a guest as the
// participant report named them.
type ReachPerson struct {
	UserID       int64 // 0 for a guest
	Name         string
	Jurisdiction string
	Province     string // where a municipal or Indigenous jurisdiction is, when given
	Sector       string
	Calls        int // calls of the range attended (or registered for)
}

// SortReachPeople orders people by name, then id.
func SortReachPeople(people []ReachPerson) {
	sort.SliceStable(people, func(i, j int) bool {
		if people[i].Name != people[j].Name {
			return people[i].Name < people[j].Name
		}
		return people[i].UserID < people[j].UserID
	})
}

// PublicReach is the report as the public may see it. Seasons and all time only (see
// PublicFilter), and every count coarsened so that nothing hidden can be worked back out: a count
// from 1 to SmallCount−1 becomes a placeholder that Suppressed reports (shown as "fewer than 5"),
// and every larger count is rounded to the nearest multiple of 5, as Statistics Canada rounds
// its public tables. Totals, shares and concentration figures are then computed from these
// numbers, so subtracting visible cells from a total, or comparing figures, gives back no exact
// hidden count. Rounding keeps order (a part never exceeds its whole).
func PublicReach(r *ReachReport) *ReachReport {
	out := *r
	out.public = &publicSums{totals: publicTotals(r.Totals()), byJurisdiction: map[string]ReachTotals{}, bySector: map[string]ReachTotals{}}
	regs, calls := r.RecordedRegistrations()
	out.public.recordedRegs, out.public.recordedCalls = publicCount(regs), calls
	for k, t := range r.ByJurisdiction() {
		out.public.byJurisdiction[k] = publicTotals(t)
	}
	for k, t := range r.BySector() {
		out.public.bySector[k] = publicTotals(t)
	}
	out.public.byProvince = map[string]int{}
	for k, n := range r.AttendedByProvince() {
		out.public.byProvince[k] = publicCount(n)
	}
	out.Placed = nil // in byProvince, coarsened
	out.Cells = make([]ReachCell, len(r.Cells))
	for i, c := range r.Cells {
		c.Attended, c.FirstTime, c.Retained = publicCount(c.Attended), publicCount(c.FirstTime), publicCount(c.Retained)
		c.Registered, c.Registrations, c.RegistrationsAttended = publicCount(c.Registered), publicCount(c.Registrations), publicCount(c.RegistrationsAttended)
		out.Cells[i] = c
	}
	out.Calls = make([]ReachCall, len(r.Calls))
	for i, c := range r.Calls {
		c.Registered, c.Attended, c.FirstTime = publicCount(c.Registered), publicCount(c.Attended), publicCount(c.FirstTime)
		c.InPersonRegistered, c.InPersonAttended = publicCount(c.InPersonRegistered), publicCount(c.InPersonAttended)
		out.Calls[i] = c
	}
	if r.Modes != nil { // coarsened from the true sums
		out.Modes = map[string]ReachModeCounts{}
		for k, m := range r.Modes {
			out.Modes[k] = ReachModeCounts{Registered: publicCount(m.Registered), Attended: publicCount(m.Attended)}
		}
	}
	if r.PreviousAttended != nil {
		out.PreviousAttended = make(map[string]int, len(r.PreviousAttended))
		for k, n := range r.PreviousAttended {
			out.PreviousAttended[k] = publicCount(n)
		}
	}
	return &out
}

func publicTotals(t ReachTotals) ReachTotals {
	return ReachTotals{Attended: publicCount(t.Attended), FirstTime: publicCount(t.FirstTime), Retained: publicCount(t.Retained),
		Registered: publicCount(t.Registered), Registrations: publicCount(t.Registrations), RegistrationsAttended: publicCount(t.RegistrationsAttended)}
}

// suppressedPlaceholder stands for a count the public may not see; Suppressed reports it.
const suppressedPlaceholder = SmallCount / 2

func publicCount(n int) int {
	switch {
	case n <= 0:
		return 0
	case n < SmallCount:
		return suppressedPlaceholder
	}
	return max(SmallCount, (n+2)/5*5)
}

// DerivedHidden reports whether figures worked out from counts (a total of provinces, a largest
// share, a concentration index) must be hidden from the public: whenever one of the counts is
// itself hidden, since the figures would bound it.
func DerivedHidden(counts map[string]int) bool {
	for _, n := range counts {
		if Suppressed(n) {
			return true
		}
	}
	return false
}

// PublicFilter checks a range the public asks for: a season or all time, never free dates, which
// differenced against each other would give back the counts a season hides.
func (f ReachFilter) PublicFilter() error {
	if !f.From.IsZero() || !f.To.IsZero() {
		return Invalid("reach.public_seasons_only", nil, FieldError{Field: "from", Key: "reach.public_seasons_only"})
	}
	return nil
}
