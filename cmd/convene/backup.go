package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/opengovcall/convene/store"
)

const backupSummary = `Copy the database to FILE while the server keeps running. FILE must not exist yet.
  SQLite: a consistent snapshot (VACUUM INTO), checked with SQLite's integrity check.
  PostgreSQL: pg_dump's custom format, read back with pg_restore; needs pg_dump
  (apt-get install postgresql-client) no older than the server.
The backup holds personal data and password hashes: only you can read it (mode 0600).`

const restoreSummary = `Bring a backup made by convene backup into the database --db names, then bring its
schema up to date. A SQLite backup restores into a SQLite file, a PostgreSQL one into a
postgres:// URL (with pg_restore, from postgresql-client). The database must be empty:
restore refuses one that holds tables unless given --force. Stop the server first.`

// backupCmd runs "convene backup": it copies the database to a new file and checks the copy
// before it takes the file's name, so FILE is either a whole backup or absent.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("backup --db DB FILE", backupSummary, stderr)
	db := dbFlag(flags)
	file, err := fileArg(flags, args, "backup")
	if err != nil {
		return err
	}
	dsn, err := checkDSN(*db)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s already exists: backup never overwrites a file; name a new one, or move the old one away first", file)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	start := time.Now()
	var version int64
	var checked string
	if store.IsPostgres(dsn) {
		version, err = backupPostgres(ctx, dsn, file)
		checked = "pg_restore reads it back whole"
	} else {
		version, err = backupSQLite(ctx, dsn, file)
		checked = "SQLite's integrity check says ok"
	}
	if err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	engine := "SQLite"
	if store.IsPostgres(dsn) {
		engine = "PostgreSQL"
	}
	fmt.Fprintf(stdout, "Backed up the %s database %s to %s: %s at schema version %d, in %s; %s.\n",
		engine, redact(dsn), file, byteSize(info.Size()), version, time.Since(start).Round(time.Millisecond), checked)
	return nil
}

// backupSQLite snapshots a SQLite database into a file beside FILE, checks it and names it FILE.
func backupSQLite(ctx context.Context, dsn, file string) (int64, error) {
	if _, err := os.Stat(dsn); err != nil {
		return 0, fmt.Errorf("--db %s: there is no SQLite database there to back up", dsn)
	}
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return 0, fmt.Errorf("database %s: %w", dsn, err)
	}
	defer st.Close()
	if _, err := st.BackedUpVersion(ctx); err != nil {
		return 0, fmt.Errorf("--db %s: %w; nothing to back up", dsn, err)
	}
	tmp, err := tempBeside(file)
	if err != nil {
		return 0, err
	}
	defer removeSQLite(tmp)
	if err := st.BackupSQLite(ctx, tmp); err != nil {
		return 0, err
	}
	version, err := store.CheckSQLiteCopy(ctx, tmp)
	if err != nil {
		return 0, fmt.Errorf("the copy failed its check, so no backup was written: %w", err)
	}
	return version, placeNew(tmp, file)
}

// backupPostgres runs pg_dump into a file beside FILE, reads it back with pg_restore and names it FILE.
func backupPostgres(ctx context.Context, dsn, file string) (int64, error) {
	client, err := store.NewPGClient(dsn)
	if err != nil {
		return 0, err
	}
	tool, err := store.PGToolVersion(ctx, "pg_dump")
	if err != nil {
		return 0, err
	}
	if _, err := store.PGToolVersion(ctx, "pg_restore"); err != nil {
		return 0, err // needed to check the dump: better said before the dump than after
	}
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return 0, fmt.Errorf("database %s: %w", redact(dsn), err)
	}
	defer st.Close()
	version, err := st.BackedUpVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("--db %s: %w; nothing to back up", redact(dsn), err)
	}
	server, err := st.ServerMajorVersion(ctx)
	if err != nil {
		return 0, err
	}
	if tool < server {
		return 0, fmt.Errorf("pg_dump is from PostgreSQL %d, but the server runs PostgreSQL %d, and pg_dump cannot back up a newer server: "+
			"install pg_dump %d or newer (apt-get install postgresql-client-%d) and put it first on PATH", tool, server, server, server)
	}
	schema, err := st.Schema(ctx)
	if err != nil {
		return 0, err
	}
	tmp, err := tempBeside(file)
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp)
	if err := client.Dump(ctx, schema, tmp); err != nil {
		return 0, fmt.Errorf("pg_dump failed, so no backup was written: %w", err)
	}
	if _, err := store.CheckArchive(ctx, tmp); err != nil {
		return 0, fmt.Errorf("what pg_dump wrote does not read back, so no backup was written: %w", err)
	}
	return version, placeNew(tmp, file)
}

// restoreCmd runs "convene restore": it checks the backup whole before it touches the database,
// and refuses a database that holds tables unless told --force.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("restore --db DB FILE", restoreSummary, stderr)
	db := dbFlag(flags)
	force := flags.Bool("force", false, "replace what the database holds (stop the server first)")
	file, err := fileArg(flags, args, "restore")
	if err != nil {
		return err
	}
	dsn, err := checkDSN(*db)
	if err != nil {
		return err
	}
	kind, err := backupKind(file)
	if err != nil {
		return err
	}
	switch {
	case kind == "":
		return fmt.Errorf("%s is not a Convene backup: it is neither a SQLite database nor a pg_dump archive (custom format); nothing was restored", file)
	case kind == "sqlite" && store.IsPostgres(dsn):
		return fmt.Errorf("%s is a SQLite backup, so it restores into a SQLite --db file, not into PostgreSQL; "+
			"to move a SQLite instance to PostgreSQL, restore it into a file and use convene copy", file)
	case kind == "postgres" && !store.IsPostgres(dsn):
		return fmt.Errorf("%s is a PostgreSQL backup (pg_dump), so it restores into a postgres:// --db, not into a SQLite file", file)
	}
	start := time.Now()
	var version int64
	if kind == "postgres" {
		version, err = restorePostgres(ctx, file, dsn, *force)
	} else {
		version, err = restoreSQLite(ctx, file, dsn, *force)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s into %s in %s; its schema is at version %d.\n", file, redact(dsn), time.Since(start).Round(time.Millisecond), version)
	return nil
}

// restoreSQLite checks a copy of the backup beside the target, migrates the copy, then puts it in
// the target's place in one rename: the target is the old database or the new one, never half.
func restoreSQLite(ctx context.Context, file, target string, force bool) (int64, error) {
	tables, err := store.SQLiteTableCount(ctx, target)
	if err != nil && !force {
		return 0, fmt.Errorf("--db %s: %v; restore will not overwrite it (give --force to replace it)", target, err)
	} else if tables > 0 && !force {
		return 0, fmt.Errorf("--db %s already holds a database (%d tables); restore will not overwrite it: "+
			"give --force to replace it, after stopping the server", target, tables)
	}
	tmp, err := tempBeside(target)
	if err != nil {
		return 0, err
	}
	defer removeSQLite(tmp)
	if err := copyInto(tmp, file); err != nil {
		return 0, err
	}
	if _, err := store.CheckSQLiteCopy(ctx, tmp); errors.Is(err, store.ErrNoSchema) {
		return 0, fmt.Errorf("%s is a SQLite database but not a Convene backup: %w; nothing was restored", file, err)
	} else if err != nil {
		return 0, fmt.Errorf("%s is not a complete Convene backup: %w; nothing was restored", file, err)
	}
	version, err := migrateRestored(ctx, tmp)
	if err != nil {
		return 0, err
	}
	if tables > 0 { // the old database may keep its latest writes in its log: fold them in before the log goes
		if err := store.CheckpointSQLite(ctx, target); err != nil {
			return 0, fmt.Errorf("--db %s: %w; nothing was restored", target, err)
		}
	}
	for _, stale := range []string{target + "-wal", target + "-shm"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, err
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return 0, err
	}
	return version, syncDir(target)
}

// migrateRestored brings a restored SQLite file's schema up to date and leaves it whole in its
// file, with no log beside it.
func migrateRestored(ctx context.Context, path string) (int64, error) {
	st, err := store.Open(ctx, path, nil)
	if err != nil {
		return 0, err
	}
	var version int64
	err = st.Migrate(ctx)
	if err == nil {
		version, err = st.BackedUpVersion(ctx)
	}
	if closeErr := st.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return 0, fmt.Errorf("bringing the backup's schema up to date failed, so nothing was restored: %w", err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil { // closing the last connection should have folded it in
		return version, store.CheckpointSQLite(ctx, path)
	}
	return version, nil
}

// restorePostgres checks the archive, then restores it in one transaction: if that fails, the
// database is as it was.
func restorePostgres(ctx context.Context, file, dsn string, force bool) (int64, error) {
	client, err := store.NewPGClient(dsn)
	if err != nil {
		return 0, err
	}
	archive, err := store.CheckArchive(ctx, file)
	var tool *store.ToolError
	switch {
	case errors.As(err, &tool):
		return 0, err
	case errors.Is(err, store.ErrNoSchema):
		return 0, fmt.Errorf("%s is a pg_dump archive but not a Convene backup: %w; nothing was restored", file, err)
	case err != nil:
		return 0, fmt.Errorf("%s is not a complete Convene backup: %w; nothing was restored", file, err)
	}
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return 0, fmt.Errorf("database %s: %w", redact(dsn), err)
	}
	defer st.Close()
	schema, err := st.Schema(ctx)
	if err != nil {
		return 0, err
	}
	if schema != archive.Schema {
		want := "a URL without search_path"
		if archive.Schema != "public" {
			want = "a URL with search_path=" + archive.Schema
		}
		return 0, fmt.Errorf("%s holds Convene's tables in the schema %q, but --db %s keeps them in %q: restore into %s; nothing was restored",
			file, archive.Schema, redact(dsn), schema, want)
	}
	tables, err := st.Tables(ctx)
	if err != nil {
		return 0, err
	}
	if len(tables) > 0 && !force {
		return 0, fmt.Errorf("--db %s already holds %d tables in the schema %q; restore will not overwrite them: "+
			"give --force to replace them, after stopping the server", redact(dsn), len(tables), schema)
	}
	// pg_restore --clean replaces the tables the backup holds, and would leave others (a newer
	// version's, say) to clash with the schema the restore brings back.
	var strays []string
	for _, t := range tables {
		if !slices.Contains(archive.Tables, t) {
			strays = append(strays, t)
		}
	}
	if len(strays) > 0 {
		return 0, fmt.Errorf("--db %s holds tables the backup does not (%s), perhaps from a newer Convene, which the restored schema "+
			"would clash with: restore into an empty database, or drop them first; nothing was restored", redact(dsn), strings.Join(strays, ", "))
	}
	if err := client.Restore(ctx, file); err != nil {
		return 0, fmt.Errorf("pg_restore failed and was rolled back, so the database is as it was: %w", err)
	}
	if err := st.Migrate(ctx); err != nil {
		return 0, fmt.Errorf("the backup was restored, but bringing its schema up to date failed: %w", err)
	}
	return st.BackedUpVersion(ctx)
}

// fileArg parses a command's flags and its one FILE, which may come before the flags or after them.
func fileArg(flags *flag.FlagSet, args []string, command string) (string, error) {
	if err := flags.Parse(args); err != nil {
		return "", err
	}
	file := flags.Arg(0)
	if flags.NArg() > 1 {
		if err := flags.Parse(flags.Args()[1:]); err != nil {
			return "", err
		}
		if flags.NArg() > 0 {
			return "", fmt.Errorf("%s: one FILE, not also %q", command, flags.Args())
		}
	}
	if file == "" {
		return "", fmt.Errorf("%s: name the backup FILE, as in convene %s --db convene.db convene-2026-05-01.backup", command, command)
	}
	return file, nil
}

// checkDSN explains a --db that names no database Convene can use; openStore does the same
// before it migrates, which backup and restore must not do to the database they are given.
func checkDSN(dsn string) (string, error) {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return "", errors.New("--db is empty: give a SQLite file path or a postgres:// URL")
	}
	if strings.Contains(dsn, "://") && !store.IsPostgres(dsn) {
		return "", fmt.Errorf("--db %q: only SQLite file paths and postgres:// URLs are supported", redact(dsn))
	}
	return dsn, nil
}

// backupKind tells a SQLite database file ("sqlite") from a pg_dump custom-format archive
// ("postgres") by their first bytes; "" is neither.
func backupKind(file string) (string, error) {
	if ok, err := store.IsSQLiteFile(file); err != nil {
		return "", err
	} else if ok {
		return "sqlite", nil
	}
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 5)
	if _, err := io.ReadFull(f, head); err == nil && string(head) == "PGDMP" {
		return "postgres", nil
	}
	return "", nil
}

// tempBeside creates an empty file, readable only by its owner, in the folder of path: a copy is
// written there and renamed into place, which is atomic only within one file system.
func tempBeside(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// placeNew gives a finished copy its name, unless a file of that name appeared meanwhile.
func placeNew(tmp, file string) error {
	if err := syncFile(tmp); err != nil {
		return err
	}
	err := os.Link(tmp, file)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s appeared while the backup was made, and backup never overwrites a file; the copy was not kept", file)
	} else if err != nil { // a file system without hard links
		if _, statErr := os.Lstat(file); statErr == nil {
			return fmt.Errorf("%s appeared while the backup was made, and backup never overwrites a file; the copy was not kept", file)
		}
		if err := os.Rename(tmp, file); err != nil {
			return err
		}
	}
	return syncDir(file)
}

// copyInto copies src into the existing file dst, and syncs it.
func copyInto(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes a rename in path's folder survive a crash.
func syncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs folders; the rename is done either way
	return nil
}

// removeSQLite removes a SQLite file this command made, with the log files beside it.
func removeSQLite(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		_ = os.Remove(p)
	}
}

// byteSize writes a file size for people: 845 B, 12.3 kB, 1.2 MB.
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	size, prefix := float64(n)/unit, 0
	for size >= unit && prefix < 3 {
		size /= unit
		prefix++
	}
	return fmt.Sprintf("%.1f %cB", size, "kMGT"[prefix])
}
