package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/media"
)

// Pictures are chosen in the forms of what shows them (a community's logo and cover on its edit
// form, a presenter's photo on the agenda item's) as an "image" field: the picture it has now, a
// file input and a box that removes it. Convene resizes and stores them (see package media) and
// serves them under their hash, so a browser keeps them until they change.

// maxFormUpload bounds a form that carries pictures: two full-size files and the form's text.
const maxFormUpload = 2*convene.MaxImageUpload + 64<<10

// imageField is a form's picture control; the current picture's address is its value.
func imageField(l *Localizer, name, label, hint string) Field {
	return Field{Name: name, Label: label, Type: "image", Hint: hint, Placeholder: l.T("image.remove")}
}

// imagePath is where a community's picture is served.
func imagePath(c *convene.Community, img *convene.Image) string {
	if img == nil {
		return ""
	}
	return "/c/" + c.Slug + "/images/" + img.File()
}

// hasPictures reports whether a form has a picture field, and so posts its files.
func hasPictures(fields []Field) bool {
	return slices.ContainsFunc(fields, func(f Field) bool { return f.Type == "image" })
}

// Multipart reports whether the form posts files (the "form" template's enctype).
func (f Form) Multipart() bool { return hasPictures(f.Fields) }

// parseUpload reads a posted form that may carry pictures, refusing one over the size limit; a
// form posted without files (a script's, or a browser's that sends none) is read as any other.
func parseUpload(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return parseForm(w, r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormUpload)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, convene.Invalid("image.too_large", map[string]any{"MB": convene.MaxImageUpload >> 20})
		}
		return nil, convene.Invalid("form.unreadable", nil)
	}
	if !validValues(r.PostForm) {
		return nil, convene.Invalid("form.bad_text", nil)
	}
	return r.PostForm, nil
}

// pictureOf is the picture an image field leaves in place once posted: none when its box to remove
// it is ticked, the uploaded file made ready for its kind, or else the one there was. A file it
// cannot use leaves the one there was and adds why to errs, so the form shows every error at once.
func pictureOf(r *http.Request, vals url.Values, field, kind string, current *convene.Image, errs *[]convene.FieldError) *convene.Image {
	if vals.Get(field+":remove") != "" {
		return nil
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 || r.MultipartForm.File[field][0].Size == 0 {
		return current
	}
	unreadable := convene.FieldError{Field: field, Key: "form.unreadable"}
	f, err := r.MultipartForm.File[field][0].Open()
	if err != nil {
		*errs = append(*errs, unreadable)
		return current
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, convene.MaxImageUpload+1))
	if err != nil {
		*errs = append(*errs, unreadable)
		return current
	}
	img, err := media.Prepare(data, kind, field)
	if e, ok := convene.AsError(err); ok && len(e.Fields) > 0 {
		*errs = append(*errs, e.Fields...)
		return current
	} else if err != nil {
		*errs = append(*errs, unreadable)
		return current
	}
	return img
}

// image serves one of a community's pictures. Its address names its bytes, so it never changes:
// browsers and proxies may keep it for a year.
func (s *Server) image(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	hash, ext, _ := strings.Cut(r.PathValue("file"), ".")
	img, err := s.store.Image(r.Context(), c.ID, hash)
	if err != nil {
		return err
	}
	if img.File() != hash+"."+ext {
		return convene.NotFound("image.not_found")
	}
	h := w.Header()
	h.Set("Content-Type", img.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(img.Data)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+img.Hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+img.Hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	_, err = w.Write(img.Data)
	return err
}
