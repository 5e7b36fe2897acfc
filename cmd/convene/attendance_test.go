package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func TestAttendanceImportCommand(t *testing.T) {
	if _, errOut, err := runCmd(t, "", "attendance", "import", "--help"); err == nil || !strings.Contains(errOut, "--call") ||
		!strings.Contains(errOut, "CONVENE_DB") || !strings.Contains(errOut, "matched to members") {
		t.Fatalf("--help: %v %q", err, errOut)
	}
	if _, errOut, err := runCmd(t, "", "attendance", "--help"); err != nil || !strings.Contains(errOut, "convene attendance import --call ID") {
		t.Fatalf("attendance --help: %v %q", err, errOut)
	}
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := testdb.DSN(t, engine)
			if _, _, err := runCmd(t, "", "demo", "--db", db); err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(ctx, db, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			c, err := st.CommunityBySlug(ctx, "open-gov-canada")
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			calls, err := st.Calls(ctx, convene.CallFilter{CommunityID: c.ID, To: now, Descending: true, Limit: 20})
			if err == nil {
				err = st.FillRecorded(ctx, calls)
			}
			if err != nil {
				t.Fatal(err)
			}
			var held *convene.Call
			for _, call := range calls { // the latest call that ended with no record kept
				if call.StatusAt(now) == convene.CallHeld && !call.Recorded {
					held = call
					break
				}
			}
			next, err := st.NextCall(ctx, c.ID, now)
			if err != nil || held == nil {
				t.Fatalf("demo calls: %v, %v", held, err)
			}
			at := func(min int) string {
				return held.StartsAt.In(held.Location()).Add(time.Duration(min) * time.Minute).Format("01/02/2006 03:04:05 PM")
			}
			report := filepath.Join(t.TempDir(), "participants.csv")
			csv := "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n" +
				fmt.Sprintf("Laura Chen,laura.chen@example.org,%s,%s,60,No\n", at(0), at(60)) +
				fmt.Sprintf("Tablet (Tara Nakamura),,%s,%s,45,No\n", at(5), at(50)) +
				fmt.Sprintf("Visiting Expert,expert@example.com,%s,%s,30,Yes\n", at(10), at(40))
			if err := os.WriteFile(report, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			id := fmt.Sprint(held.ID)

			// Answering no records nothing.
			out, _, err := runCmd(t, "n\n", "attendance", "import", "--db", db, "--call", id, report)
			if err != nil || !strings.Contains(out, "Laura Chen → Laura Chen, matched by email, 60 min") ||
				!strings.Contains(out, "Tablet (Tara Nakamura) → Tara Nakamura, matched by name") ||
				!strings.Contains(out, "Not matched, to be added as guests (1):\n  Visiting Expert, 30 min") || !strings.Contains(out, "Nothing recorded.") {
				t.Fatalf("preview: %v\n%s", err, out)
			}
			if n, _ := st.AttendanceCount(ctx, held.ID); n != 0 {
				t.Fatalf("answering no stored %d records", n)
			}
			// y records members and the guest, with progress on stderr; flags may follow the file.
			out, errOut, err := runCmd(t, "y\n", "attendance", "import", "--db", db, report, "--call", id, "--zone", "America/Toronto")
			if err != nil || !strings.Contains(out, "3 recorded, 0 already there.") || !strings.Contains(errOut, "recording attendance: 3 of 3") {
				t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
			}
			list, err := st.CallAttendance(ctx, held.ID)
			if err != nil || len(list) != 3 {
				t.Fatalf("records: %+v, %v", list, err)
			}
			guests := 0
			for _, a := range list {
				if a.UserID == 0 && a.GuestName == "Visiting Expert" && a.Minutes == 30 {
					guests++
				}
			}
			if guests != 1 {
				t.Fatalf("no guest among %+v", list)
			}
			// Again, with --yes: nothing changes.
			out, _, err = runCmd(t, "", "attendance", "import", "--db", db, "--call", id, "--yes", report)
			if err != nil || !strings.Contains(out, "0 recorded, 3 already there.") {
				t.Fatalf("re-import: %v\n%s", err, out)
			}

			// Bad input: clear errors.
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--call", id, filepath.Join("..", "..", "testdata", "participants", "other-tool.csv")}, "not a participant report we can read"},
				{[]string{"--call", fmt.Sprint(next.ID), report}, "Attendance is recorded once the call has been held"},
				{[]string{report}, "--call is required"},
				{[]string{"--call", id, "--zone", "Mars/Olympus", report}, `--zone "Mars/Olympus"`},
				{[]string{"--call", "999999", report}, "call 999999"},
			} {
				_, _, err := runCmd(t, "", append([]string{"attendance", "import", "--db", db, "--yes"}, tc.args...)...)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
				}
			}
			empty := filepath.Join(t.TempDir(), "empty.csv")
			os.WriteFile(empty, nil, 0o600)
			if _, _, err := runCmd(t, "", "attendance", "import", "--db", db, "--yes", "--call", id, empty); err == nil ||
				!strings.Contains(err.Error(), "The participant report is empty.") {
				t.Errorf("empty file: %v", err)
			}
		})
	}
}
