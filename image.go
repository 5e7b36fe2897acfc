package convene

import "time"

// Kinds of picture, each with its own size and place.
const (
	ImageLogo     = "logo"     // the community's mark, beside its name
	ImageCover    = "cover"    // a wide banner across the top of the community's page
	ImagePortrait = "portrait" // a presenter's photo on an agenda
)

// MaxImageUpload is the largest picture file Convene accepts, before it resizes it.
const MaxImageUpload = 8 << 20

// Image is a picture a community shows, as Convene stored it: resized, and re-encoded without the
// metadata a camera writes (where and when it was taken).
type Image struct {
	ID          int64
	CommunityID int64
	Hash        string // hex SHA-256 of Data: its address, so a browser may keep it for good
	ContentType string // image/jpeg or image/png
	Width       int
	Height      int
	Data        []byte // empty when only its place on a page is wanted
	CreatedAt   time.Time
}

// File is the image's file name in its address: its hash and the extension of its type.
func (i *Image) File() string {
	if i.ContentType == "image/png" {
		return i.Hash + ".png"
	}
	return i.Hash + ".jpg"
}
