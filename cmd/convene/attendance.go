package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
	"github.com/opengovcall/convene/web"
)

const attendanceUsage = `Usage: convene attendance import --call ID [--zone ZONE] [--yes] FILE

Record who attended a held call from the video provider's participant report (Zoom's
participants CSV, in any of its layouts). Participants are matched to members of the call's
community by email, then by name; the others are added as guests. The preview is printed first,
and nothing is recorded until you answer y (or give --yes). Importing the same report again
changes nothing.
`

// attendance runs "convene attendance import".
func attendance(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, attendanceUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("attendance: the only subcommand is import")
	}
	fs := newFlagSet("attendance import --call ID FILE", strings.TrimSpace(strings.SplitN(attendanceUsage, "\n\n", 2)[1]), stderr)
	db := dbFlag(fs)
	callID := fs.Int64("call", 0, "id of the held call the report is for (required)")
	zone := fs.String("zone", env("CONVENE_ZONE", ""), "time zone the report's times are written in, e.g. America/Toronto; default the call's (env CONVENE_ZONE)")
	yes := fs.Bool("yes", false, "record without asking")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	file := fs.Arg(0)
	if fs.NArg() > 1 { // flags after the file
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("attendance import: one report at a time, not %q", fs.Args())
		}
	}
	if *callID <= 0 {
		return errors.New("attendance import: --call is required: the id of the held call (as in /c/SLUG/calls/ID)")
	}
	if file == "" {
		return errors.New("attendance import: name the participant report (a CSV file)")
	}
	catalog, err := web.NewCatalog()
	if err != nil {
		return err
	}
	l := catalog.Localizer("en")
	clock := convene.SystemClock{}
	st, err := openStore(ctx, *db, clock)
	if err != nil {
		return err
	}
	defer st.Close()
	call, err := st.CallByID(ctx, *callID)
	if err != nil {
		return fmt.Errorf("call %d: %s", *callID, l.Err(err))
	}
	if call.StatusAt(clock.Now()) != convene.CallHeld {
		return fmt.Errorf("call %d: %s", call.ID, l.T("attendance.not_held"))
	}
	loc := call.Location()
	if *zone != "" {
		if loc, err = convene.LoadZone(*zone); err != nil || !convene.ValidZone(*zone) {
			return fmt.Errorf("--zone %q: not a time zone, e.g. America/Toronto", *zone)
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	rep, err := convene.ParseParticipantReport(f, loc)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %s", file, l.Err(err))
	}
	matches, err := st.MatchParticipants(ctx, call.CommunityID, rep.Participants)
	if err != nil {
		return err
	}
	records, err := store.ReportAttendance(rep.Participants, matches, func(int) (string, error) { return store.ChoiceGuest, nil })
	if err != nil {
		return err
	}
	printPreview(stdout, call, rep, matches)
	if !*yes {
		fmt.Fprintf(stdout, "Record %d people for this call? [y/N] ", len(records))
		answer, _ := readLine(stdin)
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(stdout, "Nothing recorded.")
			return nil
		}
	}
	bar := newProgress(stderr, "recording attendance", len(records))
	res, err := st.RecordAttendanceProgress(ctx, call.ID, records, bar.add)
	bar.finish()
	if err != nil {
		return fmt.Errorf("%s", l.Err(err))
	}
	fmt.Fprintln(stdout, l.T("attendance.result", "Added", res.Added, "Kept", res.AlreadyThere))
	return nil
}

// printPreview shows what an import would record: the meeting, the matched participants and the guests.
func printPreview(out io.Writer, call *convene.Call, rep *convene.ParticipantReport, matches []store.ParticipantMatch) {
	loc := call.Location()
	callDay := call.StartsAt.In(loc).Format("2006-01-02")
	fmt.Fprintf(out, "Call %d: %s, %s\n", call.ID, call.DisplayTitle(), call.StartsAt.In(loc).Format("2006-01-02 15:04 MST"))
	if rep.Topic != "" {
		fmt.Fprintf(out, "Report: %s\n", rep.Topic)
	}
	start := rep.StartsAt
	for _, p := range rep.Participants {
		if start.IsZero() || (!p.FirstJoin.IsZero() && p.FirstJoin.Before(start)) {
			start = p.FirstJoin
		}
	}
	if !start.IsZero() && start.In(loc).Format("2006-01-02") != callDay {
		fmt.Fprintf(out, "Warning: the report is for a meeting on %s, but the call was on %s.\n", start.In(loc).Format("2006-01-02"), callDay)
	}
	fmt.Fprintf(out, "%d rows, %d people once rejoins are merged.\n", rep.Rows, len(rep.Participants))
	var matched, guests []string
	for i, p := range rep.Participants {
		name := p.Name
		if p.OriginalName != "" {
			name += " (" + p.OriginalName + ")"
		}
		if name == "" {
			name = p.Email
		}
		m := matches[i]
		switch m.By {
		case store.MatchEmail:
			matched = append(matched, fmt.Sprintf("  %s → %s, matched by email, %d min", name, m.UserName, p.Minutes))
		case store.MatchName, store.MatchOriginalName:
			matched = append(matched, fmt.Sprintf("  %s → %s, matched by name, %d min", name, m.UserName, p.Minutes))
		default:
			guests = append(guests, fmt.Sprintf("  %s, %d min", name, p.Minutes))
		}
	}
	fmt.Fprintf(out, "Matched to members (%d):\n", len(matched))
	printSome(out, matched)
	fmt.Fprintf(out, "Not matched, to be added as guests (%d):\n", len(guests))
	printSome(out, guests)
}

// printSome prints up to fifty lines of a list, then how many more there are.
func printSome(out io.Writer, lines []string) {
	const most = 50
	for i, line := range lines {
		if i == most {
			fmt.Fprintf(out, "  … and %d more\n", len(lines)-most)
			break
		}
		fmt.Fprintln(out, line)
	}
}
