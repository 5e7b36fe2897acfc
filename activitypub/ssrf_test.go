package activitypub

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// TestDefaultsReachOnlyPublicHTTPS: by default federation fetches nothing over http, and nothing
// on loopback or a private network even over https, so a remote actor naming such a key cannot
// make this server call its own network; --federation-allow-http lifts both for a test network.
func TestDefaultsReachOnlyPublicHTTPS(t *testing.T) {
	var hits atomic.Int64
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", ContentType)
		_, _ = w.Write([]byte(`{"id":"` + "http://" + r.Host + r.URL.Path + `","type":"Group","inbox":"http://` + r.Host + `/inbox"}`))
	}))
	defer local.Close()
	tls := httptest.NewTLSServer(local.Config.Handler)
	defer tls.Close()
	testdb.Each(t, convene.FixedClock(time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC)), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		hits.Store(0)
		f := New(s, "https://calls.example.ca", convene.FixedClock(time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC)), slog.Default())
		for _, target := range []string{local.URL + "/actor", tls.URL + "/actor", "https://localhost:1/actor", "https://10.0.0.1/actor"} {
			if _, err := f.Actor(ctx, target, true); err == nil {
				t.Errorf("fetched %s by default", target)
			} else if !strings.Contains(err.Error(), "does not reach") {
				t.Errorf("%s: %v", target, err)
			}
		}
		if hits.Load() != 0 {
			t.Fatalf("%d requests reached the local servers", hits.Load())
		}
		f.AllowHTTP = true
		if _, err := f.Actor(ctx, local.URL+"/actor", true); err != nil || hits.Load() != 1 {
			t.Fatalf("allowed on a test network: %v (%d requests)", err, hits.Load())
		}
	})
}
