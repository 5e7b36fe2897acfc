package chart

import (
	"html/template"
	"math"
	"strings"
)

// Tile is one province or territory on the tile map.
type Tile struct {
	Code  string // "ON"; matched case-insensitively
	Name  string // "Ontario", used in the hover title
	Value float64
	Text  string // the value as shown; the number when empty
	Href  string // optional link; only relative and http(s) URLs are kept
}

// tileGrid places the 13 provinces and territories (column, row) on an 8×3
// grid, west to east and north to south:
//
//	YT NT NU
//	BC AB SK MB ON QC NL
//	               NB PE NS
var tileGrid = []struct {
	code     string
	col, row int
}{
	{"YT", 0, 0}, {"NT", 1, 0}, {"NU", 2, 0},
	{"BC", 0, 1}, {"AB", 1, 1}, {"SK", 2, 1}, {"MB", 3, 1}, {"ON", 4, 1}, {"QC", 5, 1}, {"NL", 6, 1},
	{"NB", 5, 2}, {"PE", 6, 2}, {"NS", 7, 2},
}

// shade is one step of the tile map's sequential blue scale and the text
// colour that keeps at least 4.5:1 contrast on it.
type shade struct{ fill, text string }

// shades run from light to dark; the largest value takes the last.
var shades = []shade{
	{"#c6dbef", "#1b1f24"},
	{"#9ecae1", "#1b1f24"},
	{"#6baed6", "#1b1f24"},
	{"#2171b5", "#ffffff"},
	{"#08306b", "#ffffff"},
}

// zeroShade marks tiles with no value; a dashed border sets them apart from
// the lightest step without relying on colour.
var zeroShade = shade{"#eceef1", "#1b1f24"}

const zeroBorder = "#6b7380" // 4.8:1 on white, 3.9:1 on the dark background

// TileMap renders Canada's 13 provinces and territories as a grid of
// tiles, each showing its code and Text, shaded by Value on five steps of
// blue (the largest value is darkest). Unknown codes are ignored, missing
// ones and values that are 0, NaN or negative are drawn as grey zero tiles;
// when a code repeats, the first tile wins.
func TileMap(title, desc string, tiles []Tile) template.HTML {
	const size, gap = 72.0, 6.0
	byCode := make(map[string]Tile, len(tiles))
	top, links := 0.0, false
	for _, t := range tiles {
		code := strings.ToUpper(strings.TrimSpace(t.Code))
		if _, seen := byCode[code]; seen || !knownCode(code) {
			continue
		}
		byCode[code] = t
		top = math.Max(top, clean(t.Value))
		links = links || safeHref(t.Href) != ""
	}
	s := begin(title, desc, 8*(size+gap)+gap, 3*(size+gap)+gap, links)
	for _, g := range tileGrid {
		t := byCode[g.code]
		name := t.Name
		if name == "" {
			name = g.code
		}
		text := shown(t.Text, t.Value)
		x, y := gap+float64(g.col)*(size+gap), gap+float64(g.row)*(size+gap)
		sh := shadeFor(t.Value, top)
		end := s.item("tile", t.Href, name+": "+text)
		border := ""
		if sh == zeroShade {
			border = `stroke="` + zeroBorder + `" stroke-width="1.5" stroke-dasharray="4 3"`
		}
		s.rect(x, y, size, size, sh.fill, `rx="4" `+border)
		s.text(x+size/2, y+24, "middle", sh.text, g.code, `font-weight="bold" font-size="16"`)
		s.text(x+size/2, y+50, "middle", sh.text, truncate(text, 9), "")
		s.WriteString(end)
	}
	return s.end()
}

// shadeFor maps v onto the five steps so that top takes the darkest; zero,
// NaN and negative values, and any value when top is 0, get zeroShade.
func shadeFor(v, top float64) shade {
	v = clean(v)
	if v == 0 || top == 0 {
		return zeroShade
	}
	step := int(math.Ceil(v / top * float64(len(shades))))
	return shades[min(max(step, 1), len(shades))-1]
}

func knownCode(code string) bool {
	for _, g := range tileGrid {
		if g.code == code {
			return true
		}
	}
	return false
}
