package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

const copySummary = `Move an instance from its SQLite file into a new, empty PostgreSQL database: every table, ids
and sequences kept, summaries and waiting mail included, in one transaction. Row counts are
compared table by table before it commits. Stop convene serve first: the SQLite file stays locked
for writing while it is copied, and nothing is written to it unless its schema is older than this
convene's, which is brought up to date first, as convene serve would. A database that already
holds anything is refused, and left as it was.`

// copyCmd runs "convene copy --from FILE --to postgres://…".
func copyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("copy --from FILE --to postgres://…", copySummary, stderr)
	from := fs.String("from", env("CONVENE_DB", ""), "the SQLite file to copy, as serve's --db names it (env CONVENE_DB)")
	// The environment keeps the password off the command line, where ps shows it.
	to := fs.String("to", env("CONVENE_COPY_TO", ""), "postgres:// URL of the new, empty database to copy into (env CONVENE_COPY_TO)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("copy: unexpected %q; name the databases with --from and --to", fs.Args())
	}
	src, dst := strings.TrimSpace(*from), strings.TrimSpace(*to)
	if err := checkCopyFlags(src, dst); err != nil {
		return err
	}
	clock := convene.SystemClock{}
	source, err := store.Open(ctx, src, clock)
	if err != nil {
		return fmt.Errorf("--from %s: %w", src, err)
	}
	defer source.Close()
	target, err := store.Open(ctx, dst, clock)
	if err != nil {
		return fmt.Errorf("--to %s: %w", redact(dst), err)
	}
	defer target.Close()
	before, latest, err := source.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("--from %s: %w", src, err)
	}
	total, err := source.RowCounts(ctx)
	if err != nil {
		return fmt.Errorf("--from %s: %w", src, err)
	}
	fmt.Fprintf(stdout, "Copying %s into %s.\n", src, redact(dst))
	bar := newCopyProgress(stderr, sum(total))
	start := time.Now()
	counts, err := store.CopyToPostgres(ctx, source, target, bar.add)
	bar.finish()
	if errors.Is(err, store.ErrTargetNotEmpty) {
		return fmt.Errorf("%w; nothing was copied or changed. Copy into a new database (createdb, or CREATE DATABASE) or an empty schema", err)
	} else if err != nil {
		return fmt.Errorf("nothing was copied: %w", err)
	}
	if before > 0 && before < latest {
		fmt.Fprintf(stdout, "The SQLite file's schema was at version %d; it was brought up to %d before the copy.\n", before, latest)
	}
	printCounts(stdout, counts)
	fmt.Fprintf(stdout, "Copied in %s. Serve from PostgreSQL with: convene serve --db 'postgres://…' (the --to URL).\n",
		time.Since(start).Round(time.Millisecond))
	return nil
}

// checkCopyFlags refuses, before anything is opened, a --from that is not a SQLite file (opening
// a missing one would create it) and a --to that is not a PostgreSQL URL.
func checkCopyFlags(from, to string) error {
	switch {
	case from == "":
		return errors.New("copy: --from (or CONVENE_DB) is required: the SQLite file to copy, as serve's --db names it")
	case to == "":
		return errors.New("copy: --to (or CONVENE_COPY_TO) is required: the postgres:// URL of a new, empty database")
	case strings.Contains(from, "://"):
		return fmt.Errorf("--from %q: give the SQLite file's path; copy moves a SQLite instance into PostgreSQL", redact(from))
	case !store.IsPostgres(to):
		return fmt.Errorf("--to %q: want the postgres:// URL of a new, empty database", redact(to))
	}
	f, err := os.Open(from)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("--from %s: no such file", from)
	} else if err != nil {
		return fmt.Errorf("--from %s: %w", from, err)
	}
	defer f.Close()
	header := make([]byte, 16)
	if _, err := io.ReadFull(f, header); err != nil || !bytes.Equal(header, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("--from %s is not a SQLite database file", from)
	}
	return nil
}

// printCounts lists the rows of each table, found equal in both databases.
func printCounts(out io.Writer, counts map[string]int64) {
	var tables []string
	for t, n := range counts {
		if n > 0 {
			tables = append(tables, t)
		}
	}
	sort.Strings(tables)
	fmt.Fprintf(out, "Copied %d rows in %d tables; PostgreSQL holds as many as SQLite in each:\n", sum(counts), len(counts))
	for _, t := range tables {
		fmt.Fprintf(out, "  %-24s %9d\n", t, counts[t])
	}
	if empty := len(counts) - len(tables); empty > 0 {
		fmt.Fprintf(out, "  and %d tables empty in both\n", empty)
	}
}

func sum(counts map[string]int64) int64 {
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

// copyProgress shows a copy's progress: a bar naming the table on a terminal, otherwise (logs, CI)
// a line per table copied.
type copyProgress struct {
	bar   *progressbar.ProgressBar
	out   io.Writer
	table string
	rows  int
}

func newCopyProgress(out io.Writer, total int64) *copyProgress {
	p := &copyProgress{out: out}
	if f, ok := out.(*os.File); ok && isTerminal(f) {
		p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(out), progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	}
	return p
}

func (p *copyProgress) add(table string, n int) {
	if table != p.table {
		p.tableDone()
		p.table, p.rows = table, 0
		if p.bar != nil {
			p.bar.Describe(table)
		}
	}
	p.rows += n
	if p.bar != nil {
		_ = p.bar.Add(n)
	}
}

func (p *copyProgress) tableDone() {
	if p.bar == nil && p.table != "" && p.rows > 0 {
		fmt.Fprintf(p.out, "copied %-24s %9d\n", p.table, p.rows)
	}
}

func (p *copyProgress) finish() {
	p.tableDone()
	p.table = ""
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
