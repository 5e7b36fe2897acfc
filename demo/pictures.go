package demo

import (
	"context"
	"image"
	"image/color"
	"math"
	"sync"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/media"
	"github.com/opengovcall/convene/store"
)

// The demo community's logo and cover are drawn here, dots joined into a network (a movement of
// people across the country), so a newcomer sees a page with pictures, and each goes through the
// same resizing and storing as an organizer's upload.

// dot is a filled circle: its centre and radius as fractions of the picture's height.
type dot struct{ x, y, r float64 }

// link joins two dots with a line of the given width.
type link struct {
	a, b  int
	width float64
}

// network draws dots and links in one colour over a ground (transparent when its alpha is 0),
// with edges smoothed over a pixel. Each shape only visits the pixels around it.
func network(w, h int, ground func(x, y int) color.NRGBA, ink color.NRGBA, dots []dot, links []link) *image.NRGBA {
	s := float64(h)
	cover := make([]float64, w*h)
	paint := func(x0, y0, x1, y1 float64, inside func(px, py float64) float64) {
		for y := max(0, int(y0)-1); y < min(h, int(y1)+2); y++ {
			for x := max(0, int(x0)-1); x < min(w, int(x1)+2); x++ {
				cover[y*w+x] = math.Max(cover[y*w+x], edge(inside(float64(x)+0.5, float64(y)+0.5)))
			}
		}
	}
	for _, d := range dots {
		cx, cy, r := d.x*s, d.y*s, d.r*s
		paint(cx-r, cy-r, cx+r, cy+r, func(px, py float64) float64 { return r - math.Hypot(px-cx, py-cy) })
	}
	for _, l := range links {
		ax, ay, bx, by, half := dots[l.a].x*s, dots[l.a].y*s, dots[l.b].x*s, dots[l.b].y*s, l.width*s/2
		paint(math.Min(ax, bx)-half, math.Min(ay, by)-half, math.Max(ax, bx)+half, math.Max(ay, by)+half,
			func(px, py float64) float64 { return half - segment(px, py, ax, ay, bx, by) })
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, over(ink, cover[y*w+x], ground(x, y)))
		}
	}
	return img
}

// edge is how much of a pixel a shape covers, given how far inside its edge the pixel's centre is.
func edge(inside float64) float64 { return math.Min(1, math.Max(0, inside+0.5)) }

// segment is a point's distance to the segment from (ax, ay) to (bx, by).
func segment(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/(dx*dx+dy*dy)))
	return math.Hypot(px-ax-t*dx, py-ay-t*dy)
}

// over lays ink covering a share of a pixel over its ground, which is either clear or opaque.
func over(ink color.NRGBA, share float64, ground color.NRGBA) color.NRGBA {
	share *= float64(ink.A) / 255
	if ground.A == 0 {
		return color.NRGBA{ink.R, ink.G, ink.B, uint8(255*share + 0.5)}
	}
	mix := func(a, b uint8) uint8 { return uint8(float64(a)*share + float64(b)*(1-share) + 0.5) }
	return color.NRGBA{mix(ink.R, ground.R), mix(ink.G, ground.G), mix(ink.B, ground.B), ground.A}
}

var (
	pictures    struct{ logo, cover *convene.Image }
	picturesErr error
	drawOnce    sync.Once
)

// drawPictures draws and prepares the logo and the cover once per process.
func drawPictures() (logo, cover *convene.Image, err error) {
	drawOnce.Do(func() {
		blue := color.NRGBA{0x0b, 0x57, 0xa4, 0xff}
		white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
		// The logo: a blue disc holding three white dots joined in a triangle, on a clear ground.
		disc := func(x, y int) color.NRGBA {
			if edge(160-math.Hypot(float64(x)-159.5, float64(y)-159.5)) > 0 {
				return over(blue, edge(160-math.Hypot(float64(x)-159.5, float64(y)-159.5)), color.NRGBA{})
			}
			return color.NRGBA{}
		}
		logo := network(320, 320, disc, white, []dot{{0.5, 0.27, 0.085}, {0.29, 0.66, 0.085}, {0.71, 0.66, 0.085}},
			[]link{{0, 1, 0.03}, {1, 2, 0.03}, {2, 0, 0.03}})
		// The cover: dots of every size joined across a band from blue to teal.
		band := func(x, y int) color.NRGBA {
			t := float64(x) / 1600
			return color.NRGBA{uint8(0x0b + t*(0x0e-0x0b)), uint8(0x57 + t*(0x7c-0x57)), uint8(0xa4 + t*(0x86-0xa4)), 0xff}
		}
		var dots []dot
		for i := range 14 {
			f := float64(i)
			dots = append(dots, dot{x: 0.2 + f*0.28, y: 0.5 + 0.32*math.Sin(f*1.7), r: 0.025 + 0.02*math.Abs(math.Cos(f*2.3))})
		}
		var links []link
		for i := range len(dots) - 1 {
			links = append(links, link{i, i + 1, 0.008})
			if i%3 == 0 && i+3 < len(dots) {
				links = append(links, link{i, i + 3, 0.006})
			}
		}
		cover := network(1600, 400, band, color.NRGBA{0xff, 0xff, 0xff, 0xd0}, dots, links)
		if pictures.logo, picturesErr = media.From(logo, convene.ImageLogo, "logo"); picturesErr == nil {
			pictures.cover, picturesErr = media.From(cover, convene.ImageCover, "cover")
		}
	})
	if picturesErr != nil {
		return nil, nil, picturesErr
	}
	l, c := *pictures.logo, *pictures.cover // each community gets its own copy to store
	return &l, &c, nil
}

// loadPictures gives the demo community its logo and cover, with words for each in both languages.
func loadPictures(ctx context.Context, st *store.Store, c *convene.Community) error {
	logo, cover, err := drawPictures()
	if err != nil {
		return err
	}
	c.Logo, c.LogoAlt = logo, "Open Government Community Call logo: three dots joined in a blue circle"
	c.Cover, c.CoverAlt = cover, "Dots of every size joined into a network across a blue band"
	c.Translations.Set("fr", "logo_alt", "Logo de l’Appel communautaire pour un gouvernement ouvert : trois points reliés dans un cercle bleu")
	c.Translations.Set("fr", "cover_alt", "Des points de toutes tailles reliés en réseau sur une bande bleue")
	return st.UpdateCommunity(ctx, c)
}
