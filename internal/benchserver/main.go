// Command benchserver serves what the load test measures: Convene over a SQLite file (or a
// PostgreSQL database, with -postgres) holding the benchmark community, or a bare Go handler that
// writes a fixed string, the reference measured in the same run. Before "ready" it prints what the
// load test asks for: the middle call's and its series' paths, the session cookies of a signed-in
// organizer and of a member registered for that call, and the organizer's API token. It is used by
// scripts/bench.sh only.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/benchdata"
	"github.com/opengovcall/convene/internal/logbuf"
	"github.com/opengovcall/convene/metrics"
	"github.com/opengovcall/convene/store"
	"github.com/opengovcall/convene/web"
)

func main() {
	mode := flag.String("mode", "convene", "convene or bare")
	addr := flag.String("addr", "127.0.0.1:18090", "address to listen on")
	dir := flag.String("dir", os.TempDir(), "folder for the SQLite file")
	cache := flag.Duration("page-cache", 2*time.Second, "page cache interval, as convene serve's --page-cache")
	pg := flag.String("postgres", "", "a PostgreSQL server's URL: the benchmark database convene_bench is made afresh there instead of a SQLite file")
	pprofAddr := flag.String("pprof", "", "address to serve net/http/pprof on while the load runs (e.g. 127.0.0.1:6060), to profile a case")
	observe := flag.Bool("observe", false, "count requests in the metrics and write an access line per request to DIR/access.log, as convene serve does; otherwise neither")
	flag.Parse()
	var h http.Handler
	switch *mode {
	case "bare":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello, convene\n") })
	case "convene":
		ctx := context.Background()
		db := filepath.Join(*dir, "bench.db")
		os.Remove(db)
		if *pg != "" {
			var err error
			if db, err = freshPostgres(ctx, *pg, "convene_bench"); err != nil {
				log.Fatal(err)
			}
		}
		clock := convene.FixedClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
		st, err := store.Open(ctx, db, clock)
		if err != nil {
			log.Fatal(err)
		}
		if err := st.Migrate(ctx); err != nil {
			log.Fatal(err)
		}
		callID, err := benchdata.Load(ctx, st)
		if err != nil {
			log.Fatal(err)
		}
		people, err := benchdata.AddViewers(ctx, st, callID)
		if err != nil {
			log.Fatal(err)
		}
		cfg := web.Config{BaseURL: "http://" + *addr, Clock: clock, PageCacheTTL: *cache,
			Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))}
		if *observe {
			f, err := os.Create(filepath.Join(*dir, "access.log"))
			if err != nil {
				log.Fatal(err)
			}
			cfg.AccessLog = web.NewAccessLog(logbuf.New(f, 200*time.Millisecond), "text") // as convene serve writes them
			cfg.Metrics = metrics.New(st, metrics.Build{Version: "bench"})
		}
		srv, err := web.New(st, cfg)
		if err != nil {
			log.Fatal(err)
		}
		h = srv
		call, err := st.CallByID(ctx, callID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("call=/c/%s/calls/%d\nseries=/c/%s/series/%d\ntoken=%s\n", benchdata.Slug, callID, benchdata.Slug, call.SeriesID, people.Token)
		for name, u := range map[string]*convene.User{"organizer": people.Organizer, "member": people.Member} {
			ck, err := benchdata.SignIn(srv, cfg.BaseURL, u)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%s_cookie=%s=%s\n", name, ck.Name, ck.Value)
		}
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
	if *pprofAddr != "" {
		go func() { log.Println(http.ListenAndServe(*pprofAddr, nil)) }() // the default mux holds net/http/pprof
	}
	fmt.Println("ready")
	log.Fatal((&http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}).ListenAndServe())
}

// freshPostgres drops and creates database name on the server at serverURL and returns its URL.
func freshPostgres(ctx context.Context, serverURL, name string) (string, error) {
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", err
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
