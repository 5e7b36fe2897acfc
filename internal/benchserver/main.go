// Command benchserver serves what the load test measures: Convene over a SQLite file holding the
// benchmark community, or a bare Go handler that writes a fixed string, the reference measured in
// the same run. It is used by scripts/bench.sh only.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

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
		fmt.Printf("call=/c/%s/calls/%d\n", benchdata.Slug, callID)
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
	fmt.Println("ready")
	log.Fatal((&http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}).ListenAndServe())
}
