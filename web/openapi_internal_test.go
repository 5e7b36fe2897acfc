package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
)

// openAPIMethods are the operations a path item may hold.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// TestOpenAPICoversRoutes holds the description to the server: every API route is described with
// its method and path, and nothing else is.
func TestOpenAPICoversRoutes(t *testing.T) {
	st := testdb.Open(t, "sqlite", convene.FixedClock(time.Date(2019, 10, 30, 15, 0, 0, 0, time.UTC)))
	s, err := New(st, Config{BaseURL: "http://convene.test"})
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, pattern := range s.apiRoutes {
		if pattern == "/api/" {
			continue // the catch-all that answers 404 to unknown endpoints
		}
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || method == "" || !strings.HasPrefix(path, "/") {
			t.Errorf("API route %q has no method: every endpoint should name one", pattern)
			continue
		}
		// The description writes {name} for Go's {name} and {name...}; {$} only anchors the end.
		path = strings.ReplaceAll(strings.ReplaceAll(path, "...}", "}"), "{$}", "")
		served[method+" "+path] = true
	}
	described := map[string]bool{}
	for path, item := range openAPIPaths(t) {
		for _, method := range openAPIMethods {
			if _, ok := item[method]; ok {
				described[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	for _, route := range sortedKeys(served) {
		if !described[route] {
			t.Errorf("%s is served but not described in web/openapi.json", route)
		}
	}
	for _, route := range sortedKeys(described) {
		if !served[route] {
			t.Errorf("%s is described in web/openapi.json but not served", route)
		}
	}
	if len(served) == 0 {
		t.Fatal("the server registered no API route")
	}
}

// TestOpenAPIDocumentIsValid checks the description with a third-party OpenAPI 3.1 validator, and
// the few facts clients rely on.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Title   string `json:"title"`
			Version string `json:"version"`
		} `json:"info"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("web/openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") || doc.Info.Title != "Convene API" || doc.Info.Version != "1" ||
		len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Errorf("openapi %q, title %q, version %q, servers %+v; want 3.1.x, Convene API, 1, [/]", doc.OpenAPI, doc.Info.Title, doc.Info.Version, doc.Servers)
	}
	file, err := filepath.Abs("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := OpenAPICheck(t, "validate", file); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// OpenAPICheck runs scripts/openapicheck/check.mjs with args and returns what it prints: swagger-parser
// and Ajv, installed by the test command into .tools. Exported for the web_test package's response
// tests. Without node or the packages it skips the test, or fails it in CI.
func OpenAPICheck(t testing.TB, args ...string) ([]byte, error) {
	t.Helper()
	modules, _ := filepath.Abs(filepath.Join("..", ".tools", "node_modules"))
	var missing error
	for _, f := range []string{"@apidevtools/swagger-parser/lib/index.js", "ajv/dist/2020.js", "ajv-formats/dist/index.js"} {
		if _, err := os.Stat(filepath.Join(modules, f)); err != nil && missing == nil {
			missing = err
		}
	}
	if missing == nil {
		if err := exec.Command("node", "--version").Run(); err != nil {
			missing = fmt.Errorf("node: %w", err)
		}
	}
	if missing != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("swagger-parser, ajv, ajv-formats or node is missing (%v); the test command installs them into .tools", missing)
		}
		t.Skip("SKIPPING OpenAPI validation: npm install --prefix .tools @apidevtools/swagger-parser ajv ajv-formats")
	}
	cmd := exec.Command("node", append([]string{filepath.Join("..", "scripts", "openapicheck", "check.mjs")}, args...)...)
	cmd.Env = append(os.Environ(), "OPENAPI_NODE_MODULES="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && stderr.Len() > 0 {
		err = fmt.Errorf("%w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, err
}

// openAPIPaths reads the description's paths, each with its operations by lower-case method.
func openAPIPaths(t testing.TB) map[string]map[string]json.RawMessage {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("web/openapi.json is not JSON: %v", err)
	}
	return doc.Paths
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
