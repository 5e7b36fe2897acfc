package web

import (
	"net/url"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
)

// The series form asks when a series meets the way people say it (weekly on Tuesdays, monthly on
// the second Wednesday, monthly on the 15th) and writes the RFC 5545 rule itself; the rule
// written out stays as an advanced choice for anything else. No JavaScript: every control is
// there, and each hint says which choice it is for.

// scheduleField is the picker, one group of controls.
func scheduleField(l *Localizer) Field {
	repeat := Field{Name: "repeat", Label: l.T("field.repeat"), Type: "select"}
	for _, k := range convene.RepeatKinds {
		repeat.Options = append(repeat.Options, Option{Value: k, Label: l.T("repeat." + k)})
	}
	weekday := Field{Name: "weekday", Label: l.T("field.weekday"), Type: "select", Hint: l.T("hint.weekday")}
	for i, code := range convene.Weekdays {
		weekday.Options = append(weekday.Options, Option{Value: code, Label: l.T("weekday." + strconv.Itoa(i))})
	}
	nth := Field{Name: "nth", Label: l.T("field.nth"), Type: "select", Hint: l.T("hint.nth")}
	for _, n := range convene.Ordinals {
		nth.Options = append(nth.Options, Option{Value: strconv.Itoa(n), Label: l.T("ordinal." + strconv.Itoa(n))})
	}
	return Field{Name: "schedule", Label: l.T("schedule.legend"), Type: "group", Versions: []Field{
		repeat, weekday, nth,
		{Name: "every", Label: l.T("field.every"), Type: "number", Hint: l.T("hint.every", "Max", convene.MaxWeeksApart)},
		{Name: "day", Label: l.T("field.monthday"), Type: "number", Hint: l.T("hint.monthday")},
		{Name: "rrule", Label: l.T("field.rrule"), Type: "text", Hint: l.T("hint.rrule"), Max: 500},
	}}
}

// scheduleValues fills the picker from a series' rule.
func scheduleValues(vals url.Values, rule string) url.Values {
	sc := convene.ScheduleOf(rule)
	vals.Set("repeat", sc.Repeat)
	vals.Set("weekday", sc.Weekday)
	vals.Set("nth", strconv.Itoa(sc.Nth))
	vals.Set("every", strconv.Itoa(sc.Every))
	vals.Set("day", strconv.Itoa(sc.Day))
	vals.Set("rrule", rule)
	return vals
}

// scheduleRule reads the picker and writes its rule; problems join parse.
func scheduleRule(vals url.Values, parse *[]convene.FieldError) string {
	sc := convene.Schedule{Repeat: vals.Get("repeat"), Weekday: vals.Get("weekday"), Rule: vals.Get("rrule")}
	if sc.Repeat == "" { // a client that knows only the rule (scripts, older forms)
		sc.Repeat = convene.RepeatCustom
	}
	switch sc.Repeat {
	case convene.RepeatWeekly:
		sc.Every = intField(vals, "every", parse)
	case convene.RepeatMonthlyWeekday:
		sc.Nth = intField(vals, "nth", parse)
	case convene.RepeatMonthlyDate:
		sc.Day = intField(vals, "day", parse)
	}
	rule, err := sc.RRule()
	if e, ok := convene.AsError(err); ok {
		*parse = append(*parse, e.Fields...)
	}
	return rule
}

// onlyScheduleErrors keeps the problems of a series form that stop its dates being worked out:
// those of the picker, its first day, its time and zone.
func onlyScheduleErrors(err error) error {
	e, ok := convene.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var kept []convene.FieldError
	for _, f := range e.Fields {
		switch f.Field {
		case "repeat", "weekday", "nth", "every", "day", "rrule", "starts_on", "start_time", "time_zone":
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return convene.Invalid(e.Key, e.Args, kept...)
}

// schedulePreview lists a series' next calls from its first possible day (or today, if later),
// as the organizer will see them, with the schedule in words.
func schedulePreview(l *Localizer, sr *convene.Series, now time.Time) *Preview {
	p := &Preview{Title: l.T("preview.series"), Lead: l.DescribeSchedule(sr, now)}
	from := convene.DateOf(now)
	if from.Before(sr.StartsOn) {
		from = sr.StartsOn
	}
	starts, err := sr.Occurrences(from, from.AddDays(366))
	if err != nil {
		p.Lead = l.Err(err)
		return p
	}
	loc, _ := convene.LoadZone(sr.TimeZone)
	for _, t := range starts[:min(len(starts), 6)] {
		local := t.In(loc)
		p.Items = append(p.Items, l.Date(local)+" · "+l.Clock(local)+" "+l.ZoneAbbreviation(local))
	}
	if len(p.Items) == 0 {
		p.Items = []string{l.T("preview.none")}
	}
	return p
}

// seasonPreview lists the calls a season will have, and warns when its first days fall before the
// series' first possible day: those calls would silently not be scheduled.
func seasonPreview(l *Localizer, sr *convene.Series, se *convene.Season, editing bool) (*Preview, error) {
	starts, err := sr.Occurrences(se.StartsOn, se.EndsOn)
	if err != nil {
		return nil, err
	}
	loc, _ := convene.LoadZone(sr.TimeZone)
	p := &Preview{Title: l.N("preview.season", len(starts)), Lead: l.DescribeSchedule(sr, se.StartsOn.In(loc))}
	const shown = 24
	for _, t := range starts[:min(len(starts), shown)] {
		local := t.In(loc)
		p.Items = append(p.Items, l.Date(local)+" · "+l.Clock(local)+" "+l.ZoneAbbreviation(local))
	}
	if len(starts) > shown {
		p.Items = append(p.Items, l.N("preview.more", len(starts)-shown))
	}
	if se.StartsOn.Before(sr.StartsOn) {
		earlier := *sr
		earlier.StartsOn = se.StartsOn
		all, err := earlier.Occurrences(se.StartsOn, se.EndsOn)
		if err != nil {
			return nil, err
		}
		if skipped := len(all) - len(starts); skipped > 0 {
			p.Warning = l.T("season.skips", "Count", skipped, "From", l.Date(se.StartsOn.In(loc)), "First", l.Date(sr.StartsOn.In(loc)))
			p.Confirm = l.T("season.skips.confirm")
			if editing {
				p.Confirm = l.T("season.skips.confirm_save")
			}
		}
	}
	return p, nil
}
