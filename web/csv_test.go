package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

// readCSVWithPython reads a CSV export as Python's csv module does after opening it as
// "utf-8-sig", the way a script or a spreadsheet's import reads it.
func readCSVWithPython(t *testing.T, body string) [][]string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "export.csv")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("python3", "-c", `import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    print(json.dumps(list(csv.reader(f, strict=True))))`, file).CombinedOutput()
	if err != nil {
		t.Fatalf("python3 csv: %v\n%s", err, out)
	}
	var rows [][]string
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return rows
}

// The registrations export opens right in a spreadsheet: a byte-order mark for accents, CRLF line
// ends, and no cell (an email, a question's label, an answer) that a spreadsheet would run as a formula.
func TestRegistrationsCSVIsSafeAndOpensInExcel(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		call, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		q := &convene.Question{SeriesID: call.SeriesID, Kind: convene.QuestionText, Label: `=HYPERLINK("http://evil.example","Click")`}
		if err := a.store.AddQuestion(ctx, a.demo.Community.ID, q); err != nil {
			t.Fatal(err)
		}
		u := &convene.User{Email: "=1+2@example.net", Name: "Éloïse Tremblay", Organization: "Université Laval", Confirmed: true}
		if err := a.store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.Register(ctx, call.ID, u.ID, map[string]string{fmt.Sprint(q.ID): "@SUM(1+1)"}); err != nil {
			t.Fatal(err)
		}
		org := a.client()
		org.signIn()
		r := org.get(fmt.Sprintf("/c/open-gov-canada/calls/%d/registrations.csv", call.ID))
		wantStatus(t, r, 200)
		if !strings.HasPrefix(r.body, "\uFEFF") || !strings.Contains(r.body, "\r\n") || strings.Count(r.body, "\n") != strings.Count(r.body, "\r\n") {
			t.Fatalf("export is not BOM-prefixed with CRLF line ends: %q", r.body[:min(len(r.body), 200)])
		}
		rows := readCSVWithPython(t, r.body)
		head := rows[0]
		if head[0] != "Name" || head[len(head)-1] != `'=HYPERLINK("http://evil.example","Click")` {
			t.Fatalf("header: %q", head)
		}
		var found []string
		for _, row := range rows[1:] {
			if row[0] == "Éloïse Tremblay" {
				found = row
			}
		}
		if found == nil || found[1] != "'=1+2@example.net" || found[2] != "Université Laval" || found[len(found)-1] != "'@SUM(1+1)" {
			t.Fatalf("row: %q", found)
		}
	})
}
