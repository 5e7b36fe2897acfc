package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// DefaultTimelinePage is how many moments a timeline page holds unless asked otherwise.
const DefaultTimelinePage = 100

// TimelineFilter narrows a timeline: Kinds, when not empty, keeps only those kinds of item;
// Jurisdiction and Sector keep only the initiatives that carry them (other kinds carry neither
// and pass through). Before or After, when set, asks for the page just before or just after a
// moment of an earlier page; neither asks for the latest page.
type TimelineFilter struct {
	Kinds        []string
	Jurisdiction string
	Sector       string
	Before       *TimelineCursor
	After        *TimelineCursor
	Limit        int // DefaultTimelinePage when zero
}

// TimelineCursor marks one moment of a timeline, so that pages neither skip nor repeat moments
// that happened at the same time.
type TimelineCursor struct {
	At   time.Time
	Rank int // the order of kinds at one instant: see timelineRank
	ID   int64
}

// String encodes the cursor for a link.
func (c TimelineCursor) String() string {
	return strconv.FormatInt(c.At.UnixNano(), 10) + "." + strconv.Itoa(c.Rank) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseTimelineCursor reads a cursor written by String.
func ParseTimelineCursor(s string) (*TimelineCursor, error) {
	parts := strings.Split(s, ".")
	if len(parts) == 3 {
		ns, err1 := strconv.ParseInt(parts[0], 10, 64)
		rank, err2 := strconv.Atoi(parts[1])
		id, err3 := strconv.ParseInt(parts[2], 10, 64)
		if err1 == nil && err2 == nil && err3 == nil && rank >= 0 && rank < len(timelineRanks) {
			return &TimelineCursor{At: time.Unix(0, ns).UTC(), Rank: rank, ID: id}, nil
		}
	}
	return nil, convene.Invalid("timeline.bad_cursor", nil)
}

// TimelinePage is one page of a community's movement, in time order.
type TimelinePage struct {
	Items   []convene.TimelineItem
	Earlier *TimelineCursor // where the page before this one ends; nil at the beginning
	Later   *TimelineCursor // where the page after this one starts; nil on the latest page
}

// timelineRanks orders the kinds of moment that share an instant: a season opens first, an event
// comes before the ideas raised at it, and an initiative starts before it finishes.
var timelineRanks = []string{convene.TimelineSeason, convene.TimelineEvent, convene.TimelineIdea, convene.TimelineInitiative, "finished", convene.TimelineCall}

func timelineRank(it convene.TimelineItem) int {
	if it.Finished {
		return 4
	}
	return slices.Index(timelineRanks, it.Kind)
}

func timelineCursor(it convene.TimelineItem) TimelineCursor {
	c := TimelineCursor{At: it.At, Rank: timelineRank(it)}
	switch {
	case it.Season != nil:
		c.ID = it.Season.ID
	case it.Call != nil:
		c.ID = it.Call.ID
	case it.Event != nil:
		c.ID = it.Event.ID
	case it.Idea != nil:
		c.ID = it.Idea.ID
	case it.Initiative != nil:
		c.ID = it.Initiative.ID
	}
	return c
}

func compareTimeline(a, b TimelineCursor) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	if a.Rank != b.Rank {
		return a.Rank - b.Rank
	}
	return int(a.ID - b.ID)
}

// timelineWindow is the part of a timeline one page reads: at most limit+1 moments of each kind
// on one side of a cursor, so a page costs one query per kind however long the story is.
type timelineWindow struct {
	cursor  *TimelineCursor
	forward bool // after the cursor, oldest first; otherwise before it (or the end), newest first
	limit   int
}

// condition is the SQL that keeps the moments of a kind of the given rank on the window's side of
// its cursor, with its arguments; atCol and idCol name the moment's time and id.
func (w timelineWindow) condition(rank int, atCol, idCol string) (string, []any) {
	c := w.cursor
	if c == nil {
		return "1 = 1", nil
	}
	at := c.At.UTC()
	strict, orEqual, idOp := "<", "<=", "<"
	if w.forward {
		strict, orEqual, idOp = ">", ">=", ">"
	}
	switch {
	case rank == c.Rank:
		// The range on atCol alone lets the engine seek its index; the rest breaks the tie.
		return fmt.Sprintf("(%s %s ? AND (%s %s ? OR %s %s ?))", atCol, orEqual, atCol, strict, idCol, idOp), []any{at, at, c.ID}
	case (rank < c.Rank) != w.forward:
		return atCol + " " + orEqual + " ?", []any{at}
	default:
		return atCol + " " + strict + " ?", []any{at}
	}
}

// order is the ORDER BY and LIMIT that read the window's side of its cursor nearest first.
func (w timelineWindow) order(atCol, idCol string) string {
	dir := " DESC"
	if w.forward {
		dir = ""
	}
	return " ORDER BY " + atCol + dir + ", " + idCol + dir + " LIMIT " + strconv.Itoa(w.limit+1)
}

// keeps reports whether a moment computed outside SQL lies on the window's side of its cursor.
func (w timelineWindow) keeps(it convene.TimelineItem) bool {
	if w.cursor == nil {
		return true
	}
	c := compareTimeline(timelineCursor(it), *w.cursor)
	return (c > 0) == w.forward && c != 0
}

// Timeline is one page of a community's movement in time order: its seasons, its held calls and
// the next one, its events, the initiatives started and finished, and its ideas. The story ends at
// the next call: seasons and calls after it are yet to come. A page costs a fixed number of
// queries, whatever the number of calls, initiatives or ideas.
func (s *Store) Timeline(ctx context.Context, communityID int64, now time.Time, f TimelineFilter) (*TimelinePage, error) {
	w := timelineWindow{cursor: f.Before, limit: f.Limit}
	if f.After != nil {
		w.cursor, w.forward = f.After, true
	}
	if w.limit <= 0 {
		w.limit = DefaultTimelinePage
	}
	want := func(k string) bool { return len(f.Kinds) == 0 || slices.Contains(f.Kinds, k) }
	horizon := now
	next, err := s.NextCall(ctx, communityID, now)
	if err == nil && next.StartsAt.After(horizon) {
		horizon = next.StartsAt
	} else if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return nil, err
	}
	var items []convene.TimelineItem
	if want(convene.TimelineSeason) {
		seasons, err := s.timelineSeasons(ctx, communityID, horizon, w)
		if err != nil {
			return nil, err
		}
		items = append(items, seasons...)
	}
	if want(convene.TimelineCall) {
		cond, args := w.condition(slices.Index(timelineRanks, convene.TimelineCall), "c.starts_at", "c.id")
		rows, err := s.read().query(ctx, `SELECT `+callColumns+callFrom+` WHERE c.community_id = ? AND c.status <> ? AND c.starts_at <= ? AND `+
			cond+w.order("c.starts_at", "c.id"), append([]any{communityID, convene.CallCancelled, horizon.UTC()}, args...)...)
		if err != nil {
			return nil, err
		}
		var calls []*convene.Call
		err = collect(rows, scanCall, func(c *convene.Call) {
			items = append(items, convene.TimelineItem{Kind: convene.TimelineCall, At: c.StartsAt, Call: c})
			calls = append(calls, c)
		})
		if err == nil {
			err = s.FillRecorded(ctx, calls) // the timeline says whether each took place
		}
		if err != nil {
			return nil, err
		}
	}
	if want(convene.TimelineEvent) {
		cond, args := w.condition(slices.Index(timelineRanks, convene.TimelineEvent), "starts_at", "id")
		rows, err := s.read().query(ctx, `SELECT `+eventColumns+` FROM events WHERE community_id = ? AND `+cond+w.order("starts_at", "id"),
			append([]any{communityID}, args...)...)
		if err != nil {
			return nil, err
		}
		err = collect(rows, scanEvent, func(e *convene.Event) {
			items = append(items, convene.TimelineItem{Kind: convene.TimelineEvent, At: e.StartsAt, Event: e})
		})
		if err != nil {
			return nil, err
		}
	}
	if want(convene.TimelineInitiative) {
		for _, finished := range []bool{false, true} {
			col, rank := "created_at", 3
			if finished {
				col, rank = "finished_at", 4
			}
			where, args := []string{"community_id = ?", "deleted_at IS NULL", col + " IS NOT NULL"}, []any{communityID}
			if f.Jurisdiction != "" {
				where, args = append(where, "jurisdiction = ?"), append(args, f.Jurisdiction)
			}
			if f.Sector != "" {
				where, args = append(where, "sector = ?"), append(args, f.Sector)
			}
			cond, cargs := w.condition(rank, col, "id")
			rows, err := s.read().query(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE `+strings.Join(where, " AND ")+" AND "+cond+
				w.order(col, "id"), append(args, cargs...)...)
			if err != nil {
				return nil, err
			}
			err = collect(rows, scanInitiative, func(in *convene.Initiative) {
				it := convene.TimelineItem{Kind: convene.TimelineInitiative, At: in.CreatedAt, Initiative: in, Finished: finished}
				if finished {
					it.At = *in.FinishedAt
				}
				items = append(items, it)
			})
			if err != nil {
				return nil, err
			}
		}
	}
	if want(convene.TimelineIdea) {
		cond, args := w.condition(slices.Index(timelineRanks, convene.TimelineIdea), "i.raised_at", "i.id")
		rows, err := s.read().query(ctx, `SELECT `+ideaColumns+ideaFrom+` WHERE i.community_id = ? AND `+cond+w.order("i.raised_at", "i.id"),
			append([]any{communityID}, args...)...)
		if err != nil {
			return nil, err
		}
		err = collect(rows, scanIdea, func(i *convene.Idea) {
			items = append(items, convene.TimelineItem{Kind: convene.TimelineIdea, At: i.RaisedAt, Idea: i})
		})
		if err != nil {
			return nil, err
		}
	}
	return w.page(items), nil
}

// page keeps the limit moments nearest the window's cursor and says where the pages beside them
// start.
func (w timelineWindow) page(items []convene.TimelineItem) *TimelinePage {
	for i := range items {
		items[i].At = items[i].At.UTC()
	}
	slices.SortStableFunc(items, func(a, b convene.TimelineItem) int { return compareTimeline(timelineCursor(a), timelineCursor(b)) })
	more := len(items) > w.limit
	if more && w.forward {
		items = items[:w.limit]
	} else if more {
		items = items[len(items)-w.limit:]
	}
	p := &TimelinePage{Items: items}
	if len(items) == 0 {
		return p
	}
	first, last := timelineCursor(items[0]), timelineCursor(items[len(items)-1])
	if more && w.forward {
		p.Later = &last
	} else if more {
		p.Earlier = &first
	}
	// The cursor itself is a moment on the other side of the page.
	if w.cursor != nil && w.forward {
		p.Earlier = &first
	} else if w.cursor != nil {
		p.Later = &last
	}
	return p
}

// timelineSeasons reads the seasons of a community that opened by the horizon. A season's moment is
// its first day in its series' zone, which SQL cannot compute, so they are filtered here; a
// community has few.
func (s *Store) timelineSeasons(ctx context.Context, communityID int64, horizon time.Time, w timelineWindow) ([]convene.TimelineItem, error) {
	rows, err := s.read().query(ctx, `SELECT se.id, se.series_id, se.name, se.starts_on, se.ends_on, se.note, se.paused_at, se.created_at, se.updated_at,
		sr.time_zone, se.translations FROM seasons se JOIN series sr ON sr.id = se.series_id WHERE sr.community_id = ? ORDER BY se.starts_on, se.id`, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []convene.TimelineItem
	for rows.Next() {
		var zone, startsOn, endsOn string
		var se convene.Season
		var paused sql.NullTime
		if err := rows.Scan(&se.ID, &se.SeriesID, &se.Name, &startsOn, &endsOn, &se.Note, &paused, &se.CreatedAt, &se.UpdatedAt, &zone, texts(&se.Texts)); err != nil {
			return nil, err
		}
		se.StartsOn, se.EndsOn, se.PausedAt = parseDateText(startsOn), parseDateText(endsOn), timePtr(paused)
		loc, err := convene.LoadZone(zone)
		if err != nil {
			loc = time.UTC
		}
		it := convene.TimelineItem{Kind: convene.TimelineSeason, At: se.StartsOn.In(loc).UTC(), Season: &se}
		if !it.At.After(horizon) && w.keeps(it) {
			out = append(out, it)
		}
	}
	return out, rows.Err()
}

// collect scans every row with scan and hands each value to add, closing the rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error), add func(T)) error {
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		add(v)
	}
	return rows.Err()
}

// collectAll scans every row into a slice.
func collectAll[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	var out []T
	err := collect(rows, scan, func(x T) { out = append(out, x) })
	return out, err
}
