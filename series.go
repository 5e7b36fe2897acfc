package convene

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/teambition/rrule-go"
)

// Series is a recurring call: one rule, one local start time in one zone, arranged in seasons.
type Series struct {
	ID              int64
	CommunityID     int64
	Title           string
	Description     string
	RRule           string // RFC 5545 RRULE value without DTSTART, e.g. "FREQ=MONTHLY;BYDAY=2WE"
	StartsOn        Date   // anchor of the rule: the first day it may produce
	StartTime       string // local wall-clock time, "15:04"
	TimeZone        string // IANA zone the wall-clock time is in
	DurationMinutes int
	JoinVisibility  string        // one of JoinLevels
	RevealMinutes   int           // show the join kit only from this many minutes before a call; 0 for always
	Reminders       string        // minutes before each call that reminders go out, comma-separated, e.g. "1440,60"
	Accessibility   Accessibility // what its calls offer, unless a call says otherwise
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Texts
}

// MaxDuration is the longest call a series may schedule, in minutes.
const MaxDuration = 12 * 60

// Normalize trims the series' text fields and strips an "RRULE:" prefix.
func (s *Series) Normalize() {
	s.Title = Line(s.Title)
	s.Description = Para(s.Description)
	s.RRule = strings.ToUpper(strings.TrimSpace(s.RRule))
	s.RRule = strings.TrimPrefix(s.RRule, "RRULE:")
	s.StartTime = Line(s.StartTime)
	s.TimeZone = CanonicalZone(Line(s.TimeZone))
	if m, err := ParseReminders(s.Reminders); err == nil { // stored as minutes, whatever units were written
		s.Reminders = FormatReminders(m)
	}
	if s.JoinVisibility == "" {
		s.JoinVisibility = JoinEveryone
	}
	s.Accessibility.Normalize()
}

// Validate checks the series before it is stored.
func (s *Series) Validate() error {
	var f fieldErrors
	checkText(&f, "title", s.Title, MaxTitle, true)
	checkText(&f, "description", s.Description, MaxDescription, false)
	if _, err := s.rule(); err != nil {
		e, _ := AsError(err)
		f.add("rrule", e.Key, e.Args)
	}
	if s.StartsOn.IsZero() {
		f.add("starts_on", "field.required", nil)
	}
	if _, err := time.Parse("15:04", s.StartTime); err != nil {
		f.add("start_time", "time.invalid", nil)
	}
	if !ValidZone(s.TimeZone) {
		f.add("time_zone", "timezone.unknown", map[string]any{"Zone": s.TimeZone})
	}
	if s.DurationMinutes < 5 || s.DurationMinutes > MaxDuration {
		f.add("duration", "duration.range", map[string]any{"Min": 5, "Max": MaxDuration})
	}
	if s.JoinVisibility != "" && !oneOf(s.JoinVisibility, JoinLevels) {
		f.add("join_visibility", "join_visibility.invalid", nil)
	}
	if _, err := ParseReminders(s.Reminders); err != nil {
		e, _ := AsError(err)
		f.add("reminders", e.Key, e.Args)
	}
	s.Accessibility.check(&f)
	if s.RevealMinutes < 0 || s.RevealMinutes > 7*24*60 {
		f.add("reveal_minutes", "reveal_minutes.range", map[string]any{"Max": 7 * 24 * 60})
	}
	return f.err()
}

// rule parses the series' RRULE anchored at its first local start.
func (s *Series) rule() (*rrule.RRule, error) {
	if s.RRule == "" {
		return nil, Invalid("rrule.required", nil)
	}
	if strings.Contains(s.RRule, "DTSTART") || strings.Contains(s.RRule, "\n") {
		return nil, Invalid("rrule.invalid", nil)
	}
	opt, err := rrule.StrToROption(s.RRule)
	if err != nil {
		return nil, Invalid("rrule.invalid", nil)
	}
	// At most one call a day, however the rule is written: no HOURLY, MINUTELY or SECONDLY, and
	// no BYHOUR, BYMINUTE or BYSECOND, which expand a day into many (the time of day is the
	// series' start time). A rule that listed every second of a day took 25 s to expand while
	// holding SQLite's write lock.
	if opt.Freq > rrule.DAILY || len(opt.Byhour) > 0 || len(opt.Byminute) > 0 || len(opt.Bysecond) > 0 {
		return nil, Invalid("rrule.too_frequent", nil)
	}
	start, err := s.startOn(s.StartsOn)
	if err != nil {
		return nil, err
	}
	opt.Dtstart = start
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, Invalid("rrule.invalid", nil)
	}
	return r, nil
}

// startOn is the local start time of the series on day d.
func (s *Series) startOn(d Date) (time.Time, error) {
	loc, err := LoadZone(s.TimeZone)
	if err != nil {
		return time.Time{}, err
	}
	hm, err := time.Parse("15:04", s.StartTime)
	if err != nil {
		return time.Time{}, Invalid("time.invalid", nil)
	}
	if d.IsZero() {
		return time.Time{}, Invalid("field.required", nil)
	}
	return time.Date(d.Year, d.Month, d.Day, hm.Hour(), hm.Minute(), 0, 0, loc), nil
}

// Occurrences lists the starts the rule produces on the days from first to last inclusive, in the
// series' zone. The local wall-clock time stays the same across daylight-saving changes.
func (s *Series) Occurrences(first, last Date) ([]time.Time, error) {
	r, err := s.rule()
	if err != nil {
		return nil, err
	}
	loc, _ := LoadZone(s.TimeZone)
	from := first.In(loc)
	to := last.AddDays(1).In(loc)
	// Guard against a rule that would fill memory; ten years of daily calls is plenty. The walk
	// from the series' first day is bounded too: at most one occurrence a day, for a century.
	const maxOccurrences, maxSteps = 3700, 37000
	var out []time.Time
	iter := r.Iterator()
	for steps := 0; ; steps++ {
		t, ok := iter()
		if !ok || !t.Before(to) {
			break
		}
		if steps == maxSteps {
			return nil, Invalid("rrule.too_many", map[string]any{"Max": maxOccurrences})
		}
		if t.Before(from) {
			continue
		}
		if len(out) == maxOccurrences {
			return nil, Invalid("rrule.too_many", map[string]any{"Max": maxOccurrences})
		}
		out = append(out, t)
	}
	return out, nil
}

// reminderUnits are the units a reminder may be written in, English and French, in minutes.
var reminderUnits = map[string]int{
	"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
	"h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60, "heure": 60, "heures": 60,
	"d": 1440, "day": 1440, "days": 1440, "j": 1440, "jour": 1440, "jours": 1440,
	"w": 10080, "wk": 10080, "week": 10080, "weeks": 10080, "semaine": 10080, "semaines": 10080,
}

// ParseReminders reads how long before a call reminders go out, as people write it ("1 day,
// 1 hour", "1 jour et 2 heures", "2h", or minutes alone, "1440, 60"): at most five, each from 5
// minutes to 14 days, without repeats, largest first, in minutes.
func ParseReminders(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	bad := Invalid("reminders.invalid", nil)
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "and" || w == "et" || w == "before" || w == "avant" {
			continue
		}
		digits := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) })
		num, unit := w, ""
		if digits >= 0 {
			num, unit = w[:digits], w[digits:]
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			return nil, bad
		}
		if unit == "" && i+1 < len(words) {
			if _, ok := reminderUnits[words[i+1]]; ok {
				unit, i = words[i+1], i+1
			}
		}
		per := 1
		if unit != "" {
			var ok bool
			if per, ok = reminderUnits[unit]; !ok {
				return nil, bad
			}
		}
		n *= per
		if n < 5 || n > 14*24*60 {
			return nil, bad
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if len(out) > 5 {
		return nil, Invalid("reminders.too_many", map[string]any{"Max": 5})
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out, nil
}

// FormatReminders writes reminder offsets as stored: minutes, largest first ("1440, 60").
func FormatReminders(minutes []int) string {
	parts := make([]string, len(minutes))
	for i, m := range minutes {
		parts[i] = strconv.Itoa(m)
	}
	return strings.Join(parts, ", ")
}

// ReminderMinutes are the series' reminder offsets, largest first; none when they cannot be read.
func (s *Series) ReminderMinutes() []int {
	m, _ := ParseReminders(s.Reminders)
	return m
}

// Season is a named span of a series, such as a pilot from January to June or a fall reboot.
// Its calls are the occurrences of the series' rule between its first and last days.
type Season struct {
	ID        int64
	SeriesID  int64
	Name      string
	StartsOn  Date
	EndsOn    Date
	Note      string
	PausedAt  *time.Time // set while the season is paused: its future calls are removed
	CreatedAt time.Time
	UpdatedAt time.Time
	Texts
}

// TextFields are the series' translatable fields.
func (sr *Series) TextFields() []TextField {
	return []TextField{{"title", &sr.Title, MaxTitle, false}, {"description", &sr.Description, MaxDescription, true}}
}

// TextFields are the season's translatable fields.
func (se *Season) TextFields() []TextField {
	return []TextField{{"name", &se.Name, MaxName, false}, {"note", &se.Note, MaxDescription, true}}
}

// MaxSeasonDays is the longest span a season may cover.
const MaxSeasonDays = 3 * 366

// Normalize trims the season's text fields.
func (s *Season) Normalize() {
	s.Name = Line(s.Name)
	s.Note = Para(s.Note)
}

// Validate checks the season before it is stored.
func (s *Season) Validate() error {
	var f fieldErrors
	checkText(&f, "name", s.Name, MaxName, true)
	checkText(&f, "note", s.Note, MaxDescription, false)
	if s.StartsOn.IsZero() {
		f.add("starts_on", "field.required", nil)
	}
	if s.EndsOn.IsZero() {
		f.add("ends_on", "field.required", nil)
	}
	if !s.StartsOn.IsZero() && !s.EndsOn.IsZero() {
		if s.EndsOn.Before(s.StartsOn) {
			f.add("ends_on", "season.ends_before_start", nil)
		} else if s.EndsOn.In(time.UTC).Sub(s.StartsOn.In(time.UTC)) > MaxSeasonDays*24*time.Hour {
			f.add("ends_on", "season.too_long", map[string]any{"Max": MaxSeasonDays})
		}
	}
	return f.err()
}

// Contains reports whether day d falls within the season.
func (s *Season) Contains(d Date) bool {
	return !d.Before(s.StartsOn) && !s.EndsOn.Before(d)
}

// Paused reports whether the season is paused.
func (s *Season) Paused() bool { return s.PausedAt != nil }
