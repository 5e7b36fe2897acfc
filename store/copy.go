package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// ErrTargetNotEmpty is the refusal of a PostgreSQL database that already holds something: a copy
// only ever fills a new, empty database, so that nothing already there can be lost or mixed in.
var ErrTargetNotEmpty = errors.New("the PostgreSQL database is not empty")

// gooseTable is goose's record of the migrations applied; each database keeps its own.
const gooseTable = "goose_db_version"

// SchemaVersion reports the migration the database is at (0 for a database Convene never
// migrated) and the latest one this binary knows, without writing anything.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := s.migrations()
	if err != nil {
		return 0, 0, err
	}
	if sources := p.ListSources(); len(sources) > 0 {
		latest = sources[len(sources)-1].Version
	}
	tables, err := s.tableNames(ctx)
	if err != nil || !slices.Contains(tables, gooseTable) {
		return 0, latest, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM `+gooseTable).Scan(&current)
	return current, latest, err
}

// tableNames lists the database's tables, goose's included: on PostgreSQL those of the schema the
// connection works in.
// ftsTables (a LIKE pattern) are FTS5's tables, made from search_documents, as PostgreSQL makes
// its own index from it: not data, and not copied.
const ftsTables = `'search\_fts%'`

func (s *Store) tableNames(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND name NOT LIKE ` + ftsTables + ` ESCAPE '\' ORDER BY name`
	if s.dialect == postgresDialect {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

// RowCounts is how many rows each of Convene's tables holds (goose's record left out).
func (s *Store) RowCounts(ctx context.Context) (map[string]int64, error) {
	tables, err := s.tableNames(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, t := range tables {
		if t == gooseTable {
			continue
		}
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteName(t)).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		counts[t] = n
	}
	return counts, nil
}

// CopyToPostgres moves a SQLite instance's whole data into an empty PostgreSQL database in one
// transaction: every table, ids kept, sequences set past them, summaries and background work
// included; row counts are compared table by table before the commit, and returned. A target
// holding a row or a table that is not Convene's, and a database of a newer Convene, are refused
// before anything is written. A source at an older schema is migrated first, as convene serve
// would, and the target to the same version; a copy that fails after that (a value PostgreSQL
// cannot hold, a row naming one that is not there) leaves the target's schema empty. progress
// hears of each batch of rows copied.
func CopyToPostgres(ctx context.Context, from, to *Store, progress func(table string, n int)) (map[string]int64, error) {
	if from.dialect != sqliteDialect || to.dialect != postgresDialect {
		return nil, errors.New("copy goes from a SQLite file to a PostgreSQL database")
	}
	if progress == nil {
		progress = func(string, int) {}
	}
	srcVersion, latest, err := from.SchemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the SQLite file's schema version: %w", err)
	}
	switch {
	case srcVersion == 0:
		return nil, errors.New("the SQLite file is not a Convene database: Convene never migrated it")
	case srcVersion > latest:
		return nil, fmt.Errorf("the SQLite file is at schema version %d, newer than this convene's %d: copy with the convene that last served it", srcVersion, latest)
	}
	dstVersion, _, err := to.SchemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the PostgreSQL database's schema version: %w", err)
	}
	if dstVersion > latest {
		return nil, fmt.Errorf("the PostgreSQL database is at schema version %d, newer than this convene's %d", dstVersion, latest)
	}
	// Rows are looked for before anything is written anywhere; tables that are not Convene's once
	// the source is at this version's schema, and so knows them all.
	if err := checkCopyTarget(ctx, to, nil); err != nil {
		return nil, err
	}
	if srcVersion < latest {
		if err := from.Migrate(ctx); err != nil {
			return nil, fmt.Errorf("bring the SQLite file up to date: %w", err)
		}
	}
	known, err := from.tableNames(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkCopyTarget(ctx, to, known); err != nil {
		return nil, err
	}
	if err := to.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("create the schema in PostgreSQL: %w", err)
	}
	return copyAll(ctx, from, to, progress)
}

// checkCopyTarget refuses a database with rows in any table but goose's, or, when known lists
// Convene's tables, with a table not among them.
func checkCopyTarget(ctx context.Context, to *Store, known []string) error {
	tables, err := to.tableNames(ctx)
	if err != nil {
		return fmt.Errorf("list the PostgreSQL database's tables: %w", err)
	}
	var filled, foreign []string
	for _, t := range tables {
		if t == gooseTable {
			continue
		}
		if known != nil && !slices.Contains(known, t) {
			foreign = append(foreign, t)
			continue
		}
		var hasRows bool
		if err := to.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+quoteName(t)+`)`).Scan(&hasRows); err != nil {
			return fmt.Errorf("look into %s: %w", t, err)
		}
		if hasRows {
			filled = append(filled, t)
		}
	}
	if len(filled) > 0 {
		return fmt.Errorf("%w: %s hold rows", ErrTargetNotEmpty, listSome(filled))
	}
	if len(foreign) > 0 {
		return fmt.Errorf("%w: it has tables that are not Convene's (%s)", ErrTargetNotEmpty, listSome(foreign))
	}
	return nil
}

// listSome names up to five things and counts the rest.
func listSome(names []string) string {
	if len(names) <= 5 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:5], ", "), len(names)-5)
}

// quoteName quotes an identifier for either engine.
func quoteName(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// copyAll copies every table within one PostgreSQL transaction, through pgx's COPY protocol on the
// connection database/sql holds. It reads the SQLite file in one transaction that holds its write
// lock: a server still writing to it waits, or fails, rather than write what the copy would miss.
func copyAll(ctx context.Context, from, to *Store, progress func(string, int)) (map[string]int64, error) {
	src, err := from.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("lock the SQLite file for the copy (stop convene serve first): %w", err)
	}
	defer src.Rollback()
	conn, err := to.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var counts map[string]int64
	err = conn.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected PostgreSQL driver %T", driverConn)
		}
		tx, err := pc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		c := &copier{src: src, dst: tx, progress: progress}
		if counts, err = c.run(ctx); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("commit the copy: %w", err)
		}
		return nil
	})
	return counts, err
}

// copier copies the tables of one SQLite transaction into one PostgreSQL transaction.
type copier struct {
	src         *sql.Tx
	dst         pgx.Tx
	schema      string
	tables      map[string]*copyTable
	foreignKeys []foreignKey
	progress    func(string, int)
}

// copyTable is one of the target's tables, as its catalog describes it.
type copyTable struct {
	name     string
	columns  []copyColumn
	key      []string // primary key columns
	triggers []string // user triggers enabled before the copy, disabled during it
	copied   int64
}

type copyColumn struct {
	name     string
	dataType string
	sequence string // the identity (or serial) sequence that numbers the column, if any
	convert  func(any) (any, error)
}

// foreignKey is a constraint dropped for the copy and added back after it, as pg_dump's output
// does it: checked once per constraint by one join, rather than once per row, and in whatever
// order the tables come, cycles included (a community names its logo in images, an image names
// its community).
type foreignKey struct{ table, name, definition string }

func (c *copier) run(ctx context.Context) (map[string]int64, error) {
	if err := c.readTarget(ctx); err != nil {
		return nil, fmt.Errorf("read the PostgreSQL schema: %w", err)
	}
	if err := c.compareSource(ctx); err != nil {
		return nil, err
	}
	if err := c.lockEmptyTarget(ctx); err != nil {
		return nil, err
	}
	var order []*copyTable
	for _, t := range c.tables {
		order = append(order, t)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].name < order[j].name })
	// The reach triggers would mark everyone stale and count every call again as rows arrive;
	// the summaries are copied as they are instead, and the triggers come back before the commit.
	if err := c.setTriggers(ctx, "DISABLE"); err != nil {
		return nil, err
	}
	if err := c.dropForeignKeys(ctx); err != nil {
		return nil, err
	}
	for _, t := range order {
		if err := c.copyRows(ctx, t); err != nil {
			return nil, fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	if err := c.restoreForeignKeys(ctx); err != nil {
		return nil, err
	}
	if err := c.setTriggers(ctx, "ENABLE"); err != nil {
		return nil, err
	}
	if err := c.advanceSequences(ctx, order); err != nil {
		return nil, err
	}
	counts, err := c.verifyCounts(ctx, order)
	if err != nil {
		return nil, err
	}
	// Fresh statistics let the planner choose well from the first request, before autovacuum
	// would have looked at the new rows.
	for _, t := range order {
		if _, err := c.dst.Exec(ctx, `ANALYZE `+c.ident(t.name)); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

// dropForeignKeys sets the foreign keys aside for the copy; like the triggers, they need the
// tables' ownership, and a rollback brings them back.
func (c *copier) dropForeignKeys(ctx context.Context) error {
	for _, fk := range c.foreignKeys {
		if _, err := c.dst.Exec(ctx, `ALTER TABLE `+c.ident(fk.table)+` DROP CONSTRAINT `+pgx.Identifier{fk.name}.Sanitize()); err != nil {
			return fmt.Errorf("set aside the foreign key %s of %s (connect as the user who created the schema): %w", fk.name, fk.table, err)
		}
	}
	return nil
}

// restoreForeignKeys adds the foreign keys back, each checked against every row copied.
func (c *copier) restoreForeignKeys(ctx context.Context) error {
	for _, fk := range c.foreignKeys {
		if _, err := c.dst.Exec(ctx, `ALTER TABLE `+c.ident(fk.table)+` ADD CONSTRAINT `+pgx.Identifier{fk.name}.Sanitize()+` `+fk.definition); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "23503" {
				return fmt.Errorf("the SQLite file's %s names a row that is not there (%s): fix or delete that row, then copy again", fk.table, pe.Detail)
			}
			return fmt.Errorf("restore the foreign key %s of %s: %w", fk.name, fk.table, err)
		}
	}
	return nil
}

func (c *copier) ident(table string) string { return pgx.Identifier{c.schema, table}.Sanitize() }

// readTarget reads the tables, columns, keys, foreign keys and triggers of the target's schema.
func (c *copier) readTarget(ctx context.Context) error {
	if err := c.dst.QueryRow(ctx, `SELECT current_schema()`).Scan(&c.schema); err != nil {
		return err
	}
	c.tables = map[string]*copyTable{}
	keys := map[string][]string{} // a table's primary key columns, each at its place in the key
	err := c.each(ctx, `SELECT c.relname, a.attname::text, format_type(a.atttypid, NULL),
			COALESCE(pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname), ''),
			COALESCE(array_position(k.conkey, a.attnum), 0)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p'
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> $1
		ORDER BY c.relname, a.attnum`, []any{gooseTable},
		func(rows pgx.Rows) error {
			var table string
			var col copyColumn
			var keyPosition int
			if err := rows.Scan(&table, &col.name, &col.dataType, &col.sequence, &keyPosition); err != nil {
				return err
			}
			if col.convert = converterTo(col.dataType); col.convert == nil {
				return fmt.Errorf("%s.%s is of type %s, which copy does not know", table, col.name, col.dataType)
			}
			t := c.tables[table]
			if t == nil {
				t = &copyTable{name: table}
				c.tables[table] = t
			}
			t.columns = append(t.columns, col)
			if keyPosition > 0 {
				key := keys[table]
				for len(key) < keyPosition {
					key = append(key, "")
				}
				key[keyPosition-1] = col.name
				keys[table] = key
			}
			return nil
		})
	if err != nil {
		return err
	}
	for table, key := range keys {
		c.tables[table].key = key
	}
	err = c.each(ctx, `SELECT c.relname, k.conname::text, pg_get_constraintdef(k.oid) FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE k.contype = 'f' AND n.nspname = current_schema() ORDER BY c.relname, k.conname`, nil,
		func(rows pgx.Rows) error {
			var fk foreignKey
			err := rows.Scan(&fk.table, &fk.name, &fk.definition)
			if c.tables[fk.table] != nil {
				c.foreignKeys = append(c.foreignKeys, fk)
			}
			return err
		})
	if err != nil {
		return err
	}
	return c.each(ctx, `SELECT c.relname, t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND n.nspname = current_schema() ORDER BY 1, 2`, nil,
		func(rows pgx.Rows) error {
			var table, trigger string
			if err := rows.Scan(&table, &trigger); err != nil {
				return err
			}
			if t := c.tables[table]; t != nil {
				t.triggers = append(t.triggers, trigger)
			}
			return nil
		})
}

// each runs a query on the target and hands each row to fn.
func (c *copier) each(ctx context.Context, query string, args []any, fn func(pgx.Rows) error) error {
	rows, err := c.dst.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// compareSource checks that the SQLite file has the same tables and columns as the target, which
// it does when both are at the same schema version: a difference would lose data.
func (c *copier) compareSource(ctx context.Context) error {
	rows, err := c.src.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND m.name NOT LIKE `+ftsTables+` ESCAPE '\' AND m.name <> ?`, gooseTable)
	if err != nil {
		return err
	}
	defer rows.Close()
	inSQLite, inPostgres := map[string]bool{}, map[string]bool{} // "table" and "table.column"
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			return err
		}
		inSQLite[table], inSQLite[table+"."+column] = true, true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for name, t := range c.tables {
		inPostgres[name] = true
		for _, col := range t.columns {
			inPostgres[name+"."+col.name] = true
		}
	}
	var diffs []string
	onlyIn := func(here, there map[string]bool, where string) {
		for name := range here {
			table, _, isColumn := strings.Cut(name, ".")
			if !there[name] && (!isColumn || there[table]) { // a missing table's columns go without saying
				kind := "table "
				if isColumn {
					kind = "column "
				}
				diffs = append(diffs, kind+name+" is only in "+where)
			}
		}
	}
	onlyIn(inSQLite, inPostgres, "the SQLite file")
	onlyIn(inPostgres, inSQLite, "PostgreSQL")
	if len(diffs) > 0 {
		sort.Strings(diffs)
		return fmt.Errorf("the two schemas differ, so a copy would lose data: %s", strings.Join(diffs, "; "))
	}
	return nil
}

// lockEmptyTarget keeps anyone else from the target's tables until the commit, and checks, under
// that lock, that they are still empty.
func (c *copier) lockEmptyTarget(ctx context.Context) error {
	if _, err := c.dst.Exec(ctx, `SET LOCAL lock_timeout = '10s'`); err != nil {
		return err
	}
	names := make([]string, 0, len(c.tables))
	for name := range c.tables {
		names = append(names, c.ident(name))
	}
	sort.Strings(names)
	if _, err := c.dst.Exec(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN ACCESS EXCLUSIVE MODE`); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55P03" {
			return errors.New("the PostgreSQL database is in use: stop whatever uses it (a convene serve?) and copy again")
		}
		return err
	}
	var filled []string
	for name := range c.tables {
		var hasRows bool
		if err := c.dst.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+c.ident(name)+`)`).Scan(&hasRows); err != nil {
			return err
		}
		if hasRows {
			filled = append(filled, name)
		}
	}
	if len(filled) > 0 {
		sort.Strings(filled)
		return fmt.Errorf("%w: %s hold rows", ErrTargetNotEmpty, listSome(filled))
	}
	return nil
}

// setTriggers disables or enables the user triggers that were enabled before the copy, by name,
// so that one an administrator had disabled stays so. Altering a table needs its ownership, which
// whoever migrated the schema has; the change is part of the transaction, undone by a rollback.
func (c *copier) setTriggers(ctx context.Context, action string) error {
	for _, t := range c.tables {
		for _, trigger := range t.triggers {
			if _, err := c.dst.Exec(ctx, `ALTER TABLE `+c.ident(t.name)+` `+action+` TRIGGER `+pgx.Identifier{trigger}.Sanitize()); err != nil {
				return fmt.Errorf("%s trigger %s on %s (connect as the user who created the schema): %w", strings.ToLower(action), trigger, t.name, err)
			}
		}
	}
	return nil
}
