package benchdata

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// MovementSlug is the address of the benchmark's long-lived movement.
const MovementSlug = "movement"

// Movement sizes: ten years of monthly calls and the movement grown around them.
const (
	MovementInitiatives = 2000
	MovementUpdates     = 50000
	MovementComments    = 20000
	MovementEvents      = 100
	MovementIdeas       = 500
	movementPeople      = 500
)

// LoadMovement stores a community with ten years of monthly calls (2017 to 2026, a season a year),
// 500 members, 2,000 initiatives across jurisdictions, sectors and statuses (a third finished),
// 50,000 updates, 5,000 asks, 20,000 comments, 100 events and 500 ideas, spread over the ten
// years. Bulk rows are written in set-based statements, so loading takes seconds.
func LoadMovement(ctx context.Context, st *store.Store) (*convene.Community, error) {
	c := &convene.Community{Slug: MovementSlug, Name: "A ten-year movement", TimeZone: "America/Toronto", Languages: []string{"en", "fr"},
		Description: "Ten years of monthly calls and the initiatives around them."}
	if err := st.CreateCommunity(ctx, c, 0); err != nil {
		return nil, err
	}
	sr := &convene.Series{CommunityID: c.ID, Title: "Monthly movement call", RRule: "FREQ=MONTHLY;BYDAY=2WE",
		StartsOn: convene.Date{Year: 2017, Month: 1, Day: 1}, StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
	if err := st.CreateSeries(ctx, sr); err != nil {
		return nil, err
	}
	for y := 2017; y < 2027; y++ {
		se := &convene.Season{SeriesID: sr.ID, Name: fmt.Sprint(y), StartsOn: convene.Date{Year: y, Month: 1, Day: 1},
			EndsOn: convene.Date{Year: y, Month: 12, Day: 31}}
		if err := st.CreateSeason(ctx, se); err != nil {
			return nil, err
		}
	}
	if err := LoadPeople(ctx, st, c.ID, movementPeople); err != nil {
		return nil, err
	}
	pg := st.Engine() == "postgres"
	// at is a timestamp hours after the start of 2017, written as each engine's driver writes one.
	at := func(hours string) string {
		if pg {
			return "(TIMESTAMPTZ '2017-01-01 00:00:00+00' + (" + hours + ") * INTERVAL '1 hour')"
		}
		return "(strftime('%Y-%m-%d %H:%M:%S', '2017-01-01', '+' || (" + hours + ") || ' hours') || '+00:00')"
	}
	pick := func(expr string, list []string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "CASE (%s) %% %d", expr, len(list))
		for i, v := range list {
			fmt.Fprintf(&b, " WHEN %d THEN '%s'", i, v)
		}
		b.WriteString(" END")
		return b.String()
	}
	rows := func(n int) string {
		return fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, n)
	}
	cid := fmt.Sprint(c.ID)
	firstInitiative := `(SELECT MIN(id) FROM initiatives WHERE community_id = ` + cid + `)`
	firstPerson := `(SELECT MIN(id) FROM users WHERE email LIKE 'person%@example.org')`
	firstEvent := `(SELECT MIN(id) FROM events WHERE community_id = ` + cid + `)`
	firstCall := `(SELECT MIN(id) FROM calls WHERE community_id = ` + cid + `)`
	// Ten years are about 87,600 hours: initiatives start every 43 hours, a third of them finish
	// about three months later.
	finished := `CASE WHEN n.i % 6 IN (4, 5) THEN ` + at("n.i * 43 + 2000") + ` ELSE NULL END`
	stmts := []string{
		rows(MovementInitiatives) + `INSERT INTO initiatives (community_id, name, description, jurisdiction, sector, status, links, created_at, updated_at, finished_at)
			SELECT ` + cid + `, 'Initiative ' || n.i, 'What initiative ' || n.i || ' is for, in a sentence or two.', ` +
			pick("n.i", convene.Jurisdictions) + `, ` + pick("n.i / 3", convene.Sectors) + `, ` +
			pick("n.i", []string{"idea", "forming", "active", "paused", "done", "stopped"}) + `, '', ` + at("n.i * 43") + `, ` + at("n.i * 43") + `, ` + finished + ` FROM n`,
		`INSERT INTO initiative_leads (initiative_id, user_id) SELECT id, ` + firstPerson + ` + id % ` + fmt.Sprint(movementPeople) +
			` FROM initiatives WHERE community_id = ` + cid,
		rows(MovementUpdates) + `INSERT INTO initiative_updates (initiative_id, author_id, body, call_id, created_at)
			SELECT ` + firstInitiative + ` + n.i % ` + fmt.Sprint(MovementInitiatives) + `, ` + firstPerson + ` + n.i % ` + fmt.Sprint(movementPeople) +
			`, 'Progress report ' || n.i || ': what moved, what is stuck and what comes next.', CASE WHEN n.i % 4 = 0 THEN ` + firstCall +
			` + n.i % 120 ELSE NULL END, ` + at("(n.i * 7) % 87000 + 100") + ` FROM n`,
		rows(MovementUpdates/10) + `INSERT INTO initiative_asks (initiative_id, author_id, kind, body, created_at, closed_at)
			SELECT ` + firstInitiative + ` + n.i % ` + fmt.Sprint(MovementInitiatives) + `, ` + firstPerson + ` + n.i % ` + fmt.Sprint(movementPeople) + `, ` +
			pick("n.i", []string{"volunteers", "feedback", "expertise", "connections", "troubleshooting"}) + `, 'Ask ' || n.i || ': who can help?', ` +
			at("(n.i * 17) % 87000 + 100") + `, NULL FROM n`,
		rows(MovementComments) + `INSERT INTO comments (community_id, target_kind, target_id, author_id, body, hidden, created_at)
			SELECT ` + cid + `, 'initiative', ` + firstInitiative + ` + n.i % ` + fmt.Sprint(MovementInitiatives) + `, ` + firstPerson + ` + n.i % ` +
			fmt.Sprint(movementPeople) + `, 'Comment ' || n.i || ' with **Markdown**.', ` + truthFalse(st) + `, ` + at("(n.i * 5) % 87000 + 200") + ` FROM n`,
		rows(MovementEvents) + `INSERT INTO events (community_id, name, starts_at, ends_at, time_zone, place, online, link, description, created_at, updated_at)
			SELECT ` + cid + `, 'Gathering ' || n.i, ` + at("n.i * 870") + `, ` + at("n.i * 870 + 8") + `, 'America/Toronto', 'Ottawa', ` + truthFalse(st) +
			`, '', 'A gathering of the movement.', ` + at("n.i * 870") + `, ` + at("n.i * 870") + ` FROM n`,
		rows(MovementIdeas) + `INSERT INTO ideas (community_id, event_id, title, description, status, proposed_by, raised_at, created_at, updated_at)
			SELECT ` + cid + `, ` + firstEvent + ` + n.i % ` + fmt.Sprint(MovementEvents) + `, 'Idea ' || n.i, 'An idea raised at a gathering.', ` +
			pick("n.i", []string{"proposed", "picked_up", "abandoned"}) + `, NULL, ` + at("(n.i % 100 + 1) * 870") + `, ` + at("(n.i % 100 + 1) * 870") + `, ` +
			at("(n.i % 100 + 1) * 870") + ` FROM n`,
		"ANALYZE",
	}
	for _, q := range stmts {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("load movement: %w", err)
		}
	}
	// Triggers marked every row for search; a running instance's worker would have indexed them.
	if _, err := st.IndexPending(ctx, math.MaxInt); err != nil {
		return nil, fmt.Errorf("index movement: %w", err)
	}
	if _, err := st.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		return nil, err
	}
	return c, nil
}

func truthFalse(st *store.Store) string {
	if st.Engine() == "postgres" {
		return "FALSE"
	}
	return "0"
}
