package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// A fragment is the part of a page that costs most to make and depends on little (a series'
// seasons of calls): it is kept by a stamp that names everything it shows, read from the database
// by aggregate queries (Store.CallsStamp, Store.RecordedStamp) and from what the page loaded
// anyway, with the reader's language, time zone and standing class and the minute. The rest of the
// page, the reader's own part included, is rendered on every request. Like stamped answers, a
// kept fragment is never stale, only unused.

// fragment returns what was kept under stamp, or makes it with make and keeps it, beside the
// partials (partials.go).
func (s *Server) fragment(stamp string, make func() (template.HTML, error)) (template.HTML, error) {
	if s.unkept {
		return make()
	}
	return s.views.memo.keep("fragment|"+stamp, make)
}

// renderFragment renders the template name of page with a page's data, as render would inside it.
func (s *Server) renderFragment(page, name string, data any) (template.HTML, error) {
	t, err := s.views.page(page, data)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, localizePage(data)); err != nil {
		return "", fmt.Errorf("render %s of %s: %w", name, page, err)
	}
	return template.HTML(buf.String()), nil
}

// seasonsStamp names a series page's seasons as one reader sees them: the series, its community
// (its address is in every link), each season's last change and pause, the calls and which of
// them are recorded, in the reader's language and zone, for organizers or not, this minute.
func (s *Server) seasonsStamp(r *http.Request, c *convene.Community, sr *convene.Series, seasons []*convene.Season, b base) (string, error) {
	f := convene.CallFilter{SeriesID: sr.ID}
	calls, err := s.store.CallsStamp(r.Context(), f)
	if err != nil {
		return "", err
	}
	recorded, err := s.store.RecordedStamp(r.Context(), f)
	if err != nil {
		return "", err
	}
	parts := []string{"series-seasons", strconv.FormatInt(sr.ID, 10), sr.UpdatedAt.UTC().Format(time.RFC3339Nano),
		c.Slug, c.UpdatedAt.UTC().Format(time.RFC3339Nano), b.L.Lang, b.Zone, strconv.FormatBool(b.Organizer),
		s.clock.Now().UTC().Truncate(time.Minute).Format(time.RFC3339), calls, recorded}
	for _, se := range seasons { // loaded anyway: their words and dates are the stamp's own
		parts = append(parts, fmt.Sprint(se.ID, se.UpdatedAt.UnixNano(), se.Paused(), se.StartsOn, se.EndsOn, se.Name, se.Note, se.Translations))
	}
	return strings.Join(parts, "|"), nil
}
