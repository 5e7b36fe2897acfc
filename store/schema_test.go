package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// column is one column as both engines can be compared: a type class, and whether it may be null.
type column struct {
	class   string // int, text, time, real, bool, date, blob
	notNull bool
}

// schema is a database's tables, explicit indexes, unique constraints and foreign keys, normalized.
type schema struct {
	columns map[string]column // "table.column"
	indexes []string          // "table:name(unique)"
	uniques []string          // "table(col,col)"
	foreign []string          // "table.column->table"
	// defaults are the integer columns with a default, "table.column=default" (PostgreSQL).
	intDefaults []string
}

func typeClass(t string) string {
	t = strings.ToLower(t)
	switch {
	case strings.Contains(t, "int"):
		return "int"
	case strings.Contains(t, "char"), t == "text":
		return "text"
	case strings.HasPrefix(t, "timestamp"), t == "datetime":
		return "time"
	case t == "date":
		return "date"
	case strings.Contains(t, "bool"):
		return "bool"
	case t == "real", strings.Contains(t, "double"), t == "numeric", t == "float":
		return "real"
	case t == "blob", t == "bytea":
		return "blob"
	}
	return "other:" + t
}

func strings1(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out
}

func readSchema(t *testing.T, s *store.Store) schema {
	t.Helper()
	db := s.DB()
	sc := schema{columns: map[string]column{}}
	if s.Engine() == "sqlite" {
		for _, tb := range strings1(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'
			AND name NOT LIKE 'search_fts%'`) {
			table := tb[0]
			for _, c := range strings1(t, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, table) {
				// A SQLite INTEGER PRIMARY KEY is never null, whatever it declares.
				sc.columns[table+"."+c[0]] = column{class: typeClass(c[1]), notNull: c[2] == "1" || c[3] == "1"}
			}
			for _, ix := range strings1(t, db, `SELECT name, "unique", origin FROM pragma_index_list(?)`, table) {
				switch ix[2] {
				case "c":
					sc.indexes = append(sc.indexes, fmt.Sprintf("%s:%s(%s)", table, ix[0], ix[1]))
				case "u":
					var cols []string
					for _, c := range strings1(t, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0]) {
						cols = append(cols, c[0])
					}
					sc.uniques = append(sc.uniques, table+"("+strings.Join(cols, ",")+")")
				}
			}
			for _, fk := range strings1(t, db, `SELECT "from", "table" FROM pragma_foreign_key_list(?)`, table) {
				sc.foreign = append(sc.foreign, table+"."+fk[0]+"->"+fk[1])
			}
		}
	} else {
		for _, c := range strings1(t, db, `SELECT table_name, column_name, data_type, is_nullable, COALESCE(column_default, '')
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'
			AND (table_name, column_name) <> ('search_documents', 'vector')`) { // full-text machinery, as FTS5's tables
			sc.columns[c[0]+"."+c[1]] = column{class: typeClass(c[2]), notNull: c[3] == "NO"}
			if typeClass(c[2]) == "int" && c[4] != "" && !strings.HasPrefix(c[4], "nextval") {
				sc.intDefaults = append(sc.intDefaults, c[0]+"."+c[1])
			}
		}
		for _, ix := range strings1(t, db, `SELECT t.relname, i.relname, x.indisunique FROM pg_index x
			JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = current_schema() AND t.relname <> 'goose_db_version' AND i.relname <> 'search_documents_vector'
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))`) {
			u := "0"
			if ix[2] == "true" {
				u = "1"
			}
			sc.indexes = append(sc.indexes, fmt.Sprintf("%s:%s(%s)", ix[0], ix[1], u))
		}
		for _, u := range strings1(t, db, `SELECT t.relname, string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_constraint c
			JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
			JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
			WHERE n.nspname = current_schema() AND c.contype = 'u' GROUP BY c.oid, t.relname`) {
			sc.uniques = append(sc.uniques, u[0]+"("+u[1]+")")
		}
		for _, fk := range strings1(t, db, `SELECT t.relname, a.attname, r.relname FROM pg_constraint c
			JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1]
			WHERE n.nspname = current_schema() AND c.contype = 'f'`) {
			sc.foreign = append(sc.foreign, fk[0]+"."+fk[1]+"->"+fk[2])
		}
	}
	slices.Sort(sc.indexes)
	slices.Sort(sc.uniques)
	slices.Sort(sc.foreign)
	slices.Sort(sc.intDefaults)
	return sc
}

// counters are the integer columns with a default that count something; any other integer column
// with a default is a flag, and flags are BOOLEAN on PostgreSQL (SQLite has no boolean type).
var counters = []string{"agenda_items.minutes", "attendance.minutes", "calls.capacity", "calls.in_person_capacity", "calls.sequence", "jobs.attempts",
	"jobs.max_attempts", "outbox.attempts", "reach_calls.attended", "reach_calls.registered", "registrations.ical_sequence",
	"series.reveal_minutes", "topics.minutes"}

// Both engines' migrations make the same schema: the same tables and columns with the same types
// and nullability, the same indexes, unique constraints and foreign keys. SQLite has no boolean,
// so its INTEGER matches a PostgreSQL BOOLEAN, and no flag is an INTEGER on PostgreSQL.
func TestEnginesHaveTheSameSchema(t *testing.T) {
	clock := convene.FixedClock(utc("2019-11-01T12:00:00Z"))
	lite := readSchema(t, testdb.OpenDSN(t, testdb.DSN(t, "sqlite"), clock))
	pg := readSchema(t, testdb.OpenDSN(t, testdb.DSN(t, "postgres"), clock))
	if len(lite.columns) < 100 || len(lite.indexes) < 20 || len(lite.uniques) < 5 || len(lite.foreign) < 20 {
		t.Fatalf("the schema reader found too little: %d columns, %d indexes, %d unique constraints, %d foreign keys",
			len(lite.columns), len(lite.indexes), len(lite.uniques), len(lite.foreign))
	}
	for name, c := range lite.columns {
		p, ok := pg.columns[name]
		switch {
		case !ok:
			t.Errorf("%s is only on SQLite", name)
		case c.notNull != p.notNull:
			t.Errorf("%s: NOT NULL on SQLite %t, on PostgreSQL %t", name, c.notNull, p.notNull)
		case c.class != p.class && !(c.class == "int" && p.class == "bool"):
			t.Errorf("%s: %s on SQLite, %s on PostgreSQL", name, c.class, p.class)
		}
	}
	for name := range pg.columns {
		if _, ok := lite.columns[name]; !ok {
			t.Errorf("%s is only on PostgreSQL", name)
		}
	}
	for _, name := range pg.intDefaults {
		if !slices.Contains(counters, name) {
			t.Errorf("%s is an INTEGER flag on PostgreSQL: make it BOOLEAN (or, if it counts, list it among the counters)", name)
		}
	}
	for _, pair := range []struct {
		what     string
		lite, pg []string
	}{{"indexes", lite.indexes, pg.indexes}, {"unique constraints", lite.uniques, pg.uniques}, {"foreign keys", lite.foreign, pg.foreign}} {
		if !slices.Equal(pair.lite, pair.pg) {
			t.Errorf("%s differ:\nSQLite     %v\nPostgreSQL %v", pair.what, pair.lite, pair.pg)
		}
	}
}

// Every migration's Down undoes its Up: both engines migrate up, all the way down, and up again,
// and end with the schema they had.
func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	clock := convene.FixedClock(utc("2019-11-01T12:00:00Z"))
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s := testdb.OpenDSN(t, testdb.DSN(t, engine), clock)
			before := readSchema(t, s)
			if err := s.MigrateDown(ctx, 0); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			after := readSchema(t, s)
			if fmt.Sprint(before) != fmt.Sprint(after) {
				t.Fatalf("the schema changed going down and up:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}
