package web

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/sync/singleflight"

	"github.com/opengovcall/convene"
)

// reachTTL is how long a reach report is reused. A season or all time reads figures the store
// keeps (milliseconds, after summarizing whoever changed since the last report), but a range of
// dates counts every attendance and registration in it, seconds of database time in a large
// community; either way a burst of visitors to a public reach page, or an organizer going back
// and forth between figures, costs one report.
const reachTTL = time.Minute

// maxReachReports bounds how many reports the cache keeps: ranges are chosen by visitors, so keys
// are not few; the least recently used report goes first.
const maxReachReports = 256

// reachCache keeps recent reach reports per community and range, and computes each at most once
// at a time. Recording attendance through Convene forgets a community's reports at once; other
// changes (registrations) show within reachTTL. It holds at most maxReachReports, each for at
// most reachTTL.
type reachCache struct {
	group singleflight.Group
	once  sync.Once
	items *expirable.LRU[string, reachEntry]
}

func (rc *reachCache) lru() *expirable.LRU[string, reachEntry] {
	rc.once.Do(func() { rc.items = expirable.NewLRU[string, reachEntry](maxReachReports, nil, reachTTL) })
	return rc.items
}

type reachEntry struct {
	rep *convene.ReachReport
	at  time.Time
}

func reachKey(c *convene.Community, f convene.ReachFilter) string {
	return fmt.Sprintf("%d/%s/%s/%d", c.ID, f.From, f.To, f.SeasonID)
}

// report returns the community's report for the filter, computed by compute when none younger
// than reachTTL is kept. Reports are shared: callers must not change them.
func (rc *reachCache) report(ctx context.Context, c *convene.Community, f convene.ReachFilter, now time.Time,
	compute func(context.Context) (*convene.ReachReport, error)) (*convene.ReachReport, error) {
	key := reachKey(c, f)
	fresh := func() (*convene.ReachReport, bool) {
		e, ok := rc.lru().Get(key)
		return e.rep, ok && now.Sub(e.at) < reachTTL && !now.Before(e.at)
	}
	if rep, ok := fresh(); ok {
		return rep, nil
	}
	v, err, _ := rc.group.Do(key, func() (any, error) {
		// A request that missed the cache just before another's computation ended finds its
		// report here rather than computing it again.
		if rep, ok := fresh(); ok {
			return rep, nil
		}
		// The computation outlives a visitor who leaves: others may be waiting for it.
		rep, err := compute(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		rc.lru().Add(key, reachEntry{rep: rep, at: now})
		return rep, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*convene.ReachReport), nil
}

// forget drops a community's reports, after a change that shows in them.
func (rc *reachCache) forget(communityID int64) {
	prefix := fmt.Sprintf("%d/", communityID)
	items := rc.lru()
	for _, key := range items.Keys() {
		if strings.HasPrefix(key, prefix) {
			items.Remove(key)
		}
	}
}
