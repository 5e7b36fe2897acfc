package web

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opengovcall/convene"
)

// TestReachCacheComputesOnce checks concurrent requests for one report share one computation,
// that a report is reused within reachTTL and recomputed after it or once forgotten, and that a
// failure is not kept.
func TestReachCacheComputesOnce(t *testing.T) {
	var rc reachCache
	var computed atomic.Int32
	release, started := make(chan struct{}), make(chan struct{}, 1)
	compute := func(context.Context) (*convene.ReachReport, error) {
		computed.Add(1)
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		return &convene.ReachReport{}, nil
	}
	c := &convene.Community{ID: 7}
	f := convene.ReachFilter{SeasonID: 3}
	now := time.Date(2019, 11, 13, 17, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	reports := make([]*convene.ReachReport, 8)
	for i := range reports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := rc.report(context.Background(), c, f, now, compute)
			if err != nil {
				t.Error(err)
			}
			reports[i] = rep
		}()
	}
	// Once the computation runs, every request either waits on it or, arriving after it, finds its
	// result: none computes again, however the goroutines are scheduled.
	<-started
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Fatalf("computed %d times for 8 concurrent requests", n)
	}
	for _, r := range reports[1:] {
		if r != reports[0] {
			t.Fatal("requests got different reports")
		}
	}
	if rep, _ := rc.report(context.Background(), c, f, now.Add(reachTTL-time.Second), compute); rep != reports[0] || computed.Load() != 1 {
		t.Fatal("a fresh report was computed again")
	}
	rc.report(context.Background(), c, f, now.Add(reachTTL), compute)
	if computed.Load() != 2 {
		t.Fatal("an old report was reused")
	}
	rc.forget(c.ID)
	rc.report(context.Background(), c, f, now.Add(reachTTL), compute)
	if computed.Load() != 3 {
		t.Fatal("a forgotten report was reused")
	}
	failing := func(context.Context) (*convene.ReachReport, error) { return nil, errors.New("database gone") }
	other := convene.ReachFilter{SeasonID: 4}
	if _, err := rc.report(context.Background(), c, other, now, failing); err == nil {
		t.Fatal("a failure was not reported")
	}
	if rep, err := rc.report(context.Background(), c, other, now, compute); err != nil || rep == nil {
		t.Fatalf("a failure was kept: %v", err)
	}
}

// TestReachCacheIsBounded checks that reports for ranges visitors choose do not pile up: the cache
// keeps at most maxReachReports, dropping the least recently used.
func TestReachCacheIsBounded(t *testing.T) {
	var rc reachCache
	c := &convene.Community{ID: 7}
	now := time.Date(2019, 11, 13, 17, 0, 0, 0, time.UTC)
	compute := func(context.Context) (*convene.ReachReport, error) { return &convene.ReachReport{}, nil }
	for day := range 3 * maxReachReports {
		from := convene.Date{Year: 2019, Month: time.January, Day: 1}.AddDays(day)
		f := convene.ReachFilter{From: from, To: from.AddDays(30)}
		if _, err := rc.report(context.Background(), c, f, now, compute); err != nil {
			t.Fatal(err)
		}
	}
	if n := rc.lru().Len(); n != maxReachReports {
		t.Fatalf("the cache keeps %d reports, want %d", n, maxReachReports)
	}
}
