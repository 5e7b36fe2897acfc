package media_test

import (
	"bytes"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/media"
)

// BenchmarkPreparePhoneCover makes a cover from a 12-megapixel phone photo (4032 × 3024 JPEG),
// the largest upload organizers commonly make: decode, crop, resize, encode.
func BenchmarkPreparePhoneCover(b *testing.B) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture(4032, 3024, 255), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := media.Prepare(buf.Bytes(), convene.ImageCover, "cover"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrepareLogo makes a logo from a 1000 × 1000 transparent PNG.
func BenchmarkPrepareLogo(b *testing.B) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, picture(1000, 1000, 0)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for b.Loop() {
		if _, err := media.Prepare(data, convene.ImageLogo, "logo"); err != nil {
			b.Fatal(err)
		}
	}
}
