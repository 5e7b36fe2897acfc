package convene

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Layouts of a participant report that ParseParticipantReport recognizes.
const (
	ParticipantLayoutJoins  = "joins"  // one row per join, with join and leave times
	ParticipantLayoutUnique = "unique" // one row per person, with a total duration
)

// MaxParticipantRows is the most data rows a participant report may hold.
const MaxParticipantRows = 100_000

const (
	maxParticipantReportBytes = 64 << 20 // far more than any export of MaxParticipantRows rows
	maxParticipantRowMinutes  = 10_000   // about a week; Zoom ends meetings after 30 hours
	maxRecordsBeforeHeader    = 20       // Zoom puts the participant header on line 1 or 4
)

// ParticipantReport is what a participant export says about one meeting.
type ParticipantReport struct {
	MeetingID    string    // digits only, "" when the file has no summary block
	Topic        string    // from the summary block
	StartsAt     time.Time // from the summary block, zero when absent
	EndsAt       time.Time // from the summary block, zero when absent
	Layout       string    // ParticipantLayoutJoins or ParticipantLayoutUnique
	Rows         int       // data rows read
	Participants []Participant
}

// Participant is one person in a participant report, with their rejoins merged.
type Participant struct {
	Name         string // display name without the "(original name)" part
	OriginalName string // the name in the last parentheses, "" if none
	Email        string // lower-cased, "" if none
	Minutes      int    // summed over rejoins
	Joins        int
	Guest        bool
	FirstJoin    time.Time // earliest join; zero in the unique-users layout
	LastLeave    time.Time // latest leave; zero in the unique-users layout
}

// participantColumns holds the index of each column the parser reads, or -1 when the header lacks it.
type participantColumns struct {
	name, email, join, leave, duration, guest int
}

// reportRow is a data row kept until the whole file has been seen, because the date order is the file's.
type reportRow struct {
	line  int
	cells []string
}

// reportScan gathers the rows of a participant report as they are read.
type reportScan struct {
	records int // non-blank records read
	summary map[string]int
	sumRow  *reportRow
	cols    *participantColumns
	layout  string
	rows    []reportRow
}

// ParseParticipantReport reads a Zoom participants CSV export whose times are in loc (UTC when nil).
// It returns an EINVALID *Error, and no report, when the file is empty, unrecognized, too long,
// lists nobody, or has a row with an unreadable time or duration.
func ParseParticipantReport(r io.Reader, loc *time.Location) (*ParticipantReport, error) {
	if loc == nil {
		loc = time.UTC
	}
	limited := &io.LimitedReader{R: r, N: maxParticipantReportBytes + 1}
	br := bufio.NewReader(limited)
	if b, _ := br.Peek(3); string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	var s reportScan
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, rowError(pe.StartLine)
		} else if err != nil {
			return nil, fmt.Errorf("convene: reading participant report: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if err := s.take(rec, line); err != nil {
			return nil, err
		}
	}
	if limited.N <= 0 {
		return nil, tooLong()
	}
	return s.report(loc)
}

func rowError(line int) error { return Invalid("attendance.report.row", map[string]any{"Line": line}) }
func tooLong() error {
	return Invalid("attendance.report.toolong", map[string]any{"Max": MaxParticipantRows})
}

// take files one record: a summary header or row, the participant header, or a data row.
func (s *reportScan) take(rec []string, line int) error {
	blank := true
	for i, f := range rec {
		rec[i] = Line(strings.ToValidUTF8(f, "\uFFFD")) // no NUL or other control character reaches the database
		blank = blank && rec[i] == ""
	}
	if blank {
		return nil
	}
	s.records++
	if s.cols != nil {
		if len(s.rows) == MaxParticipantRows {
			return tooLong()
		}
		s.rows = append(s.rows, reportRow{line: line, cells: rec})
		return nil
	}
	cols, found, err := participantHeader(rec)
	switch {
	case found:
		s.cols = &cols
		s.layout = ParticipantLayoutUnique
		if cols.join >= 0 {
			s.layout = ParticipantLayoutJoins
		}
	case s.summary != nil && s.sumRow == nil: // even with a topic like "Name (Original Name)"
		s.sumRow = &reportRow{line: line, cells: rec}
	case err != nil:
		return err
	case headerName(rec[0]) == "meeting id":
		s.summary = columnIndex(rec)
	case s.records >= maxRecordsBeforeHeader:
		return Invalid("attendance.report.unrecognized", nil)
	}
	return nil
}

// headerName lower-cases a header cell and collapses its spaces.
func headerName(cell string) string {
	return strings.Join(strings.Fields(strings.ToLower(cell)), " ")
}

// columnIndex maps each header name to the first column bearing it.
func columnIndex(rec []string) map[string]int {
	idx := make(map[string]int, len(rec))
	for i, c := range rec {
		if _, dup := idx[headerName(c)]; !dup {
			idx[headerName(c)] = i
		}
	}
	return idx
}

// participantHeader reports whether rec is a participant header and where its columns are; a header
// that names people but lacks the durations Convene needs is an error.
func participantHeader(rec []string) (participantColumns, bool, error) {
	idx := columnIndex(rec)
	col := func(names ...string) int {
		for _, name := range names {
			if i, ok := idx[name]; ok {
				return i
			}
		}
		return -1
	}
	c := participantColumns{
		name: col("name (original name)", "name"), email: col("user email", "email"),
		join: col("join time"), leave: col("leave time"),
		duration: col("duration (minutes)", "total duration (minutes)"), guest: col("guest"),
	}
	if _, original := idx["name (original name)"]; !original && (c.name != 0 || c.email < 0) {
		return c, false, nil
	}
	if c.duration < 0 || (c.join >= 0) != (c.leave >= 0) {
		return c, false, Invalid("attendance.report.unrecognized", nil)
	}
	return c, true, nil
}

// report turns the rows gathered into a report, once the whole file has been read.
func (s *reportScan) report(loc *time.Location) (*ParticipantReport, error) {
	switch {
	case s.records == 0:
		return nil, Invalid("attendance.report.empty", nil)
	case s.cols == nil:
		return nil, Invalid("attendance.report.unrecognized", nil)
	case len(s.rows) == 0:
		return nil, Invalid("attendance.report.noparticipants", nil)
	}
	dayFirst := s.dayFirst()
	rep := &ParticipantReport{Layout: s.layout, Rows: len(s.rows)}
	if s.sumRow != nil {
		rep.MeetingID = digitsIn(s.summaryCell("meeting id"))
		rep.Topic = s.summaryCell("topic")
		var ok1, ok2 bool
		rep.StartsAt, ok1 = reportTime(s.summaryCell("start time"), dayFirst, loc, true)
		rep.EndsAt, ok2 = reportTime(s.summaryCell("end time"), dayFirst, loc, true)
		if !ok1 || !ok2 {
			return nil, rowError(s.sumRow.line)
		}
	}
	seen := make(map[string]int)
	for _, row := range s.rows {
		p, key, err := s.participant(row, dayFirst, loc)
		if err != nil {
			return nil, err
		}
		if i, ok := seen[key]; ok {
			rep.Participants[i].merge(p)
			continue
		}
		seen[key] = len(rep.Participants)
		rep.Participants = append(rep.Participants, p)
	}
	return rep, nil
}

// summaryCell returns the cell of the named summary column, or "" when the header or the row lacks it.
func (s *reportScan) summaryCell(name string) string {
	i, ok := s.summary[name]
	if !ok || s.sumRow == nil || i >= len(s.sumRow.cells) {
		return ""
	}
	return s.sumRow.cells[i]
}

// reportClock is a time cell split into numbers, before the file's order of day and month is known.
type reportClock struct {
	a, b, year, hour, min, sec int  // a and b are day and month, in an order decided for the whole file
	iso                        bool // written year first: a is the month
	meridiem                   byte // 'a' or 'p' on a 12-hour clock, 0 on a 24-hour one
}

// scanReportClock splits "09/24/2020 11:35:16 AM", "01/06/2023 00:00" or "2023-01-06 00:00:00" into its
// numbers, reporting false for anything else.
func scanReportClock(s string) (c reportClock, ok bool) {
	ok = true
	num := func(min, max int) int {
		n, i := 0, 0
		for ; i < len(s) && i < max && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int(s[i]-'0')
		}
		ok = ok && i >= min
		s = s[i:]
		return n
	}
	one := func(set string) bool {
		if s != "" && strings.IndexByte(set, s[0]) >= 0 {
			s = s[1:]
			return true
		}
		return false
	}
	if len(s) > 4 && s[4] == '-' {
		c.iso, c.year = true, num(4, 4)
		ok = ok && one("-")
		c.a = num(2, 2)
		ok = ok && one("-")
		c.b = num(2, 2)
		ok = ok && one("T ")
	} else {
		c.a = num(1, 2)
		ok = ok && one("/.-")
		c.b = num(1, 2)
		ok = ok && one("/.-")
		c.year = num(4, 4)
		one(",")
		ok = ok && one(" \t")
	}
	s = strings.TrimLeft(s, " \t")
	c.hour = num(1, 2)
	ok = ok && one(":")
	c.min = num(2, 2)
	if one(":") {
		c.sec = num(2, 2)
	}
	s = strings.TrimLeft(s, " \t")
	if s != "" {
		c.meridiem = s[0] | 0x20
		ok = ok && one("AaPp")
		one(".")
		ok = ok && one("Mm")
		one(".")
	}
	return c, ok && s == ""
}

// dayFirst decides whether the file writes dates day first: a first number over 12 says so, a
// second over 12 says month first; failing both, 12-hour times are read as month first, 24-hour as day first.
func (s *reportScan) dayFirst() bool {
	times := []string{s.summaryCell("start time"), s.summaryCell("end time")}
	for _, row := range s.rows {
		for _, i := range []int{s.cols.join, s.cols.leave} {
			if i >= 0 && i < len(row.cells) {
				times = append(times, row.cells[i])
			}
		}
	}
	var firstBig, secondBig, twelveHour, twentyFour bool
	for _, t := range times {
		c, ok := scanReportClock(t)
		if !ok || c.iso {
			continue
		}
		firstBig = firstBig || c.a > 12
		secondBig = secondBig || c.b > 12
		twelveHour = twelveHour || c.meridiem != 0
		twentyFour = twentyFour || c.meridiem == 0
	}
	switch {
	case firstBig:
		return true
	case secondBig, twelveHour:
		return false
	}
	return twentyFour
}

// reportTime reads a time without offset in loc, reporting false when it cannot be read; an empty
// cell is the zero time when optional.
func reportTime(s string, dayFirst bool, loc *time.Location, optional bool) (time.Time, bool) {
	if s == "" {
		return time.Time{}, optional
	}
	c, ok := scanReportClock(s)
	if !ok {
		return time.Time{}, false
	}
	mo, d, h := c.a, c.b, c.hour
	if dayFirst && !c.iso {
		mo, d = d, mo
	}
	if c.meridiem != 0 {
		if h < 1 || h > 12 {
			return time.Time{}, false
		}
		h %= 12
		if c.meridiem == 'p' {
			h += 12
		}
	}
	if mo < 1 || mo > 12 || d < 1 || d > time.Date(c.year, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day() ||
		h > 23 || c.min > 59 || c.sec > 59 {
		return time.Time{}, false
	}
	return time.Date(c.year, time.Month(mo), d, h, c.min, c.sec, 0, loc), true
}

// participant reads one data row and returns the key that identifies its person across rejoins.
func (s *reportScan) participant(row reportRow, dayFirst bool, loc *time.Location) (Participant, string, error) {
	cell := func(i int) string {
		if i < 0 || i >= len(row.cells) {
			return ""
		}
		return row.cells[i]
	}
	full := cell(s.cols.name)
	p := Participant{Email: strings.ToLower(cell(s.cols.email)), Joins: 1}
	p.Name, p.OriginalName = splitOriginalName(full)
	switch g := strings.ToLower(cell(s.cols.guest)); g {
	case "yes", "oui", "true", "y":
		p.Guest = true
	}
	minutes, err := strconv.Atoi(cell(s.cols.duration))
	if err != nil || minutes < 0 || minutes > maxParticipantRowMinutes || (p.Name == "" && p.Email == "") {
		return p, "", rowError(row.line)
	}
	p.Minutes = minutes
	if s.layout == ParticipantLayoutJoins {
		var ok1, ok2 bool
		p.FirstJoin, ok1 = reportTime(cell(s.cols.join), dayFirst, loc, false)
		p.LastLeave, ok2 = reportTime(cell(s.cols.leave), dayFirst, loc, false)
		if !ok1 || !ok2 {
			return p, "", rowError(row.line)
		}
	}
	if p.Email != "" {
		return p, "email\x00" + p.Email, nil
	}
	return p, "name\x00" + full, nil
}

// splitOriginalName splits "Eric's iPad (Clapton)" into the display name and the original name in the
// last parentheses; a name that is only parentheses keeps what they hold as its display name.
func splitOriginalName(cell string) (name, original string) {
	if !strings.HasSuffix(cell, ")") {
		return cell, ""
	}
	depth := 0
	for i := len(cell) - 1; i >= 0; i-- {
		switch cell[i] {
		case ')':
			depth++
		case '(':
			depth--
		}
		if depth == 0 {
			name, original = strings.TrimSpace(cell[:i]), strings.TrimSpace(cell[i+1:len(cell)-1])
			if name == "" {
				return original, ""
			}
			return name, original
		}
	}
	return cell, ""
}

// merge adds a rejoin of the same person: minutes and joins add up, the span widens, a guest stays one.
func (p *Participant) merge(q Participant) {
	p.Minutes += q.Minutes
	p.Joins += q.Joins
	p.Guest = p.Guest || q.Guest
	if !q.FirstJoin.IsZero() && (p.FirstJoin.IsZero() || q.FirstJoin.Before(p.FirstJoin)) {
		p.FirstJoin = q.FirstJoin
	}
	if q.LastLeave.After(p.LastLeave) {
		p.LastLeave = q.LastLeave
	}
}
