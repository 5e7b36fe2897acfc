package locale

import (
	"testing"

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
