// Package chart renders small, accessible SVG charts on the server, so that
// reach analytics read without JavaScript. Callers pass words already
// translated; the package itself writes only markup and numbers.
//
// Every chart is an inline <svg> that scales to its container (width="100%"
// and a viewBox, no style attribute, so it passes a CSP without
// 'unsafe-inline'). It is named by its own <title> and <desc>, and every bar,
// segment or tile has a <title> child that browsers show on hover. A chart
// without links has role="img"; a chart with links has role="group" instead,
// because the children of role="img" are hidden from assistive technology and
// the links would be focusable yet nameless. Text outside the shapes uses
// currentColor so it follows the page's light or dark theme; pages may set a
// max-width and a focus style on the "chart" class.
package chart

import (
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Bar is one labelled value of a horizontal bar chart.
type Bar struct {
	Label string
	Value float64
	Text  string // the value as shown, e.g. "12", "40 %" or "–" when suppressed
	Href  string // optional link; only relative and http(s) URLs are kept
}

// Series is one stacked layer of StackedBars, e.g. "first time" or
// "returning"; Values[i] belongs to categories[i].
type Series struct {
	Name   string
	Values []float64
}

// barFill is the Bars colour: at least 3:1 against both the light (#ffffff,
// #f6f7f9) and the dark (#14171c, #1d2128) page backgrounds, and 4.5:1 under
// white text.
const barFill = "#2f74c0"

// seriesFills tells StackedBars layers apart; each also gets its own stripe
// pattern (none, 45°, 135°, 90°), so colour is never the only cue. All meet
// the same contrasts as barFill.
var seriesFills = []string{"#2f74c0", "#c0510f", "#2e7d32", "#8a4fbf"}

// Bars renders a horizontal bar chart: labels on the left (long ones cut
// with an ellipsis, full in the hover title), the shown Text at the end of
// each bar. The longest bar is the largest value; NaN and negatives count
// as 0. It returns "" when bars is empty.
func Bars(title, desc string, bars []Bar) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	// labelW holds a label of 22 runes (truncate below) in the chart font.
	const width, labelW, valueW, rowH, barH, pad = 560.0, 190.0, 80.0, 30.0, 20.0, 6.0
	top, links := 0.0, false
	for _, b := range bars {
		top = math.Max(top, clean(b.Value))
		links = links || safeHref(b.Href) != ""
	}
	s := begin(title, desc, width, 2*pad+rowH*float64(len(bars)), links)
	plotW := width - labelW - valueW
	for i, b := range bars {
		y := pad + float64(i)*rowH
		w := 0.0
		if v := clean(b.Value); v > 0 {
			w = math.Max(2, v/top*plotW)
		}
		text := shown(b.Text, b.Value)
		end := s.item("bar", b.Href, b.Label+": "+text)
		s.rect(labelW, y+(rowH-barH)/2, w, barH, barFill, "")
		s.text(labelW-8, y+rowH/2, "end", "currentColor", truncate(b.Label, 22), "")
		s.text(labelW+w+6, y+rowH/2, "start", "currentColor", truncate(text, 10), "")
		s.WriteString(end)
	}
	return s.end()
}

// StackedBars renders vertical bars over categories (e.g. calls by date),
// one stacked segment per series, bottom to top in the order given, with a
// legend above. Segments tall enough carry their value, each stack its
// total. At most four series are drawn; missing values count as 0. It
// returns "" when there are no categories or no series. Numbers are written
// with strconv, so the layers are meant to hold counts.
func StackedBars(title, desc string, categories []string, series []Series) template.HTML {
	if len(categories) == 0 || len(series) == 0 {
		return ""
	}
	series = series[:min(len(series), len(seriesFills))]
	const width, left, right, plotH = 560.0, 44.0, 8.0, 220.0
	n := len(categories)
	totals, integers := make([]float64, n), true
	for _, se := range series {
		for i := range n {
			v := value(se.Values, i)
			totals[i] += v
			integers = integers && v == math.Trunc(v)
		}
	}
	top := 0.0
	for _, t := range totals {
		top = math.Max(top, t)
	}
	step := niceStep(top/4, integers)
	top = 4 * step

	// Legend rows, wrapped by an estimate of the text width.
	type swatch struct{ x, y float64 }
	var legend []swatch
	x, y := left, 6.0
	for _, se := range series {
		w := 30 + 8*float64(utf8.RuneCountInString(truncate(se.Name, 30)))
		if x+w > width && x > left {
			x, y = left, y+22
		}
		legend = append(legend, swatch{x, y})
		x += w
	}
	slot := (width - left - right) / float64(n)
	longest := 0
	for _, c := range categories {
		longest = max(longest, utf8.RuneCountInString(truncate(c, 16)))
	}
	rotate := float64(longest)*7.5 > slot*0.95
	bottom := 28.0
	if rotate {
		bottom = 90
	}
	plotTop := y + 22 + 20 // legend, then room for the tallest total
	base := plotTop + plotH

	s := begin(title, desc, width, base+bottom, false)
	s.WriteString("<defs>")
	for j, fill := range seriesFills[1:len(series)] {
		fmt.Fprintf(s, `<pattern id="%s-p%d" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(%d)">`+
			`<rect width="8" height="8" fill="%s"/><rect width="3" height="8" fill="#ffffff" fill-opacity="0.4"/></pattern>`,
			s.id, j+1, []int{45, 135, 90}[j], fill)
	}
	s.WriteString("</defs>")
	for j, se := range series {
		s.WriteString(`<g class="legend">`)
		s.rect(legend[j].x, legend[j].y, 16, 16, s.fill(j), "")
		s.text(legend[j].x+22, legend[j].y+8, "start", "currentColor", truncate(se.Name, 30), "")
		s.WriteString("</g>")
	}
	for k := 0; k <= 4; k++ {
		gy := base - float64(k)*plotH/4
		fmt.Fprintf(s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="currentColor" stroke-opacity="0.3"/>`,
			num(left), num(gy), num(width-right), num(gy))
		s.text(left-6, gy, "end", "currentColor", num(float64(k)*step), "")
	}
	barW := math.Min(slot*0.7, 60)
	for i, c := range categories {
		cx := left + slot*(float64(i)+0.5)
		y := base
		for j, se := range series {
			v := value(se.Values, i)
			h := v / top * plotH
			label := num(v)
			end := s.item("segment", "", c+" – "+se.Name+": "+label)
			s.rect(cx-barW/2, y-h, barW, h, s.fill(j), `stroke="#ffffff" stroke-width="1"`)
			if h >= 18 && barW >= 7*float64(len(label))+4 {
				s.text(cx, y-h/2, "middle", "#ffffff", label,
					`stroke="`+seriesFills[j]+`" stroke-width="3" paint-order="stroke"`)
			}
			s.WriteString(end)
			y -= h
		}
		s.text(cx, y-10, "middle", "currentColor", num(totals[i]), "")
		if rotate {
			ly := base + 14
			s.text(cx, ly, "end", "currentColor", truncate(c, 16),
				fmt.Sprintf(`transform="rotate(-45 %s %s)"`, num(cx), num(ly)))
		} else {
			s.text(cx, base+16, "middle", "currentColor", truncate(c, 16), "")
		}
	}
	return s.end()
}

// svg accumulates one chart; id prefixes the ids of its elements.
type svg struct {
	strings.Builder
	id string
}

var chartSeq atomic.Uint64

// begin opens a chart. Ids join a hash of the title and a process-wide
// counter, so two charts on one page never share an id.
func begin(title, desc string, w, h float64, links bool) *svg {
	hash := fnv.New32a()
	hash.Write([]byte(title))
	s := &svg{id: fmt.Sprintf("chart-%08x-%d", hash.Sum32(), chartSeq.Add(1))}
	aria := `role="img" aria-labelledby="` + s.id + `-t`
	if desc != "" {
		aria += ` ` + s.id + `-d`
	}
	aria += `"`
	if links {
		aria = `role="group" aria-labelledby="` + s.id + `-t"`
		if desc != "" {
			aria += ` aria-describedby="` + s.id + `-d"`
		}
	}
	fmt.Fprintf(s, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%%" viewBox="0 0 %s %s" %s font-size="14">`,
		num(w), num(h), aria)
	s.WriteString(`<title id="` + s.id + `-t">` + esc(title) + `</title>`)
	if desc != "" {
		s.WriteString(`<desc id="` + s.id + `-d">` + esc(desc) + `</desc>`)
	}
	return s
}

func (s *svg) end() template.HTML {
	s.WriteString("</svg>")
	return template.HTML(s.String())
}

// item opens one bar, segment or tile: a link when href is safe, a group
// otherwise, with label as its hover title. It returns the closing tag.
func (s *svg) item(class, href, label string) string {
	if u := safeHref(href); u != "" {
		s.WriteString(`<a class="` + class + `" href="` + esc(u) + `"><title>` + esc(label) + `</title>`)
		return "</a>"
	}
	s.WriteString(`<g class="` + class + `"><title>` + esc(label) + `</title>`)
	return "</g>"
}

// rect writes a rectangle; extra is trusted attribute markup.
func (s *svg) rect(x, y, w, h float64, fill, extra string) {
	fmt.Fprintf(s, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" %s/>`, num(x), num(y), num(w), num(h), fill, extra)
}

// text writes escaped text centred vertically on y; extra is trusted markup.
func (s *svg) text(x, y float64, anchor, fill, text, extra string) {
	fmt.Fprintf(s, `<text x="%s" y="%s" dy="0.35em" text-anchor="%s" fill="%s"`, num(x), num(y), anchor, fill)
	if extra != "" {
		s.WriteString(" " + extra)
	}
	s.WriteString(">" + esc(text) + "</text>")
}

// fill is the paint of series j: plain for the first, striped after.
func (s *svg) fill(j int) string {
	if j == 0 {
		return seriesFills[0]
	}
	return fmt.Sprintf("url(#%s-p%d)", s.id, j)
}

// esc escapes text for XML content and attribute values alike, replacing
// characters XML cannot hold.
func esc(text string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(text))
	return b.String()
}

// safeHref returns href when it is a relative or http(s) URL, else "".
func safeHref(href string) string {
	if href == "" || strings.ContainsFunc(href, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return href
}

// clean turns NaN, infinities and negatives into 0.
func clean(v float64) float64 {
	if v > 0 && !math.IsInf(v, 1) {
		return v
	}
	return 0
}

func value(values []float64, i int) float64 {
	if i < len(values) {
		return clean(values[i])
	}
	return 0
}

// shown is the text displayed for a value: the caller's, or the number.
func shown(text string, v float64) string {
	if text != "" {
		return text
	}
	return num(clean(v))
}

// num writes a coordinate or a number with at most two decimals.
func num(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// truncate cuts text to at most n runes, ending in an ellipsis when cut.
func truncate(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	return string([]rune(text)[:n-1]) + "…"
}

// niceStep rounds raw up to 1, 2 or 5 times a power of ten; integer data
// keeps steps of at least 1.
func niceStep(raw float64, integers bool) float64 {
	if raw <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if integers {
		step = math.Max(step, 1)
	}
	return step
}
