// Package media turns the pictures organizers upload into the ones Convene shows: it reads JPEG,
// PNG, WebP and GIF files, turns phone photos upright, refuses files too large to read safely,
// resizes and crops each kind to its place, and re-encodes it, which leaves behind the metadata a
// camera writes (where and when a photo was taken).
package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif" // GIF is read (its first frame) but never written
	"image/png"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp" // WebP, what phones and browsers often save

	"github.com/opengovcall/convene"
)

// MaxPixels bounds what a file may unpack to, so a small file cannot claim a huge picture.
const MaxPixels = 50_000_000

// Shape is how one kind of picture is sized: the box it fills (cropping to its proportions) or fits
// in, and the smallest source that still looks sharp there.
type Shape struct {
	Width, Height       int
	Crop                bool // fill the box exactly, cutting what overflows; otherwise fit inside it
	MinWidth, MinHeight int
}

// Shapes are the kinds of picture Convene shows. A logo keeps its proportions and its transparency;
// a cover is a 4:1 banner, twice as sharp as a laptop shows it; a presenter's photo is a square.
var Shapes = map[string]Shape{
	convene.ImageLogo:     {Width: 320, Height: 320, MinWidth: 64, MinHeight: 64},
	convene.ImageCover:    {Width: 1600, Height: 400, Crop: true, MinWidth: 800, MinHeight: 200},
	convene.ImagePortrait: {Width: 256, Height: 256, Crop: true, MinWidth: 96, MinHeight: 96},
}

// Prepare reads an uploaded file and returns the picture to store for a kind, or an error naming
// the form field at fault in words the uploader can act on.
func Prepare(data []byte, kind, field string) (*convene.Image, error) {
	refuse := func(key string, args map[string]any) error {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: field, Key: key, Args: args})
	}
	if len(data) > convene.MaxImageUpload {
		return nil, refuse("image.too_large", map[string]any{"MB": convene.MaxImageUpload >> 20})
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, refuse("image.unsupported", nil)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
		return nil, refuse("image.too_many_pixels", map[string]any{"Megapixels": MaxPixels / 1_000_000})
	}
	src, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, refuse("image.unsupported", nil)
	}
	return From(src, kind, field)
}

// From makes a picture already read (or drawn) into the one to store for a kind.
func From(src image.Image, kind, field string) (*convene.Image, error) {
	shape, ok := Shapes[kind]
	if !ok {
		return nil, convene.Errorf(convene.EINTERNAL, "image.unsupported", nil)
	}
	b := src.Bounds()
	if b.Dx() < shape.MinWidth || b.Dy() < shape.MinHeight {
		return nil, convene.Invalid("form.invalid", nil, convene.FieldError{Field: field, Key: "image.too_small",
			Args: map[string]any{"Width": shape.MinWidth, "Height": shape.MinHeight}})
	}
	out := resize(src, shape)
	var buf bytes.Buffer
	var err error
	img := &convene.Image{ContentType: "image/jpeg"}
	if opaque(out) {
		err = imaging.Encode(&buf, out, imaging.JPEG, imaging.JPEGQuality(85))
	} else { // a logo on a transparent ground stays on one
		img.ContentType = "image/png"
		err = imaging.Encode(&buf, out, imaging.PNG, imaging.PNGCompressionLevel(png.BestCompression))
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	img.Hash, img.Data = hex.EncodeToString(sum[:]), buf.Bytes()
	img.Width, img.Height = out.Bounds().Dx(), out.Bounds().Dy()
	return img, nil
}

// resize scales a picture down to its shape, never up: a cropped shape is cut to the box's
// proportions around the centre, at most the box's size.
func resize(src image.Image, s Shape) image.Image {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	if !s.Crop {
		if w <= s.Width && h <= s.Height {
			return imaging.Clone(src)
		}
		return imaging.Fit(src, s.Width, s.Height, imaging.Lanczos)
	}
	// The largest box of the shape's proportions that fits the source, and no larger than the shape.
	bw, bh := w, w*s.Height/s.Width
	if bh > h {
		bw, bh = h*s.Width/s.Height, h
	}
	if bw > s.Width {
		bw, bh = s.Width, s.Height
	}
	if bw == w && bh == h {
		return imaging.Clone(src)
	}
	return imaging.Fill(src, bw, bh, imaging.Center, imaging.Lanczos)
}

// opaque reports whether every pixel of a picture is fully opaque.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return true
}
