package convene

import (
	"slices"
	"strconv"
	"strings"

	"github.com/teambition/rrule-go"
)

// How a series repeats, in the terms an organizer picks; each writes an RFC 5545 rule.
const (
	RepeatWeekly         = "weekly"          // on a weekday, every week or every few weeks
	RepeatMonthlyWeekday = "monthly_weekday" // on the first to fourth, or last, weekday of the month
	RepeatMonthlyDate    = "monthly_date"    // on a day of the month
	RepeatCustom         = "custom"          // any rule, written out
)

// RepeatKinds are the ways a series repeats, in the order forms offer them.
var RepeatKinds = []string{RepeatWeekly, RepeatMonthlyWeekday, RepeatMonthlyDate, RepeatCustom}

// Weekdays are RFC 5545's day codes, Sunday first as the catalog counts them ("weekday.0").
var Weekdays = []string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// Ordinals are the weeks of the month a monthly series may fall in: first to fourth, and last (-1).
var Ordinals = []int{1, 2, 3, 4, -1}

// MaxWeeksApart bounds "every N weeks".
const MaxWeeksApart = 8

// Schedule is a series' recurrence as an organizer picks it.
type Schedule struct {
	Repeat  string // one of RepeatKinds
	Weekday string // one of Weekdays, for weekly and monthly on a weekday
	Every   int    // weeks apart, for weekly (1: every week)
	Nth     int    // one of Ordinals, for monthly on a weekday
	Day     int    // 1–31, for monthly on a date
	Rule    string // the rule itself, for custom
}

// RRule writes the schedule as an RFC 5545 rule. Problems are field errors on the picker's
// fields ("weekday", "every", "nth", "day", "rrule").
func (s Schedule) RRule() (string, error) {
	var f fieldErrors
	weekday := func() {
		if !slices.Contains(Weekdays, s.Weekday) {
			f.add("weekday", "schedule.weekday.invalid", nil)
		}
	}
	var rule string
	switch s.Repeat {
	case RepeatWeekly:
		weekday()
		if s.Every < 1 || s.Every > MaxWeeksApart {
			f.add("every", "schedule.every.range", map[string]any{"Max": MaxWeeksApart})
		}
		rule = "FREQ=WEEKLY;BYDAY=" + s.Weekday
		if s.Every > 1 {
			rule = "FREQ=WEEKLY;INTERVAL=" + strconv.Itoa(s.Every) + ";BYDAY=" + s.Weekday
		}
	case RepeatMonthlyWeekday:
		weekday()
		if !slices.Contains(Ordinals, s.Nth) {
			f.add("nth", "schedule.nth.invalid", nil)
		}
		rule = "FREQ=MONTHLY;BYDAY=" + strconv.Itoa(s.Nth) + s.Weekday
	case RepeatMonthlyDate:
		if s.Day < 1 || s.Day > 31 {
			f.add("day", "schedule.day.range", nil)
		}
		rule = "FREQ=MONTHLY;BYMONTHDAY=" + strconv.Itoa(s.Day)
	case RepeatCustom:
		rule = strings.TrimSpace(s.Rule)
		if rule == "" {
			f.add("rrule", "rrule.required", nil)
		}
	default:
		f.add("repeat", "schedule.repeat.invalid", nil)
	}
	if err := f.err(); err != nil {
		return "", err
	}
	return rule, nil
}

// ScheduleOf reads a rule back into the terms of the picker; a rule it cannot say that way is
// custom. The fields a rule does not use keep defaults (Thursday, every week, the second, the 1st).
func ScheduleOf(rule string) Schedule {
	s := Schedule{Repeat: RepeatCustom, Rule: rule, Weekday: "TH", Every: 1, Nth: 2, Day: 1}
	opt, err := rrule.StrToROption(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(rule)), "RRULE:"))
	if err != nil || opt.Count != 0 || !opt.Until.IsZero() || len(opt.Bysetpos) > 0 || len(opt.Bymonth) > 0 ||
		len(opt.Byyearday) > 0 || len(opt.Byweekno) > 0 || len(opt.Byhour) > 0 || len(opt.Byminute) > 0 ||
		len(opt.Bysecond) > 0 || len(opt.Byeaster) > 0 {
		return s
	}
	interval := max(opt.Interval, 1)
	code := func(wd rrule.Weekday) string { return Weekdays[(wd.Day()+1)%7] } // rrule counts from Monday
	switch {
	case opt.Freq == rrule.WEEKLY && len(opt.Byweekday) == 1 && opt.Byweekday[0].N() == 0 && len(opt.Bymonthday) == 0 && interval <= MaxWeeksApart:
		s.Repeat, s.Weekday, s.Every = RepeatWeekly, code(opt.Byweekday[0]), interval
	case opt.Freq == rrule.MONTHLY && interval == 1 && len(opt.Byweekday) == 1 && len(opt.Bymonthday) == 0 &&
		slices.Contains(Ordinals, opt.Byweekday[0].N()):
		s.Repeat, s.Weekday, s.Nth = RepeatMonthlyWeekday, code(opt.Byweekday[0]), opt.Byweekday[0].N()
	case opt.Freq == rrule.MONTHLY && interval == 1 && len(opt.Byweekday) == 0 && len(opt.Bymonthday) == 1 &&
		opt.Bymonthday[0] >= 1:
		s.Repeat, s.Day = RepeatMonthlyDate, opt.Bymonthday[0]
	}
	return s
}
