package locale

import (
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
)

func TestDescribeRule(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ rule, en, fr string }{
		{"FREQ=MONTHLY;BYDAY=2WE", "Monthly, on the second Wednesday", "Chaque mois, le deuxième mercredi"},
		{"FREQ=MONTHLY;BYDAY=-1FR", "Monthly, on the last Friday", "Chaque mois, le dernier vendredi"},
		{"FREQ=WEEKLY;BYDAY=TU", "Every Tuesday", "Chaque mardi"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "Every other Tuesday and Thursday", "Un mardi et jeudi sur deux"},
		{"FREQ=WEEKLY", "Every week", "Chaque semaine"},
		{"FREQ=DAILY", "Every day", "Tous les jours"},
		{"FREQ=MONTHLY;BYMONTHDAY=15", "Monthly, on day 15", "Chaque mois, le 15"},
		{"FREQ=YEARLY;BYMONTH=5", "FREQ=YEARLY;BYMONTH=5", "FREQ=YEARLY;BYMONTH=5"},
		{"FREQ=WEEKLY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=3"},
		{"FREQ=WEEKLY;INTERVAL=3;BYDAY=MO", "Every 3 weeks, on Monday", "Toutes les 3 semaines, le lundi"},
		{"FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE"},
	} {
		s := &convene.Series{RRule: tc.rule}
		if got := c.Localizer("en").DescribeRule(s); got != tc.en {
			t.Errorf("%s in English: %q, want %q", tc.rule, got, tc.en)
		}
		if got := c.Localizer("fr").DescribeRule(s); got != tc.fr {
			t.Errorf("%s in French: %q, want %q", tc.rule, got, tc.fr)
		}
	}
}

// A series' schedule reads as a sentence, its time in the reader's style and its zone's
// abbreviation at the time.
func TestDescribeSchedule(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	s := &convene.Series{RRule: "FREQ=MONTHLY;BYDAY=2WE", StartTime: "12:00", TimeZone: "America/Toronto"}
	winter := time.Date(2019, 11, 15, 12, 0, 0, 0, time.UTC)
	if got, want := c.Localizer("en").DescribeSchedule(s, winter), "Monthly, on the second Wednesday, at 12:00 p.m. EST"; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	if got, want := c.Localizer("fr").DescribeSchedule(s, winter), "Chaque mois, le deuxième mercredi, à 12 h HNE"; got != want {
		t.Errorf("French: %q, want %q", got, want)
	}
	if got := c.Localizer("en").DescribeSchedule(s, winter.AddDate(0, 6, 0)); !strings.HasSuffix(got, "EDT") {
		t.Errorf("in summer: %q", got)
	}
}

// Reminders read back as people say them, and parse back to what they were.
func TestRemindersInWords(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	m := []int{2880, 60, 90, 1}
	if got, want := c.Localizer("en").Reminders(m), "2 days, 1 hour, 90 minutes, 1 minute"; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	fr := c.Localizer("fr").Reminders(m[:3])
	if fr != "2 jours, 1 heure, 90 minutes" {
		t.Errorf("French: %q", fr)
	}
	if back, err := convene.ParseReminders(fr); err != nil || convene.FormatReminders(back) != "2880, 90, 60" {
		t.Errorf("%q read back as %v (%v)", fr, back, err)
	}
}
