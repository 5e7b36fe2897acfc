package web

import (
	"html/template"
	"strings"

	"github.com/maypok86/otter/v2"
)

// rowRenderer writes the rows of call lists. A row's HTML depends on its rowView alone (every
// text in it is computed in callRow, in the reader's language and time zone), so it is kept by
// that view: a series page of 261 calls executes the row template only for rows it has not
// written before, and is otherwise a lookup per row. A changed call has a changed view, so a kept
// row is never stale, only unused, and the bounded cache drops it in time.
type rowRenderer struct {
	tmpl *template.Template // holds "call-row"
	kept *otter.Cache[rowView, string]
}

// rowCacheBytes bounds the kept rows: some 20,000 rows of about 400 bytes.
const rowCacheBytes = 8 << 20

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
