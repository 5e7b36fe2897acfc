package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/pressly/goose/v3"
)

// idsLeaveTheDatabase are the tables whose ids live on outside it: in sessions and API tokens
// (users, api_tokens), in calendar UIDs and invitations (calls, events), in links and
// subscriptions (communities, series). A deleted row's id must never name a new row.
var idsLeaveTheDatabase = []string{"users", "api_tokens", "communities", "series", "calls", "events"}

// neverReuseIDs is SQLite's migration 31: a table declared "id INTEGER PRIMARY KEY" gives the
// next row the largest id plus one, so deleting the newest account handed its id, and the
// sessions that carried it, to the next person to sign up. Each table in idsLeaveTheDatabase is
// rebuilt with AUTOINCREMENT, which never reuses an id, following SQLite's procedure for schema
// changes: foreign keys off on one connection, one transaction, indexes and triggers re-created,
// foreign_key_check before commit.
func neverReuseIDs() *goose.Migration {
	return goose.NewGoMigration(31, &goose.GoFunc{RunDB: rebuildWithAutoincrement}, &goose.GoFunc{Mode: goose.TransactionDisabled})
}

var integerPrimaryKey = regexp.MustCompile(`(?i)\bid\s+INTEGER\s+PRIMARY\s+KEY\b`)

func rebuildWithAutoincrement(ctx context.Context, db *sql.DB) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Dropping a parent table with foreign keys on would cascade to its children; legacy renames
	// leave other tables' triggers, which name the table, as they are.
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA legacy_alter_table = ON`); err != nil {
		return err
	}
	defer func() {
		_, err1 := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA legacy_alter_table = OFF`)
		_, err2 := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
		if err == nil && err1 != nil {
			err = err1
		} else if err == nil {
			err = err2
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, table := range idsLeaveTheDatabase {
		if err := rebuildTable(ctx, tx, table); err != nil {
			return fmt.Errorf("rebuild %s: %w", table, err)
		}
	}
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	broken := rows.Next()
	rows.Close()
	if broken {
		return fmt.Errorf("rebuilding tables broke a foreign key")
	}
	return tx.Commit()
}

func rebuildTable(ctx context.Context, tx *sql.Tx, table string) error {
	var create string
	if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&create); err != nil {
		return err
	}
	if strings.Contains(strings.ToUpper(create), "AUTOINCREMENT") {
		return nil
	}
	if !integerPrimaryKey.MatchString(create) {
		return fmt.Errorf("no integer primary key in %q", create)
	}
	rebuilt := table + "_rebuilt"
	head := regexp.MustCompile(`(?i)^CREATE TABLE\s+"?` + regexp.QuoteMeta(table) + `"?\s*\(`)
	if !head.MatchString(create) {
		return fmt.Errorf("unexpected definition %q", create)
	}
	create = head.ReplaceAllString(create, "CREATE TABLE "+rebuilt+" (")
	create = integerPrimaryKey.ReplaceAllString(create, "id INTEGER PRIMARY KEY AUTOINCREMENT")
	var deps []string
	rows, err := tx.QueryContext(ctx, `SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`, table)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		deps = append(deps, s)
	}
	rows.Close()
	for _, stmt := range append([]string{
		create,
		`INSERT INTO ` + rebuilt + ` SELECT * FROM ` + table,
		`DROP TABLE ` + table,
		`ALTER TABLE ` + rebuilt + ` RENAME TO ` + table,
	}, deps...) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%.60s: %w", stmt, err)
		}
	}
	return nil
}
