package chart

import (
	"encoding/xml"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"testing"
)

// node is a parsed SVG element.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// all returns the elements under n (n included) that match.
func (n node) all(match func(node) bool) []node {
	var out []node
	if match(n) {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(match)...)
	}
	return out
}

func named(local string) func(node) bool {
	return func(n node) bool { return n.XMLName.Local == local }
}

func classed(class string) func(node) bool {
	return func(n node) bool { return n.attr("class") == class }
}

// parse fails the test unless out is one well-formed <svg> element.
func parse(t *testing.T, out template.HTML) node {
	t.Helper()
	var root node
	d := xml.NewDecoder(strings.NewReader(string(out)))
	d.Strict = true
	if err := d.Decode(&root); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, out)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v, want svg", root.XMLName)
	}
	return root
}

// checkFrame checks the accessible name, description and scaling of a chart.
func checkFrame(t *testing.T, root node, title, desc, role string) {
	t.Helper()
	if got := root.attr("role"); got != role {
		t.Errorf("role = %q, want %q", got, role)
	}
	if root.attr("width") != "100%" || root.attr("viewBox") == "" || root.attr("style") != "" {
		t.Errorf("width=%q viewBox=%q style=%q: want 100%%, a viewBox and no style", root.attr("width"), root.attr("viewBox"), root.attr("style"))
	}
	if len(root.Nodes) < 2 || root.Nodes[0].XMLName.Local != "title" || root.Nodes[1].XMLName.Local != "desc" {
		t.Fatalf("svg must open with <title> and <desc>")
	}
	ids := strings.Fields(root.attr("aria-labelledby") + " " + root.attr("aria-describedby"))
	want := []node{root.Nodes[0], root.Nodes[1]}
	if len(ids) != 2 || ids[0] != want[0].attr("id") || ids[1] != want[1].attr("id") || ids[0] == ids[1] {
		t.Errorf("aria references %q, want the ids of title %q and desc %q", ids, want[0].attr("id"), want[1].attr("id"))
	}
	if want[0].Text != title || want[1].Text != desc {
		t.Errorf("title, desc = %q, %q; want %q, %q", want[0].Text, want[1].Text, title, desc)
	}
}

// hoverTitle is the text of an item's first child, its <title>.
func hoverTitle(t *testing.T, n node) string {
	t.Helper()
	if len(n.Nodes) == 0 || n.Nodes[0].XMLName.Local != "title" {
		t.Fatalf("%s.%s has no <title> first", n.XMLName.Local, n.attr("class"))
	}
	return n.Nodes[0].Text
}

func texts(n node) []string {
	var out []string
	for _, e := range n.all(named("text")) {
		out = append(out, e.Text)
	}
	return out
}

func width(t *testing.T, n node) float64 {
	t.Helper()
	r := n.all(named("rect"))
	if len(r) == 0 {
		t.Fatalf("%s has no rect", n.attr("class"))
	}
	w, err := strconv.ParseFloat(r[0].attr("width"), 64)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestBars(t *testing.T) {
	long := "Ministry of Public Service Delivery and Digital Transformation"
	bars := []Bar{
		{Label: "Government", Value: 12, Text: "12"},
		{Label: long, Value: 30, Text: "30"},
		{Label: "Academia", Value: 6},
		{Label: "Media", Value: 0, Text: "–"},
	}
	root := parse(t, Bars("Participants by sector", "Civil society leads.", bars))
	checkFrame(t, root, "Participants by sector", "Civil society leads.", "img")
	items := root.all(classed("bar"))
	if len(items) != len(bars) || len(root.all(named("rect"))) != len(bars) {
		t.Fatalf("%d bars, %d rects; want %d", len(items), len(root.all(named("rect"))), len(bars))
	}
	wantTitles := []string{"Government: 12", long + ": 30", "Academia: 6", "Media: –"}
	for i, it := range items {
		if got := hoverTitle(t, it); got != wantTitles[i] {
			t.Errorf("bar %d title %q, want %q", i, got, wantTitles[i])
		}
	}
	ws := []float64{width(t, items[0]), width(t, items[1]), width(t, items[2]), width(t, items[3])}
	if !(ws[1] > ws[0] && ws[0] > ws[2] && ws[2] > ws[3] && ws[3] == 0) {
		t.Errorf("widths %v not in value order", ws)
	}
	if got := texts(items[1]); !strings.HasSuffix(got[0], "…") || len([]rune(got[0])) != 22 || got[1] != "30" {
		t.Errorf("long bar texts %q: want the label cut to 22 runes with an ellipsis, then 30", got)
	}
	if got := texts(items[2]); got[0] != "Academia" || got[1] != "6" {
		t.Errorf("texts %q: want the label and the number when Text is empty", got)
	}
}

func TestStackedBars(t *testing.T) {
	cats := []string{"Jan", "Feb", "Mar"}
	series := []Series{
		{Name: "First time", Values: []float64{10, 20, 5}},
		{Name: "Returning", Values: []float64{30, 0}}, // Mar missing
	}
	root := parse(t, StackedBars("Attendance", "More returning people each month.", cats, series))
	checkFrame(t, root, "Attendance", "More returning people each month.", "img")
	segs := root.all(classed("segment"))
	if len(segs) != len(cats)*len(series) {
		t.Fatalf("%d segments, want %d", len(segs), len(cats)*len(series))
	}
	if got := hoverTitle(t, segs[1]); got != "Jan – Returning: 30" {
		t.Errorf("segment title %q", got)
	}
	if got := hoverTitle(t, segs[5]); got != "Mar – Returning: 0" {
		t.Errorf("missing value title %q, want 0", got)
	}
	height := func(n node) float64 {
		h, _ := strconv.ParseFloat(n.all(named("rect"))[0].attr("height"), 64)
		return h
	}
	if h0, h1 := height(segs[0]), height(segs[1]); math.Abs(h1-3*h0) > 0.05 {
		t.Errorf("heights %v and %v not proportional to 10 and 30", h0, h1)
	}
	// The legend names the series in text and shows the fill each uses;
	// each series has its own fill, the second a stripe pattern.
	legend := root.all(classed("legend"))
	if len(legend) != 2 || texts(legend[0])[0] != "First time" || texts(legend[1])[0] != "Returning" {
		t.Fatalf("legend %v", legend)
	}
	fills := map[string]bool{}
	for j, l := range legend {
		fill := l.all(named("rect"))[0].attr("fill")
		if seg := segs[j].all(named("rect"))[0].attr("fill"); seg != fill {
			t.Errorf("series %d: segment fill %q, legend fill %q", j, seg, fill)
		}
		fills[fill] = true
	}
	patterns := root.all(named("pattern"))
	if len(fills) != 2 || len(patterns) != 1 || legend[1].all(named("rect"))[0].attr("fill") != "url(#"+patterns[0].attr("id")+")" {
		t.Errorf("fills %v, patterns %d: want two distinct fills, the second a pattern", fills, len(patterns))
	}
	// Values are labelled: the 30 inside its segment, totals on top.
	all := strings.Join(texts(root), " ")
	for _, want := range []string{"30", "40", "20", "5"} {
		if !strings.Contains(" "+all+" ", " "+want+" ") {
			t.Errorf("texts %q lack %s", all, want)
		}
	}
}

func TestStackedBarsLimitsAndRotation(t *testing.T) {
	var series []Series
	for i := range 6 {
		series = append(series, Series{Name: fmt.Sprint("s", i), Values: []float64{1}})
	}
	var cats []string
	for i := range 20 {
		cats = append(cats, fmt.Sprintf("2026-11-%02d", i+1))
	}
	root := parse(t, StackedBars("t", "d", cats, series))
	if got := len(root.all(classed("legend"))); got != 4 {
		t.Errorf("%d legend entries, want at most 4", got)
	}
	if got := len(root.all(classed("segment"))); got != 4*len(cats) {
		t.Errorf("%d segments, want %d", got, 4*len(cats))
	}
	rotated := 0
	for _, e := range root.all(named("text")) {
		if strings.HasPrefix(e.attr("transform"), "rotate(") {
			rotated++
		}
	}
	if rotated != len(cats) {
		t.Errorf("%d rotated category labels, want %d", rotated, len(cats))
	}
}

func TestEscaping(t *testing.T) {
	evil := `<script>alert("x")</script> & 'q'`
	outs := map[string]template.HTML{
		"Bars":        Bars(evil, evil, []Bar{{Label: evil, Value: 1, Text: evil, Href: "/p?a=1&b=<x>"}}),
		"StackedBars": StackedBars(evil, evil, []string{evil}, []Series{{Name: evil, Values: []float64{1}}, {Name: evil, Values: []float64{2}}}),
		"TileMap":     TileMap(evil, evil, []Tile{{Code: "on", Name: evil, Value: 1, Text: evil}}),
	}
	for name, out := range outs {
		if strings.Contains(string(out), "<script") || strings.Contains(string(out), "<x>") {
			t.Errorf("%s: raw markup in output:\n%s", name, out)
		}
		root := parse(t, out)
		if root.Nodes[0].Text != evil || root.Nodes[1].Text != evil {
			t.Errorf("%s: title/desc not round-tripped", name)
		}
		found := false
		for _, ti := range root.all(named("title"))[1:] {
			found = found || strings.HasPrefix(ti.Text, evil) || strings.Contains(ti.Text, evil)
		}
		if !found {
			t.Errorf("%s: no item title holds the label", name)
		}
	}
	a := parse(t, outs["Bars"]).all(named("a"))
	if len(a) != 1 || a[0].attr("href") != "/p?a=1&b=<x>" {
		t.Errorf("links %v: want the href escaped and round-tripped", a)
	}
	// Characters XML cannot hold are replaced, not emitted.
	parse(t, Bars("bell\x07", "nul\x00", []Bar{{Label: "\x1b[31m", Value: 1}}))
}

func TestIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, out := range []template.HTML{
		Bars("Same", "d", []Bar{{Label: "a", Value: 1}}),
		Bars("Same", "d", []Bar{{Label: "a", Value: 1}}),
		StackedBars("Same", "d", []string{"a"}, []Series{{"x", []float64{1}}, {"y", []float64{1}}, {"z", []float64{1}}}),
		StackedBars("Same", "d", []string{"a"}, []Series{{"x", []float64{1}}, {"y", []float64{1}}}),
		TileMap("Same", "d", nil),
		TileMap("Same", "d", nil),
	} {
		root := parse(t, out)
		for _, n := range root.all(func(n node) bool { return n.attr("id") != "" }) {
			id := n.attr("id")
			if seen[id] {
				t.Errorf("id %q used twice", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 2*6+2+1 {
		t.Errorf("%d ids, want 15 (title and desc each, plus 3 patterns)", len(seen))
	}
}

func TestHrefFiltering(t *testing.T) {
	cases := map[string]bool{
		"/calls/42":                 true,
		"reach?province=ON&y=2026":  true,
		"https://example.org/a b":   false, // a space is never sent as such
		"https://example.org/a%20b": true,
		"HTTP://example.org/":       true,
		"#ontario":                  true,
		"javascript:alert(1)":       false,
		"JavaScript:alert(1)":       false,
		" javascript:alert(1)":      false,
		"java\tscript:alert(1)":     false,
		"data:text/html,<b>x</b>":   false,
		"vbscript:msgbox":           false,
		"mailto:a@example.org":      false,
		"":                          false,
	}
	for href, kept := range cases {
		for name, out := range map[string]template.HTML{
			"Bars":    Bars("t", "d", []Bar{{Label: "l", Value: 1, Href: href}}),
			"TileMap": TileMap("t", "d", []Tile{{Code: "ON", Value: 1, Href: href}}),
		} {
			root := parse(t, out)
			a := root.all(named("a"))
			switch {
			case kept && (len(a) != 1 || a[0].attr("href") != href || root.attr("role") != "group"):
				t.Errorf("%s %q: links %v, role %q; want it kept in a group", name, href, a, root.attr("role"))
			case !kept && (len(a) != 0 || root.attr("role") != "img"):
				t.Errorf("%s %q: links %v, role %q; want it dropped", name, href, a, root.attr("role"))
			}
			if kept {
				checkFrame(t, root, "t", "d", "group")
				if hoverTitle(t, a[0]) == "" {
					t.Errorf("%s %q: the link has no name", name, href)
				}
			}
		}
	}
}

func TestEmptyAndZero(t *testing.T) {
	if Bars("t", "d", nil) != "" || StackedBars("t", "d", nil, []Series{{"x", nil}}) != "" || StackedBars("t", "d", []string{"a"}, nil) != "" {
		t.Error("empty input must render nothing")
	}
	nan, inf := math.NaN(), math.Inf(1)
	outs := []template.HTML{
		Bars("t", "d", []Bar{{Label: "a"}, {Label: "b", Value: nan}, {Label: "c", Value: -3}, {Label: "d", Value: inf}}),
		StackedBars("t", "d", []string{"a", "b"}, []Series{{"x", []float64{0, nan}}, {"y", []float64{-1, inf}}}),
		TileMap("t", "d", []Tile{{Code: "ON", Value: nan}, {Code: "QC", Value: -2}, {Code: "BC"}}),
		TileMap("t", "d", nil),
	}
	for i, out := range outs {
		if s := string(out); strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
			t.Errorf("output %d holds NaN or Inf:\n%s", i, s)
		}
		root := parse(t, out)
		for _, r := range root.all(named("rect")) {
			if r.attr("class") == "" && r.attr("width") != "" && r.attr("height") != "" {
				w, _ := strconv.ParseFloat(r.attr("width"), 64)
				h, _ := strconv.ParseFloat(r.attr("height"), 64)
				if w < 0 || h < 0 {
					t.Errorf("output %d: negative rect %v", i, r.Attrs)
				}
			}
		}
	}
	for _, b := range parse(t, outs[0]).all(classed("bar")) {
		if w := width(t, b); w != 0 {
			t.Errorf("bar %q has width %v, want 0", hoverTitle(t, b), w)
		}
	}
	for _, out := range outs[2:] {
		tiles := parse(t, out).all(classed("tile"))
		if len(tiles) != 13 {
			t.Fatalf("%d tiles, want 13", len(tiles))
		}
		for _, tile := range tiles {
			r := tile.all(named("rect"))[0]
			if r.attr("fill") != zeroShade.fill || r.attr("stroke") == "" {
				t.Errorf("tile %q: fill %q stroke %q; want a bordered zero tile", hoverTitle(t, tile), r.attr("fill"), r.attr("stroke"))
			}
			if got := texts(tile)[1]; got != "0" {
				t.Errorf("tile %q shows %q, want 0", hoverTitle(t, tile), got)
			}
		}
	}
}

func TestTileMap(t *testing.T) {
	tiles := []Tile{
		{Code: "ON", Name: "Ontario", Value: 100, Text: "100"},
		{Code: "qc", Name: "Québec", Value: 55, Text: "55"},
		{Code: "BC", Name: "British Columbia", Value: 30, Text: "30"},
		{Code: "AB", Name: "Alberta", Value: 12, Text: "12"},
		{Code: "NS", Name: "Nova Scotia", Value: 1, Text: "1"},
		{Code: "ON", Name: "Ontario again", Value: 5},
		{Code: "XX", Name: "Nowhere", Value: 1000},
		{Code: "NU", Name: "Nunavut", Value: 0, Text: "–"},
	}
	root := parse(t, TileMap("Reach by province", "Most people come from Ontario.", tiles))
	checkFrame(t, root, "Reach by province", "Most people come from Ontario.", "img")
	got := map[string]node{}
	for _, tile := range root.all(classed("tile")) {
		got[texts(tile)[0]] = tile
	}
	if len(got) != 13 || len(root.all(named("rect"))) != 13 {
		t.Fatalf("%d distinct tiles, %d rects; want 13", len(got), len(root.all(named("rect"))))
	}
	for _, g := range tileGrid {
		if _, ok := got[g.code]; !ok {
			t.Errorf("no tile for %s", g.code)
		}
	}
	if title := hoverTitle(t, got["ON"]); title != "Ontario: 100" {
		t.Errorf("ON title %q: want the first tile for a code", title)
	}
	if title := hoverTitle(t, got["QC"]); title != "Québec: 55" {
		t.Errorf("QC title %q", title)
	}
	if title := hoverTitle(t, got["SK"]); title != "SK: 0" {
		t.Errorf("missing SK title %q", title)
	}
	fill := func(code string) string { return got[code].all(named("rect"))[0].attr("fill") }
	if fill("ON") != shades[len(shades)-1].fill {
		t.Errorf("the largest value has fill %q, want the darkest", fill("ON"))
	}
	order := []string{"ON", "QC", "BC", "AB", "NS", "NU"} // largest value first
	for i := 1; i < len(order); i++ {
		a, b := luminance(fill(order[i-1])), luminance(fill(order[i]))
		if a > b {
			t.Errorf("%s (%s) is lighter than %s (%s) though its value is larger", order[i-1], fill(order[i-1]), order[i], fill(order[i]))
		}
	}
	if fill("NS") == fill("NU") || fill("NU") != zeroShade.fill {
		t.Errorf("NS %s and NU %s: the smallest value must differ from zero", fill("NS"), fill("NU"))
	}
	if texts(got["NU"])[1] != "–" {
		t.Errorf("NU shows %q", texts(got["NU"])[1])
	}
	// Text colour on each tile is the one paired with its fill.
	for code, tile := range got {
		r, tx := tile.all(named("rect"))[0], tile.all(named("text"))
		if c := contrast(r.attr("fill"), tx[0].attr("fill")); c < 4.5 || tx[0].attr("fill") != tx[1].attr("fill") {
			t.Errorf("%s: text %s on %s has contrast %.2f", code, tx[0].attr("fill"), r.attr("fill"), c)
		}
	}
}

func TestTileLayout(t *testing.T) {
	rows := map[int][]string{}
	cells := map[[2]int]bool{}
	for _, g := range tileGrid {
		rows[g.row] = append(rows[g.row], g.code)
		if cells[[2]int{g.col, g.row}] {
			t.Errorf("%s overlaps another tile", g.code)
		}
		cells[[2]int{g.col, g.row}] = true
	}
	want := map[int]string{0: "YT NT NU", 1: "BC AB SK MB ON QC NL", 2: "NB PE NS"}
	for row, codes := range want {
		if got := strings.Join(rows[row], " "); got != codes {
			t.Errorf("row %d = %q, want %q", row, got, codes)
		}
	}
	col := func(code string) int {
		for _, g := range tileGrid {
			if g.code == code {
				return g.col
			}
		}
		return -1
	}
	if col("NB") != col("QC") || col("NS") <= col("NL") {
		t.Error("the Maritimes must sit under Quebec and run east")
	}
}

func TestShadeFor(t *testing.T) {
	prev := -1
	for v := 0.0; v <= 200; v += 0.5 {
		sh := shadeFor(v, 200)
		i := -1
		for j := range shades {
			if shades[j] == sh {
				i = j
			}
		}
		if i < prev {
			t.Fatalf("shade went lighter at %v", v)
		}
		prev = i
	}
	if prev != len(shades)-1 {
		t.Error("the maximum did not reach the darkest step")
	}
	if shadeFor(5, 0) != zeroShade || shadeFor(math.NaN(), 10) != zeroShade || shadeFor(-1, 10) != zeroShade {
		t.Error("zero, NaN and negative values must be zero tiles")
	}
}

// luminance is the WCAG 2.1 relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	var rgb [3]float64
	for i := range rgb {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil || len(hex) != 7 {
			panic("bad colour " + hex)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			rgb[i] = c / 12.92
		} else {
			rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}

// contrast is the WCAG 2.1 contrast ratio of two colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func TestContrast(t *testing.T) {
	if c := contrast("#ffffff", "#000000"); math.Abs(c-21) > 1e-9 {
		t.Fatalf("white on black = %v, want 21", c)
	}
	const dark, light = "#1b1f24", "#ffffff"
	for i, sh := range append(shades, zeroShade) {
		c := contrast(sh.fill, sh.text)
		t.Logf("%s text on %s: %.2f:1", sh.text, sh.fill, c)
		if c < 4.5 {
			t.Errorf("step %d: %s on %s is %.2f:1, want ≥ 4.5", i, sh.text, sh.fill, c)
		}
		if other := map[string]string{dark: light, light: dark}[sh.text]; contrast(sh.fill, other) > c {
			t.Errorf("step %d: %s would read better on %s", i, other, sh.fill)
		}
	}
	for i := 1; i < len(shades); i++ {
		if luminance(shades[i].fill) >= luminance(shades[i-1].fill) {
			t.Errorf("step %d is not darker than step %d", i, i-1)
		}
	}
	if shades[0].text != dark || shades[len(shades)-1].text != light {
		t.Error("want dark text on the light steps and white on the dark")
	}
	// Graphical objects need 3:1 against the page (WCAG 1.4.11); the app's
	// light and dark backgrounds and surfaces are these.
	for _, bg := range []string{"#ffffff", "#f6f7f9", "#14171c", "#1d2128"} {
		for _, fill := range append([]string{barFill, zeroBorder}, seriesFills...) {
			if fill == zeroBorder && luminance(bg) < 0.5 {
				continue // zero tiles are light; their border is seen against them, below
			}
			if c := contrast(fill, bg); c < 3 {
				t.Errorf("%s on %s is %.2f:1, want ≥ 3", fill, bg, c)
			}
		}
	}
	if c := contrast(zeroBorder, zeroShade.fill); c < 3 {
		t.Errorf("zero tile border is %.2f:1 against its fill, want ≥ 3", c)
	}
	for _, fill := range seriesFills {
		if c := contrast(fill, "#ffffff"); c < 4.5 {
			t.Errorf("white segment labels on %s are %.2f:1, want ≥ 4.5", fill, c)
		}
	}
}
