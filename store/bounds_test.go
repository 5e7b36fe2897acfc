package store_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// A failure reason longer than the stored limit is cut at a character, not in the middle of one,
// which PostgreSQL would refuse.
func TestLongFailureReasonsAreCutAtACharacter(t *testing.T) {
	testdb.Each(t, &movableClock{t: utc("2019-11-13T17:00:00Z")}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.EnqueueJob(ctx, "test", map[string]int{"n": 1}, "", utc("2019-11-13T17:00:00Z")); err != nil {
			t.Fatal(err)
		}
		jobs, err := s.ClaimJobs(ctx, 1, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %v %v", jobs, err)
		}
		reason := strings.Repeat("€", 500) // 1,500 bytes; 1,000 falls inside a character
		if err := s.FailJob(ctx, jobs[0], reason, utc("2019-11-13T18:00:00Z")); err != nil {
			t.Fatalf("a long reason: %v", err)
		}
		failures, err := s.JobFailures(ctx, 10)
		if err != nil || len(failures) != 1 {
			t.Fatalf("failures: %v %v", failures, err)
		}
		got := failures[0].LastError
		if !utf8.ValidString(got) || len(got) > 1000 || len(got) < 997 {
			t.Fatalf("stored reason: %d bytes, valid UTF-8 %t", len(got), utf8.ValidString(got))
		}
	})
}

// Reads whose text varies with their arguments (long IN lists) are kept as prepared statements
// only up to a bound, so the cache cannot grow with the data.
func TestPreparedStatementsStayFew(t *testing.T) {
	testdb.Each(t, &movableClock{t: utc("2019-11-13T17:00:00Z")}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		before := s.PreparedStatements()
		for n := 1; n <= 300; n++ {
			ids := make([]int64, n)
			for i := range ids {
				ids[i] = int64(i + 1)
			}
			if _, err := s.Agendas(ctx, ids); err != nil {
				t.Fatal(err)
			}
		}
		if grew := s.PreparedStatements() - before; grew > 128+16 {
			t.Fatalf("300 agenda reads of different lengths kept %d statements, over the bound", grew)
		}
	})
}
