package media_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/media"
)

// picture draws a w × h picture: its left half red, its right half blue, with the given alpha.
func picture(w, h int, alpha uint8) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: 220, A: alpha}
			if x >= w/2 {
				c = color.NRGBA{B: 220, A: alpha}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withExif puts an EXIF block after a JPEG's start marker: an orientation and a GPS latitude
// reference, as a phone writes them.
func withExif(jpg []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(2)) // two entries
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{orientation, 0})
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0001, 2}) // GPSLatitudeRef "N"
	binary.Write(&tiff, binary.BigEndian, uint32(2))
	tiff.WriteString("N\x00\x00\x00")
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}
	return append(append(append([]byte{0xFF, 0xD8}, seg...), app1...), jpg[2:]...)
}

func decode(t *testing.T, img *convene.Image) image.Image {
	out, format, err := image.Decode(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatal(err)
	}
	if "image/"+format != img.ContentType {
		t.Errorf("stored as %s but written as %s", img.ContentType, format)
	}
	if out.Bounds().Dx() != img.Width || out.Bounds().Dy() != img.Height {
		t.Errorf("said %d × %d, is %v", img.Width, img.Height, out.Bounds())
	}
	return out
}

func TestEachKindTakesItsShape(t *testing.T) {
	for _, tc := range []struct {
		kind         string
		w, h         int
		alpha        uint8
		wantW, wantH int
		wantType     string
	}{
		{convene.ImageCover, 1800, 600, 255, 1600, 400, "image/jpeg"},
		{convene.ImageCover, 1000, 900, 255, 1000, 250, "image/jpeg"}, // smaller than the box: cropped, not enlarged
		{convene.ImagePortrait, 400, 320, 255, 256, 256, "image/jpeg"},
		{convene.ImageLogo, 640, 320, 255, 320, 160, "image/jpeg"},
		{convene.ImageLogo, 100, 80, 0, 100, 80, "image/png"}, // small and transparent: kept as it is
	} {
		img, err := media.Prepare(encodePNG(t, picture(tc.w, tc.h, tc.alpha)), tc.kind, "f")
		if err != nil {
			t.Fatalf("%s %d × %d: %v", tc.kind, tc.w, tc.h, err)
		}
		if img.Width != tc.wantW || img.Height != tc.wantH || img.ContentType != tc.wantType {
			t.Errorf("%s %d × %d: got %s %d × %d, want %s %d × %d", tc.kind, tc.w, tc.h, img.ContentType, img.Width, img.Height, tc.wantType, tc.wantW, tc.wantH)
		}
		decode(t, img)
		if len(img.Hash) != 64 {
			t.Errorf("hash %q", img.Hash)
		}
		again, _ := media.Prepare(encodePNG(t, picture(tc.w, tc.h, tc.alpha)), tc.kind, "f")
		if again.Hash != img.Hash {
			t.Errorf("%s: the same upload stored twice under two names", tc.kind)
		}
	}
}

func TestPhonePhotosTurnUprightAndLoseTheirMetadata(t *testing.T) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(300, 150, 255), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	// Orientation 6: the camera was turned a quarter; the picture is to be shown rotated 90° clockwise.
	img, err := media.Prepare(withExif(b.Bytes(), 6), convene.ImageLogo, "f")
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 150 || img.Height != 300 {
		t.Errorf("a turned photo is %d × %d, want 150 × 300", img.Width, img.Height)
	}
	out := decode(t, img)
	// Turned clockwise, the red left half is now on top.
	if r, _, bl, _ := out.At(75, 50).RGBA(); r < bl {
		t.Errorf("the top of the turned photo is not red")
	}
	if bytes.Contains(img.Data, []byte("Exif")) {
		t.Error("the stored photo still carries its EXIF block (and where it was taken)")
	}
}

func TestBadFilesAreRefusedWithAReason(t *testing.T) {
	// A PNG that claims to be 100 000 × 100 000 pixels: refused before it is unpacked.
	bomb := encodePNG(t, picture(1, 1, 255))
	binary.BigEndian.PutUint32(bomb[16:], 100_000)
	binary.BigEndian.PutUint32(bomb[20:], 100_000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))

	for _, tc := range []struct {
		name, kind string
		data       []byte
		key        string
	}{
		{"not a picture", convene.ImageLogo, []byte("<svg xmlns='http://www.w3.org/2000/svg'></svg>"), "image.unsupported"},
		{"too small for a cover", convene.ImageCover, encodePNG(t, picture(600, 400, 255)), "image.too_small"},
		{"too many pixels", convene.ImageLogo, bomb, "image.too_many_pixels"},
		{"too large a file", convene.ImageLogo, make([]byte, convene.MaxImageUpload+1), "image.too_large"},
	} {
		_, err := media.Prepare(tc.data, tc.kind, "logo")
		e, ok := convene.AsError(err)
		if !ok || e.Code != convene.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "logo" || e.Fields[0].Key != tc.key {
			t.Errorf("%s: got %v, want %s on the logo field", tc.name, err, tc.key)
		}
	}
}
