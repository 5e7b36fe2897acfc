package convene

import (
	"testing"
)

// Each way of repeating writes the rule a calendar reads, and reads back from it; rules the
// picker cannot say stay custom, written out.
func TestScheduleWritesAndReadsRules(t *testing.T) {
	for _, tc := range []struct {
		s    Schedule
		rule string
	}{
		{Schedule{Repeat: RepeatWeekly, Weekday: "TU", Every: 1}, "FREQ=WEEKLY;BYDAY=TU"},
		{Schedule{Repeat: RepeatWeekly, Weekday: "TH", Every: 2}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"},
		{Schedule{Repeat: RepeatMonthlyWeekday, Weekday: "TU", Nth: 1}, "FREQ=MONTHLY;BYDAY=1TU"},
		{Schedule{Repeat: RepeatMonthlyWeekday, Weekday: "FR", Nth: -1}, "FREQ=MONTHLY;BYDAY=-1FR"},
		{Schedule{Repeat: RepeatMonthlyDate, Day: 15}, "FREQ=MONTHLY;BYMONTHDAY=15"},
	} {
		rule, err := tc.s.RRule()
		if err != nil || rule != tc.rule {
			t.Errorf("%+v wrote %q (%v), want %q", tc.s, rule, err, tc.rule)
		}
		back := ScheduleOf(rule)
		back.Rule = ""
		want := tc.s
		for _, d := range []*Schedule{&back, &want} { // fields the kind does not use are not compared
			switch d.Repeat {
			case RepeatWeekly:
				d.Nth, d.Day = 0, 0
			case RepeatMonthlyWeekday:
				d.Every, d.Day = 0, 0
			case RepeatMonthlyDate:
				d.Weekday, d.Every, d.Nth = "", 0, 0
			}
		}
		if back != want {
			t.Errorf("%s read back as %+v, want %+v", rule, back, want)
		}
	}
	for _, rule := range []string{"FREQ=YEARLY;BYMONTH=5", "FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=MONTHLY;BYDAY=2WE;COUNT=4",
		"FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE", "FREQ=WEEKLY;INTERVAL=12;BYDAY=MO", "not a rule"} {
		if s := ScheduleOf(rule); s.Repeat != RepeatCustom || s.Rule != rule {
			t.Errorf("%s read as %+v, want custom", rule, s)
		}
	}
	if rule, err := (Schedule{Repeat: RepeatCustom, Rule: " FREQ=DAILY "}).RRule(); err != nil || rule != "FREQ=DAILY" {
		t.Errorf("custom rule %q (%v)", rule, err)
	}
}

// A schedule missing its day, or asking for the impossible, names the field at fault.
func TestScheduleRefusesWhatItCannotWrite(t *testing.T) {
	for _, tc := range []struct {
		s     Schedule
		field string
	}{
		{Schedule{Repeat: RepeatWeekly, Weekday: "XX", Every: 1}, "weekday"},
		{Schedule{Repeat: RepeatWeekly, Weekday: "MO", Every: 0}, "every"},
		{Schedule{Repeat: RepeatWeekly, Weekday: "MO", Every: MaxWeeksApart + 1}, "every"},
		{Schedule{Repeat: RepeatMonthlyWeekday, Weekday: "MO", Nth: 5}, "nth"},
		{Schedule{Repeat: RepeatMonthlyDate, Day: 32}, "day"},
		{Schedule{Repeat: RepeatCustom}, "rrule"},
		{Schedule{Repeat: "fortnightly"}, "repeat"},
	} {
		_, err := tc.s.RRule()
		e, ok := AsError(err)
		if !ok || len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
			t.Errorf("%+v: %v, want an error on %s", tc.s, err, tc.field)
		}
	}
}

// Reminders are written as people say them, in either language, and stored in minutes.
func TestRemindersInPlainUnits(t *testing.T) {
	for in, want := range map[string]string{
		"1440, 60":              "1440, 60",
		"1 day, 1 hour":         "1440, 60",
		"1 jour et 2 heures":    "1440, 120",
		"2h, 1d, 30 min":        "1440, 120, 30",
		"1 week, 90 minutes":    "10080, 90",
		"  1 Day ; 15 minutes ": "1440, 15",
		"":                      "",
	} {
		m, err := ParseReminders(in)
		if err != nil || FormatReminders(m) != want {
			t.Errorf("%q read as %v (%v), want %s", in, m, err, want)
		}
	}
	for _, in := range []string{"1 fortnight", "day", "3 minutes", "15 days", "1, 2, 3", "soon"} {
		if m, err := ParseReminders(in); err == nil {
			t.Errorf("%q read as %v, want an error", in, m)
		}
	}
}
