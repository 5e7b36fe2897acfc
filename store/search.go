package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/opengovcall/convene/search"
)

// Search keeps search_documents current from search_dirty, which triggers fill whatever writes
// the tables searched (migration 46): IndexPending takes a batch of marks, rebuilds or removes
// their documents and clears the marks in one transaction, so a crash leaves them marked and a
// change made meanwhile marks its thing again (PostgreSQL waits on the locked mark; SQLite has one
// writer). The job worker calls it on every round; a search calls it first, so what was just
// written is found.

// indexBatch is how many marks one transaction takes.
const indexBatch = 500

// IndexPending brings up to limit marked documents up to date and returns how many it did.
func (s *Store) IndexPending(ctx context.Context, limit int) (int, error) {
	// Most calls find nothing marked: a read says so without opening a write transaction.
	var marked int
	if err := s.read().row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM search_dirty LIMIT 1) x`).Scan(&marked); err != nil || marked == 0 {
		return 0, err
	}
	done := 0
	for done < limit {
		n, err := s.indexBatch(ctx, min(indexBatch, limit-done))
		done += n
		if err != nil || n == 0 {
			return done, err
		}
	}
	return done, nil
}

func (s *Store) indexBatch(ctx context.Context, limit int) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx conn) error {
		q := `SELECT kind, ref_id FROM search_dirty ORDER BY kind, ref_id LIMIT ?`
		if s.dialect == postgresDialect {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		type mark struct {
			kind string
			id   int64
		}
		var marks []mark
		rows, err := tx.query(ctx, q, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var m mark
			if err := rows.Scan(&m.kind, &m.id); err != nil {
				rows.Close()
				return err
			}
			marks = append(marks, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range marks {
			docs, err := buildDocs(ctx, tx, m.kind, m.id)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `DELETE FROM search_documents WHERE kind = ? AND ref_id = ?`, m.kind, m.id); err != nil {
				return err
			}
			for _, d := range docs {
				if d.titles == "" {
					d.titles = "{}"
				}
				if _, err := tx.exec(ctx, `INSERT INTO search_documents (community_id, kind, ref_id, link, title, titles, body, at, jurisdiction, sector,
					audience, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.communityID, d.kind, d.refID, d.link, d.title, d.titles, d.body,
					d.at.UTC(), d.jurisdiction, d.sector, d.audience, termsOf(d)); err != nil {
					return err
				}
			}
			if _, err := tx.exec(ctx, `DELETE FROM search_dirty WHERE kind = ? AND ref_id = ?`, m.kind, m.id); err != nil {
				return err
			}
			// What shows another thing's words goes with it: an initiative's name heads its updates
			// and asks (and its deletion hides them), a call's title its minutes.
			for _, dep := range dependents[m.kind] {
				if _, err := tx.exec(ctx, `INSERT INTO search_dirty (kind, ref_id) SELECT '`+dep.kind+`', `+dep.column+` FROM `+dep.table+
					` WHERE `+dep.parent+` = ? ON CONFLICT DO NOTHING`, m.id); err != nil {
					return err
				}
			}
		}
		n = len(marks)
		return nil
	})
	return n, err
}

// dependents are, for a kind, the documents that show its words too.
var dependents = map[string][]struct{ kind, table, column, parent string }{
	SearchInitiative: {{SearchUpdate, "initiative_updates", "id", "initiative_id"}, {SearchAsk, "initiative_asks", "id", "initiative_id"}},
	SearchCall:       {{SearchMinutes, "minutes", "call_id", "call_id"}},
}

// MaxSearchCount is how far a search counts what it found; a total above it means "more".
const MaxSearchCount = 1000

// SearchFilter is a search: its words, and where to look.
type SearchFilter struct {
	Query        search.Query
	CommunityID  int64    // 0: every community of the instance
	Kinds        []string // empty: every kind
	From, To     time.Time
	Jurisdiction string
	Sector       string
	Limit        int // 20 when 0
	Offset       int
	// MemberOf are the communities whose members-only documents (profiles shown to members) the
	// searcher may find: those they are a signed-in member of.
	MemberOf []int64
}

// SearchHit is one thing found.
type SearchHit struct {
	Kind          string
	RefID         int64
	CommunitySlug string
	CommunityName string
	Path          string // the page it leads to
	Title         string
	Titles        map[string]string // the title in other languages
	Body          string
	At            time.Time
}

// Search finds what f asks for, best first, and how many there are in all (up to
// MaxSearchCount+1, which means more than MaxSearchCount). Calls, minutes, initiatives and their
// updates and asks, ideas, events, visible comments and public profiles are found by anyone;
// profiles shown to members only by the members of f.MemberOf; hidden comments, deleted
// initiatives and profiles shown to nobody are not in the index at all.
func (s *Store) Search(ctx context.Context, f SearchFilter) ([]SearchHit, int, error) {
	if _, err := s.IndexPending(ctx, 1000); err != nil { // what was just written is found
		return nil, 0, err
	}
	var where []string
	var args []any
	match, rank := `search_fts MATCH ?`, `search_fts.rank` // bm25, which FTS5 can order by itself
	from := ` FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid JOIN communities c ON c.id = d.community_id`
	arg := any(f.Query.FTS5())
	if s.dialect == postgresDialect {
		match, rank = `d.vector @@ to_tsquery('simple', ?)`, `-ts_rank(d.vector, to_tsquery('simple', ?))`
		from = ` FROM search_documents d JOIN communities c ON c.id = d.community_id`
		arg = f.Query.TSQuery()
	}
	where, args = append(where, match), append(args, arg)
	if f.CommunityID != 0 {
		where, args = append(where, `d.community_id = ?`), append(args, f.CommunityID)
	}
	if len(f.MemberOf) == 0 {
		where = append(where, `d.audience = 'public'`)
	} else {
		where = append(where, `(d.audience = 'public' OR d.community_id IN (`+placeholders(len(f.MemberOf))+`))`)
		for _, id := range f.MemberOf {
			args = append(args, id)
		}
	}
	if len(f.Kinds) > 0 {
		where = append(where, `d.kind IN (`+placeholders(len(f.Kinds))+`)`)
		for _, k := range f.Kinds {
			args = append(args, k)
		}
	}
	if !f.From.IsZero() {
		where, args = append(where, `d.at >= ?`), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where, args = append(where, `d.at < ?`), append(args, f.To.UTC())
	}
	if f.Jurisdiction != "" {
		where, args = append(where, `d.jurisdiction = ?`), append(args, f.Jurisdiction)
	}
	if f.Sector != "" {
		where, args = append(where, `d.sector = ?`), append(args, f.Sector)
	}
	cond := ` WHERE ` + strings.Join(where, " AND ")
	var total int // counted up to MaxSearchCount: past it, a searcher narrows rather than counts
	if err := s.read().row(ctx, `SELECT COUNT(*) FROM (SELECT 1`+from+cond+` LIMIT ?) x`, append(args, MaxSearchCount+1)...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	rankArgs := []any{}
	if s.dialect == postgresDialect {
		rankArgs = append(rankArgs, arg)
	}
	rows, err := s.read().query(ctx, `SELECT d.kind, d.ref_id, c.slug, c.name, d.link, d.title, d.titles, d.body, d.at, `+rank+` AS rank`+from+cond+
		` ORDER BY rank, d.at DESC, d.id LIMIT ? OFFSET ?`, append(append(rankArgs, args...), limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []SearchHit
	for rows.Next() {
		var h SearchHit
		var link, titles string
		var r float64
		if err := rows.Scan(&h.Kind, &h.RefID, &h.CommunitySlug, &h.CommunityName, &link, &h.Title, &titles, &h.Body, &h.At, &r); err != nil {
			return nil, 0, err
		}
		_ = json.Unmarshal([]byte(titles), &h.Titles)
		h.Path = "/c/" + h.CommunitySlug + "/" + link
		out = append(out, h)
	}
	return out, total, rows.Err()
}

// ValidSearchKind reports whether kind is one search finds.
func ValidSearchKind(kind string) bool {
	for _, k := range SearchKinds {
		if k == kind {
			return true
		}
	}
	return false
}
