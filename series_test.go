package convene

import (
	"testing"
	"time"
)

func mustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestOccurrencesKeepLocalTimeAcrossDST(t *testing.T) {
	s := &Series{Title: "Weekly", RRule: "FREQ=WEEKLY;BYDAY=WE", StartsOn: mustDate("2019-10-01"), StartTime: "12:00",
		TimeZone: "America/Toronto", DurationMinutes: 60}
	occ, err := s.Occurrences(mustDate("2019-10-25"), mustDate("2019-11-08"))
	if err != nil {
		t.Fatal(err)
	}
	// Daylight time ends on Sunday November 3, 2019: noon stays noon, UTC moves by an hour.
	want := []string{"2019-10-30T16:00:00Z", "2019-11-06T17:00:00Z"}
	if len(occ) != len(want) {
		t.Fatalf("got %v", occ)
	}
	for i, w := range want {
		if got := occ[i].UTC().Format(time.RFC3339); got != w {
			t.Errorf("occurrence %d = %s, want %s", i, got, w)
		}
		if occ[i].Hour() != 12 {
			t.Errorf("occurrence %d is at %d:00 local", i, occ[i].Hour())
		}
	}
}

func TestSeedCallAcrossCanada(t *testing.T) {
	s := &Series{Title: "OGC", RRule: "FREQ=MONTHLY;BYDAY=2WE", StartsOn: mustDate("2019-01-01"), StartTime: "12:00",
		TimeZone: "America/Toronto", DurationMinutes: 60}
	occ, err := s.Occurrences(mustDate("2019-11-01"), mustDate("2019-11-30"))
	if err != nil || len(occ) != 1 {
		t.Fatalf("November 2019: %v %v", occ, err)
	}
	got := map[string]string{}
	for _, zt := range InCanadianZones(occ[0]) {
		got[zt.Zone.Key] = zt.Time.Format("15:04")
	}
	want := map[string]string{"pacific": "09:00", "mountain": "10:00", "saskatchewan": "11:00", "central": "11:00",
		"eastern": "12:00", "atlantic": "13:00", "newfoundland": "13:30"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s, want %s", k, got[k], w)
		}
	}
	if occ[0].UTC().Format(time.RFC3339) != "2019-11-13T17:00:00Z" {
		t.Errorf("UTC: %s", occ[0].UTC())
	}
}

func TestSeriesValidation(t *testing.T) {
	valid := func() *Series {
		return &Series{Title: "OGC", RRule: "FREQ=MONTHLY;BYDAY=2WE", StartsOn: mustDate("2019-01-01"), StartTime: "12:00",
			TimeZone: "America/Toronto", DurationMinutes: 60}
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid series: %v", err)
	}
	for _, tc := range []struct {
		change func(*Series)
		field  string
		key    string
	}{
		{func(s *Series) { s.RRule = "FREQ=SOMETIMES" }, "rrule", "rrule.invalid"},
		{func(s *Series) { s.RRule = "FREQ=HOURLY" }, "rrule", "rrule.too_frequent"},
		{func(s *Series) { s.RRule = "FREQ=DAILY;BYHOUR=9,10;BYMINUTE=0,30" }, "rrule", "rrule.too_frequent"},
		{func(s *Series) { s.RRule = "FREQ=WEEKLY;BYSECOND=1" }, "rrule", "rrule.too_frequent"},
		{func(s *Series) { s.RRule = "DTSTART:20190101T000000Z\nRRULE:FREQ=DAILY" }, "rrule", "rrule.invalid"},
		{func(s *Series) { s.RRule = "" }, "rrule", "rrule.required"},
		{func(s *Series) { s.TimeZone = "America/Springfield" }, "time_zone", "timezone.unknown"},
		{func(s *Series) { s.TimeZone = "Local" }, "time_zone", "timezone.unknown"},
		{func(s *Series) { s.StartTime = "noon" }, "start_time", "time.invalid"},
		{func(s *Series) { s.DurationMinutes = 0 }, "duration", "duration.range"},
		{func(s *Series) { s.Title = "" }, "title", "field.required"},
	} {
		s := valid()
		tc.change(s)
		s.Normalize()
		e, ok := AsError(s.Validate())
		if !ok || e.Code != EINVALID {
			t.Errorf("%s: no validation error", tc.key)
			continue
		}
		found := false
		for _, f := range e.Fields {
			found = found || (f.Field == tc.field && f.Key == tc.key)
		}
		if !found {
			t.Errorf("want %s on %s, got %+v", tc.key, tc.field, e.Fields)
		}
	}
}

func TestSeasonValidation(t *testing.T) {
	se := &Season{Name: "Pilot", StartsOn: mustDate("2019-06-30"), EndsOn: mustDate("2019-01-01")}
	e, ok := AsError(se.Validate())
	if !ok || len(e.Fields) != 1 || e.Fields[0].Key != "season.ends_before_start" {
		t.Fatalf("backwards season: %v", e)
	}
	se = &Season{Name: "Forever", StartsOn: mustDate("2019-01-01"), EndsOn: mustDate("2030-01-01")}
	if e, _ := AsError(se.Validate()); e == nil || e.Fields[0].Key != "season.too_long" {
		t.Fatalf("long season: %v", e)
	}
}

func TestCallStatus(t *testing.T) {
	start := time.Date(2019, 11, 13, 17, 0, 0, 0, time.UTC)
	c := &Call{StartsAt: start, DurationMinutes: 60, Status: CallScheduled}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{start.Add(-time.Hour), CallScheduled},
		{start.Add(30 * time.Minute), CallScheduled},
		{start.Add(time.Hour), CallHeld},
	} {
		if got := c.StatusAt(tc.now); got != tc.want {
			t.Errorf("at %s: %s, want %s", tc.now, got, tc.want)
		}
	}
	c.Status = CallCancelled
	if got := c.StatusAt(start.Add(2 * time.Hour)); got != CallCancelled {
		t.Errorf("cancelled call reads %s", got)
	}
}
