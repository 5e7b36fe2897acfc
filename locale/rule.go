package locale

import (
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/opengovcall/convene"
)

// DescribeRule says a series' recurrence in words ("Monthly, on the second Wednesday"), for the
// rules people actually use; anything else is shown as the RFC 5545 text it is.
func (l *Localizer) DescribeRule(s *convene.Series) string {
	opt, err := rrule.StrToROption(s.RRule)
	if err != nil {
		return s.RRule
	}
	simple := len(opt.Bymonth) == 0 && len(opt.Bysetpos) == 0 && len(opt.Byyearday) == 0 && len(opt.Byweekno) == 0 &&
		len(opt.Byhour) == 0 && len(opt.Byminute) == 0 && len(opt.Bysecond) == 0 && len(opt.Byeaster) == 0
	interval := opt.Interval
	if interval == 0 {
		interval = 1
	}
	if !simple || interval > convene.MaxWeeksApart || (interval > 2 && opt.Freq != rrule.WEEKLY) {
		return s.RRule
	}
	days := func() (string, bool) {
		var names []string
		for _, wd := range opt.Byweekday {
			if wd.N() != 0 {
				return "", false
			}
			// rrule counts weekdays from Monday = 0; the catalog from Sunday = 0.
			names = append(names, l.T("weekday."+strconv.Itoa((wd.Day()+1)%7)))
		}
		return strings.Join(names, l.T("rule.and")), len(names) > 0
	}
	switch {
	case opt.Freq == rrule.DAILY && len(opt.Byweekday) == 0 && len(opt.Bymonthday) == 0 && interval == 1:
		return l.T("rule.daily")
	case opt.Freq == rrule.WEEKLY && len(opt.Bymonthday) == 0:
		d, ok := days()
		if !ok {
			if len(opt.Byweekday) > 0 {
				return s.RRule
			}
			if interval > 2 {
				return s.RRule
			}
			return l.T("rule.weekly_anchor." + strconv.Itoa(interval))
		}
		if interval > 2 {
			return l.T("rule.weekly_every", "N", interval, "Days", d)
		}
		return l.T("rule.weekly."+strconv.Itoa(interval), "Days", d)
	case opt.Freq == rrule.MONTHLY && interval == 1 && len(opt.Byweekday) == 1 && len(opt.Bymonthday) == 0:
		wd := opt.Byweekday[0]
		n := wd.N()
		if n < -1 || n > 4 || n == 0 {
			return s.RRule
		}
		return l.T("rule.monthly_nth", "Nth", l.T("ordinal."+strconv.Itoa(n)), "Day", l.T("weekday."+strconv.Itoa((wd.Day()+1)%7)))
	case opt.Freq == rrule.MONTHLY && interval == 1 && len(opt.Byweekday) == 0 && len(opt.Bymonthday) == 1 && opt.Bymonthday[0] > 0:
		return l.T("rule.monthly_day", "Day", opt.Bymonthday[0])
	}
	return s.RRule
}

// DescribeSchedule says when a series meets, in words: "Monthly, on the second Wednesday, at
// 12:00 p.m. EST". The zone's abbreviation is the one in force on the series' next day in it
// after now.
func (l *Localizer) DescribeSchedule(s *convene.Series, now time.Time) string {
	loc, err := convene.LoadZone(s.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	var h, m int
	if t, err := time.Parse("15:04", s.StartTime); err == nil {
		h, m = t.Hour(), t.Minute()
	}
	day := now.In(loc)
	at := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
	return l.T("rule.at", "Rule", l.DescribeRule(s), "Time", l.Clock(at), "Zone", l.ZoneAbbreviation(at))
}
