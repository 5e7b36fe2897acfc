package convene

import (
	"strings"
	"sync"
	"time"

	// Embed the IANA database so zones resolve the same on every machine, tzdata installed or not.
	_ "time/tzdata"
)

// Zone is a named time zone people recognize, with the IANA zone that implements it.
type Zone struct {
	Key  string // catalog key suffix, e.g. "newfoundland"
	IANA string
}

// CanadianZones are the zones a call's time is shown in at once, west to east. Yukon keeps UTC−7
// all year since 2020, Saskatchewan keeps Central Standard Time all year, and Newfoundland runs
// half an hour ahead of Atlantic time.
var CanadianZones = []Zone{
	{"pacific", "America/Vancouver"},
	{"yukon", "America/Whitehorse"},
	{"mountain", "America/Edmonton"},
	{"saskatchewan", "America/Regina"},
	{"central", "America/Winnipeg"},
	{"eastern", "America/Toronto"},
	{"atlantic", "America/Halifax"},
	{"newfoundland", "America/St_Johns"},
}

// ViewerZones are the zones offered to a viewer in the zone picker: Canada's, then a few others
// where community members often live. Any valid IANA zone is accepted all the same.
var ViewerZones = append(append([]Zone{}, CanadianZones...),
	Zone{"utc", "UTC"},
	Zone{"new_york", "America/New_York"},
	Zone{"los_angeles", "America/Los_Angeles"},
	Zone{"london", "Europe/London"},
	Zone{"paris", "Europe/Paris"},
)

// zoneAliases are the names Canadians give their zones, in English and French, and their
// abbreviations: what someone types in place of an IANA name.
var zoneAliases = map[string]string{
	"pacific": "America/Vancouver", "pacifique": "America/Vancouver", "pt": "America/Vancouver", "pst": "America/Vancouver", "pdt": "America/Vancouver",
	"yukon":    "America/Whitehorse",
	"mountain": "America/Edmonton", "rocheuses": "America/Edmonton", "mt": "America/Edmonton", "mst": "America/Edmonton", "mdt": "America/Edmonton",
	"saskatchewan": "America/Regina",
	"central":      "America/Winnipeg", "centre": "America/Winnipeg", "ct": "America/Winnipeg", "cst": "America/Winnipeg", "cdt": "America/Winnipeg",
	"eastern": "America/Toronto", "est": "America/Toronto", "edt": "America/Toronto", "et": "America/Toronto",
	"atlantic": "America/Halifax", "atlantique": "America/Halifax", "at": "America/Halifax", "ast": "America/Halifax", "adt": "America/Halifax",
	"newfoundland": "America/St_Johns", "terre-neuve": "America/St_Johns", "nst": "America/St_Johns", "ndt": "America/St_Johns",
	"utc": "UTC", "gmt": "UTC",
}

// CanonicalZone turns what someone typed for a zone into its IANA name: an IANA name stays
// (its case mended, "america/toronto"), and a Canadian zone's common name ("Eastern", "Heure de
// l'Est", "EST") becomes its zone. Anything else is returned trimmed, for LoadZone to refuse.
func CanonicalZone(name string) string {
	name = strings.TrimSpace(name)
	key := strings.ToLower(name)
	for _, prefix := range []string{"heure de l’", "heure de l'", "heure du ", "heure des ", "heure de ", "heure "} {
		key = strings.TrimPrefix(key, prefix)
	}
	for _, suffix := range []string{" standard time", " daylight time", " time"} {
		key = strings.TrimSuffix(key, suffix)
	}
	key = strings.TrimSpace(key)
	if key == "est" && strings.HasPrefix(strings.ToLower(name), "heure") { // « Heure de l'Est »
		return "America/Toronto"
	}
	if iana, ok := zoneAliases[key]; ok {
		return iana
	}
	if _, err := LoadZone(name); err == nil {
		return name
	}
	for _, z := range AllZones {
		if strings.EqualFold(z, name) {
			return z
		}
	}
	return name
}

// LoadZone resolves an IANA zone name. It refuses "Local" and the empty name, which mean different
// things on different machines.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, Invalid("timezone.unknown", map[string]any{"Zone": name})
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Invalid("timezone.unknown", map[string]any{"Zone": name})
	}
	zones.Store(name, loc)
	return loc, nil
}

// zones caches loaded locations: time.LoadLocation reads and parses the zone data on every call.
// Only valid names are stored, so the cache is bounded by the IANA database.
var zones sync.Map

// ValidZone reports whether name is a usable IANA zone.
func ValidZone(name string) bool {
	_, err := LoadZone(name)
	return err == nil
}

// ZoneTime is one instant as seen in one zone.
type ZoneTime struct {
	Zone Zone
	Time time.Time
}

// InCanadianZones shows t in every Canadian zone, west to east.
func InCanadianZones(t time.Time) []ZoneTime {
	out := make([]ZoneTime, 0, len(CanadianZones))
	for _, z := range CanadianZones {
		loc, _ := LoadZone(z.IANA) // embedded: cannot fail
		out = append(out, ZoneTime{Zone: z, Time: t.In(loc)})
	}
	return out
}

// Date is a calendar day without a time or zone, such as the first day of a season.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads an ISO date (2019-11-13).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, Invalid("date.invalid", map[string]any{"Value": s})
	}
	return DateOf(t), nil
}

// DateOf is the calendar day of t in t's own zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String formats the date as ISO 8601.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.In(time.UTC).Format(time.DateOnly)
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// In is the first instant of the day in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.In(time.UTC).Before(o.In(time.UTC)) }

// AddDays returns the day n days later (or earlier, for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }
