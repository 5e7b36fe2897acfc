package benchdata

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// LoadPeople adds n members to the community in a few set-based statements: a spread of
// jurisdictions, sectors, visibilities and fifty interests. Their addresses are
// person<i>@example.org.
func LoadPeople(ctx context.Context, st *store.Store, communityID int64, n int) error {
	pick := func(list []string) string {
		var b strings.Builder
		b.WriteString("CASE n.i % " + fmt.Sprint(len(list)))
		for i, v := range list {
			fmt.Fprintf(&b, " WHEN %d THEN '%s'", i, v)
		}
		b.WriteString(" END")
		return b.String()
	}
	series := fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, n)
	stmts := []string{
		series + `INSERT INTO users (email, name, confirmed, created_at, jurisdiction, sector, visibility, languages)
			SELECT 'person' || n.i || '@example.org', 'Person ' || n.i, ` + truth(st) + `, CURRENT_TIMESTAMP, ` +
			pick(convene.Jurisdictions) + `, ` + pick(convene.Sectors) + `, ` + pick([]string{"public", "members", "nobody"}) + `, 'en' FROM n`,
		`INSERT INTO memberships (community_id, user_id, role, created_at)
			SELECT ` + fmt.Sprint(communityID) + `, id, 'member', CURRENT_TIMESTAMP FROM users WHERE email LIKE 'person%@example.org'`,
		`INSERT INTO user_interests (user_id, tag) SELECT id, 'tag ' || (id % 50) FROM users WHERE email LIKE 'person%@example.org'`,
		`INSERT INTO user_interests (user_id, tag) SELECT id, 'tag ' || ((id * 7) % 50 + 50) FROM users WHERE email LIKE 'person%@example.org'`,
	}
	for _, q := range stmts {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("load people: %w", err)
		}
	}
	_, err := st.DB().ExecContext(ctx, "ANALYZE")
	return err
}

func truth(st *store.Store) string {
	if st.Engine() == "postgres" {
		return "TRUE"
	}
	return "1"
}

// RegisterAll gives every loaded person a place at a call, each with an invitation to send, in
// two set-based statements.
func RegisterAll(ctx context.Context, st *store.Store, callID int64, at time.Time) error {
	now := "?"
	if st.Engine() == "postgres" {
		now = "$1"
	}
	stmts := []string{
		fmt.Sprintf(`INSERT INTO registrations (call_id, user_id, status, answers, created_at, updated_at)
			SELECT %d, id, 'registered', '{}', %s, %s FROM users WHERE email LIKE 'person%%@example.org'`, callID, now, now),
		fmt.Sprintf(`INSERT INTO jobs (kind, payload, run_at, created_at)
			SELECT 'invite', '{"call_id":%d,"user_id":' || id || ',"method":"REQUEST"}', %s, %s FROM users WHERE email LIKE 'person%%@example.org'`,
			callID, now, now),
	}
	for _, q := range stmts {
		args := []any{at.UTC()}
		if st.Engine() != "postgres" {
			args = append(args, at.UTC())
		}
		if _, err := st.DB().ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("register all: %w", err)
		}
	}
	return nil
}
