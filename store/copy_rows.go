package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The rows of a copy to PostgreSQL (see copy.go): streamed from SQLite with each value converted
// to its target column's type, then the sequences set past them and the counts checked.

// copyRows streams one table from SQLite into PostgreSQL with COPY, in primary key order, which
// SQLite reads from its index and PostgreSQL then finds its rows stored in.
func (c *copier) copyRows(ctx context.Context, t *copyTable) error {
	names, quoted := make([]string, len(t.columns)), make([]string, len(t.columns))
	for i, col := range t.columns {
		names[i], quoted[i] = col.name, quoteName(col.name)
	}
	order := "rowid"
	if len(t.key) > 0 {
		key := make([]string, len(t.key))
		for i, k := range t.key {
			key[i] = quoteName(k)
		}
		order = strings.Join(key, ", ")
	}
	rows, err := c.src.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM `+quoteName(t.name)+` ORDER BY `+order)
	if err != nil {
		return err
	}
	defer rows.Close()
	c.progress(t.name, 0)
	src := &rowSource{table: t, rows: rows, raw: make([]any, len(names)), values: make([]any, len(names)),
		report: func(n int) { c.progress(t.name, n) }}
	for i := range src.raw {
		src.scan = append(src.scan, &src.raw[i])
	}
	t.copied, err = c.dst.CopyFrom(ctx, pgx.Identifier{c.schema, t.name}, names, src)
	src.flush()
	var pe *pgconn.PgError
	switch {
	case src.err != nil:
		return src.err // the reason the COPY was abandoned, rather than PostgreSQL's echo of it
	case errors.As(err, &pe) && pe.Where != "":
		return fmt.Errorf("%w, at %s", err, pe.Where) // the line and column of the COPY
	}
	return err
}

// rowSource feeds COPY the rows of a SQLite query, each value converted to its column's type.
type rowSource struct {
	table      *copyTable
	rows       *sql.Rows
	raw, scan  []any
	values     []any
	err        error
	read       int64
	unreported int
	report     func(int)
}

// progressStep is how many rows are copied between two reports of progress.
const progressStep = 1000

func (r *rowSource) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if r.err = r.rows.Scan(r.scan...); r.err != nil {
		return false
	}
	for i, col := range r.table.columns {
		v, err := col.convert(r.raw[i])
		if err != nil {
			r.err = fmt.Errorf("column %s of the row %s: %w", col.name, r.rowName(), err)
			return false
		}
		r.values[i] = v
	}
	r.read++
	if r.unreported++; r.unreported == progressStep {
		r.flush()
	}
	return true
}

// rowName names the current row by its primary key, for an error someone must go and fix.
func (r *rowSource) rowName() string {
	var parts []string
	for i, col := range r.table.columns {
		if slices.Contains(r.table.key, col.name) {
			parts = append(parts, fmt.Sprintf("%s=%v", col.name, r.raw[i]))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("after %d rows", r.read)
	}
	return "with " + strings.Join(parts, ", ")
}

func (r *rowSource) flush() {
	if r.unreported > 0 {
		r.report(r.unreported)
		r.unreported = 0
	}
}

func (r *rowSource) Values() ([]any, error) { return r.values, nil }

func (r *rowSource) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

// advanceSequences sets each identity sequence past the largest id copied, and past the largest
// SQLite ever handed out in an AUTOINCREMENT table, so that the id of a deleted account or call
// never names a new one.
func (c *copier) advanceSequences(ctx context.Context, order []*copyTable) error {
	handedOut := map[string]int64{}
	if err := c.src.QueryRowContext(ctx, `SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'`).Scan(new(int)); err == nil {
		rows, err := c.src.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			var seq int64
			if err := rows.Scan(&name, &seq); err != nil {
				rows.Close()
				return err
			}
			handedOut[name] = seq
		}
		rows.Close()
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	for _, t := range order {
		for _, col := range t.columns {
			if col.sequence == "" {
				continue
			}
			var last int64
			if err := c.dst.QueryRow(ctx, `SELECT COALESCE(MAX(`+quoteName(col.name)+`), 0) FROM `+c.ident(t.name)).Scan(&last); err != nil {
				return err
			}
			if slices.Equal(t.key, []string{col.name}) {
				last = max(last, handedOut[t.name])
			}
			if last > 0 {
				if _, err := c.dst.Exec(ctx, `SELECT setval($1::regclass, $2)`, col.sequence, last); err != nil {
					return fmt.Errorf("advance the sequence of %s.%s: %w", t.name, col.name, err)
				}
			}
		}
	}
	return nil
}

// verifyCounts compares, table by table, the rows in SQLite, the rows COPY wrote and the rows in
// PostgreSQL, before the commit; a difference rolls the copy back.
func (c *copier) verifyCounts(ctx context.Context, order []*copyTable) (map[string]int64, error) {
	counts := map[string]int64{}
	var diffs []string
	for _, t := range order {
		var want, got int64
		if err := c.src.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteName(t.name)).Scan(&want); err != nil {
			return nil, err
		}
		if err := c.dst.QueryRow(ctx, `SELECT COUNT(*) FROM `+c.ident(t.name)).Scan(&got); err != nil {
			return nil, err
		}
		if want != got || want != t.copied {
			diffs = append(diffs, fmt.Sprintf("%s: %d in SQLite, %d copied, %d in PostgreSQL", t.name, want, t.copied, got))
		}
		counts[t.name] = got
	}
	if len(diffs) > 0 {
		return nil, fmt.Errorf("the row counts differ, so nothing was copied: %s", strings.Join(diffs, "; "))
	}
	return counts, nil
}

// converterTo turns what the SQLite driver reads into what a PostgreSQL column of dataType takes:
// SQLite keeps flags as integers 0 and 1, times as text (which the driver reads as time.Time when
// the column is declared TIMESTAMP, and as a string otherwise), bytes as blobs. A value that does
// not fit is an error naming it, never a guess.
func converterTo(dataType string) func(any) (any, error) {
	switch dataType {
	case "boolean":
		return func(v any) (any, error) {
			switch x := v.(type) {
			case nil, bool:
				return x, nil
			case int64:
				if x == 0 || x == 1 {
					return x == 1, nil
				}
			}
			return nil, fmt.Errorf("%#v is not a flag (0 or 1)", v)
		}
	case "timestamp with time zone", "timestamp without time zone":
		return func(v any) (any, error) {
			switch x := v.(type) {
			case nil:
				return nil, nil
			case time.Time:
				return x.UTC(), nil
			case string:
				for _, layout := range sqliteTimeLayouts {
					if t, err := time.Parse(layout, strings.TrimSuffix(x, "Z")); err == nil {
						return t.UTC(), nil
					}
				}
			}
			return nil, fmt.Errorf("%#v is not a time", v)
		}
	case "bigint", "integer", "smallint":
		return func(v any) (any, error) {
			switch x := v.(type) {
			case nil, int64:
				return x, nil
			}
			return nil, fmt.Errorf("%#v is not an integer", v)
		}
	case "bytea":
		return func(v any) (any, error) {
			switch x := v.(type) {
			case nil, []byte:
				return x, nil
			case string:
				return []byte(x), nil
			}
			return nil, fmt.Errorf("%#v is not bytes", v)
		}
	case "text", "character varying", "character":
		return func(v any) (any, error) {
			var s string
			switch x := v.(type) {
			case nil:
				return nil, nil
			case string:
				s = x
			case []byte:
				s = string(x)
			default:
				return nil, fmt.Errorf("%#v is not text", v)
			}
			// PostgreSQL refuses both, and says so without naming the row.
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				return nil, fmt.Errorf("%.40q is not valid UTF-8 text without NUL characters, which PostgreSQL requires", s)
			}
			return s, nil
		}
	}
	return nil
}

// sqliteTimeLayouts are the ways a time may be written in a SQLite file: as Convene's driver writes
// it, as SQLite's CURRENT_TIMESTAMP does, and in ISO 8601; a time with no zone is UTC.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}
