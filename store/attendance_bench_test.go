package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/benchdata"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// BenchmarkImportReport10k reads, matches and records a 10,000-row participant report in which
// half the rows are members (a quarter by address, a quarter by name only) and half are guests.
// Target: under 2 s per import on both engines. Apart from the import, it reports how long the
// next reach report takes to summarize those 10,000 people again (refresh-ms/op).
func BenchmarkImportReport10k(b *testing.B) {
	const rows, members = 10_000, 5_000
	start := time.Date(2024, 3, 13, 12, 0, 0, 0, time.UTC)
	var report strings.Builder
	report.WriteString("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n")
	join, leave := start.Format("01/02/2006 03:04:05 PM"), start.Add(time.Hour).Format("01/02/2006 03:04:05 PM")
	for i := 1; i <= rows; i++ {
		switch {
		case i <= members/2:
			fmt.Fprintf(&report, "Person %d,person%d@example.org,%s,%s,60,No\n", i, i, join, leave)
		case i <= members:
			fmt.Fprintf(&report, "Laptop (Person %d),,%s,%s,60,No\n", i, join, leave)
		default:
			fmt.Fprintf(&report, "Guest %d,guest%d@example.net,%s,%s,60,Yes\n", i, i, join, leave)
		}
	}
	text := report.String()
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			st := testdb.Open(b, engine, convene.FixedClock(start.AddDate(0, 1, 0)))
			c := &convene.Community{Slug: "bench", Name: "Bench", TimeZone: "UTC", Languages: []string{"en"}}
			if err := st.CreateCommunity(ctx, c, 0); err != nil {
				b.Fatal(err)
			}
			sr := &convene.Series{CommunityID: c.ID, Title: "Weekly", RRule: "FREQ=WEEKLY;BYDAY=WE;COUNT=1",
				StartsOn: convene.Date{Year: 2024, Month: 1, Day: 1}, StartTime: "12:00", TimeZone: "UTC", DurationMinutes: 60}
			if err := st.CreateSeries(ctx, sr); err != nil {
				b.Fatal(err)
			}
			if err := benchdata.LoadPeople(ctx, st, c.ID, members); err != nil {
				b.Fatal(err)
			}
			var refresh time.Duration
			refreshes := 0
			for b.Loop() {
				b.StopTimer()
				call := &convene.Call{SeriesID: sr.ID, StartsAt: start, DurationMinutes: 60}
				if err := st.CreateCall(ctx, call); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				rep, err := convene.ParseParticipantReport(strings.NewReader(text), time.UTC)
				if err != nil {
					b.Fatal(err)
				}
				ms, err := st.MatchParticipants(ctx, c.ID, rep.Participants)
				if err != nil {
					b.Fatal(err)
				}
				matched := 0
				for _, m := range ms {
					if m.UserID != 0 {
						matched++
					}
				}
				if matched != members {
					b.Fatalf("matched %d of %d members", matched, members)
				}
				records, err := store.ReportAttendance(rep.Participants, ms, func(int) (string, error) { return store.ChoiceGuest, nil })
				if err != nil {
					b.Fatal(err)
				}
				res, err := st.RecordAttendance(ctx, call.ID, records)
				if err != nil {
					b.Fatal(err)
				}
				if res.Added != rows {
					b.Fatalf("added %d of %d", res.Added, rows)
				}
				// The next reach report first summarizes the 10,000 people again: timed apart.
				b.StopTimer()
				t := time.Now()
				if err := st.RefreshReach(ctx, c.ID); err != nil {
					b.Fatal(err)
				}
				refresh += time.Since(t)
				refreshes++
				b.StartTimer()
			}
			b.ReportMetric(float64(refresh.Milliseconds())/float64(refreshes), "refresh-ms/op")
		})
	}
}
