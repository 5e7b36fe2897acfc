package web_test

import (
	"context"
	"net/http"
	"testing"
)

// /readyz says ready only when the database answers with this binary's schema and the background
// jobs have run recently; /healthz only says the process is alive.
func TestReadiness(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c := a.client()
		r := c.get("/readyz")
		wantStatus(t, r, http.StatusServiceUnavailable)
		mustContain(t, r.body, "background jobs: not run in the last 2m0s")
		wantStatus(t, c.get("/healthz"), http.StatusOK)
		if _, err := a.server.RunJobsOnce(ctx); err != nil {
			t.Fatal(err)
		}
		r = c.get("/readyz")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "ready")
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}

		// A binary newer than its schema is not ready until the schema is brought up to date.
		var version int64
		if err := a.store.DB().QueryRow(`SELECT MAX(version_id) FROM goose_db_version`).Scan(&version); err != nil {
			t.Fatal(err)
		}
		if err := a.store.MigrateDown(ctx, version-1); err != nil {
			t.Fatal(err)
		}
		r = c.get("/readyz")
		wantStatus(t, r, http.StatusServiceUnavailable)
		mustContain(t, r.body, "schema not up to date (run convene migrate)")
		if err := a.store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.get("/readyz"), http.StatusOK)
	})
}
