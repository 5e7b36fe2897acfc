package web

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/opengovcall/convene"
)

// reachTTL is how long a reach report is reused. A season or all time reads figures the store
// keeps (milliseconds, after summarizing whoever changed since the last report), but a range of
// dates counts every attendance and registration in it, seconds of database time in a large
// community; either way a burst of visitors to a public reach page, or an organizer going back
// and forth between figures, costs one report.
const reachTTL = time.Minute

// reachCache keeps recent reach reports per community and range, and computes each at most once
// at a time. Recording attendance through Convene forgets a community's reports at once; other
// changes (registrations) show within reachTTL.
type reachCache struct {
	group singleflight.Group
	mu    sync.Mutex
	items map[string]reachEntry
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
	rc.mu.Lock()
	e, ok := rc.items[key]
	rc.mu.Unlock()
	if ok && now.Sub(e.at) < reachTTL && !now.Before(e.at) {
		return e.rep, nil
	}
	v, err, _ := rc.group.Do(key, func() (any, error) {
		// The computation outlives a visitor who leaves: others may be waiting for it.
		rep, err := compute(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		rc.mu.Lock()
		if rc.items == nil {
			rc.items = map[string]reachEntry{}
		}
		rc.items[key] = reachEntry{rep: rep, at: now}
		rc.mu.Unlock()
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
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for key := range rc.items {
		if strings.HasPrefix(key, prefix) {
			delete(rc.items, key)
		}
	}
}
