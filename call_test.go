package convene

import (
	"testing"
	"time"
)

// One rule, asked by the store and the pages: a call takes registrations until it is over or cancelled.
func TestTakesRegistrations(t *testing.T) {
	start := time.Date(2019, 11, 13, 17, 0, 0, 0, time.UTC)
	c := &Call{StartsAt: start, DurationMinutes: 60, Status: CallScheduled}
	for _, tc := range []struct {
		now    time.Time
		status string
		want   string
	}{
		{start.Add(-time.Hour), CallScheduled, ""},
		{start.Add(30 * time.Minute), CallScheduled, ""}, // running: people may still join in
		{start.Add(time.Hour), CallScheduled, "registration.call_past"},
		{start.Add(-time.Hour), CallCancelled, "registration.call_cancelled"},
	} {
		c.Status = tc.status
		err := c.TakesRegistrations(tc.now)
		got := ""
		if e, ok := AsError(err); ok {
			got = e.Key
		}
		if got != tc.want || (tc.want != "" && ErrorCode(err) != EINVALID) {
			t.Errorf("at %s, %s: %v, want %q", tc.now.Format(time.Kitchen), tc.status, err, tc.want)
		}
	}
}
