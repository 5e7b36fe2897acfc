package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/opengovcall/convene"
)

// Partials whose HTML is a function of a few values are rendered once for each set of values and
// kept: the rows of call lists (by their rowView), the zone picker's options (by language and the
// reader's zone) and a call's table of times across Canada (by language, the reader's zone and
// the call's start). A call page, a community page and a series page spent a third of their
// rendering on these in html/template's reflection; now each is a lookup. What a kept partial
// shows cannot change for the same values, so it is never stale, only unused.

// rowRenderer writes the rows of call lists. A row's HTML depends on its rowView alone (every
// text in it is computed in callRow, in the reader's language and time zone), so it is kept by
// that view: a series page of 261 calls executes the row template only for rows it has not
// written before, and is otherwise a lookup per row. A changed call has a changed view, so a kept
// row is never stale, only unused, and the bounded cache drops it in time.
type rowRenderer struct {
	tmpl *template.Template // holds "call-row"
	kept *otter.Cache[rowView, string]
}

// rowCacheBytes bounds the kept rows: some 20,000 rows of about 400 bytes; partialCacheBytes the
// other kept partials.
const (
	rowCacheBytes     = 8 << 20
	partialCacheBytes = 24 << 20 // fragments of pages (fragments.go) included
)

func newRowRenderer(partials *template.Template) *rowRenderer {
	return &rowRenderer{tmpl: partials, kept: otter.Must(&otter.Options[rowView, string]{
		MaximumWeight: rowCacheBytes,
		Weigher: func(r rowView, html string) uint32 {
			return uint32(len(html) + len(r.URL) + len(r.When) + len(r.Title) + len(r.Theme) + 128)
		},
	})}
}

// render writes the rows of calls for the reader of l, one <li> each.
func (rr *rowRenderer) render(l *Localizer, calls []*callView) (template.HTML, error) {
	var b strings.Builder
	for _, c := range calls {
		r := callRow(l, c)
		html, ok := rr.kept.GetIfPresent(r)
		if !ok {
			var w strings.Builder
			if err := rr.tmpl.ExecuteTemplate(&w, "call-row", r); err != nil {
				return "", err
			}
			html = w.String()
			rr.kept.Set(r, html)
		}
		b.WriteString(html)
	}
	return template.HTML(b.String()), nil
}

// partialMemo keeps the other partials by a key naming all they depend on.
type partialMemo struct {
	tmpl *template.Template
	kept *otter.Cache[string, template.HTML]
}

func newPartialMemo(partials *template.Template) *partialMemo {
	return &partialMemo{tmpl: partials, kept: otter.Must(&otter.Options[string, template.HTML]{
		MaximumWeight: partialCacheBytes,
		Weigher:       func(key string, html template.HTML) uint32 { return uint32(len(key) + len(html) + 64) },
	})}
}

// render executes the partial name with data, or returns what it wrote before for key.
func (m *partialMemo) render(name, key string, data any) (template.HTML, error) {
	return m.keep(name+"|"+key, func() (template.HTML, error) {
		var w strings.Builder
		if err := m.tmpl.ExecuteTemplate(&w, name, data); err != nil {
			return "", err
		}
		return template.HTML(w.String()), nil
	})
}

// keep returns what was kept under key, or makes it and keeps it.
func (m *partialMemo) keep(key string, make func() (template.HTML, error)) (template.HTML, error) {
	if html, ok := m.kept.GetIfPresent(key); ok {
		return html, nil
	}
	html, err := make()
	if err == nil {
		m.kept.Set(key, html)
	}
	return html, err
}

// zoneOptions writes the zone picker's options for the reader of l, zone selected.
func (m *partialMemo) zoneOptions(l *Localizer, zone string) (template.HTML, error) {
	return m.render("zone-options", l.Lang+"|"+zone, struct {
		L     *Localizer
		Zone  string
		Zones []convene.Zone
	}{l, zone, convene.ViewerZones})
}

// zonesTable writes when call c is across Canada's zones, for the reader of l in zone.
func (m *partialMemo) zonesTable(l *Localizer, zone string, c *callView) (template.HTML, error) {
	key := l.Lang + "|" + zone + "|" + strconv.FormatInt(c.StartsAt.Unix(), 10) + "|" + c.Local.Format("2006-01-02")
	type zonedCall struct { // only what the table reads, worked out from the key's values
		Zones []convene.ZoneTime
		Local time.Time
	}
	return m.render("zones-table", key, struct {
		L    *Localizer
		Zone string
		Call zonedCall
	}{l, zone, zonedCall{Zones: convene.InCanadianZones(c.StartsAt), Local: c.Local}})
}
