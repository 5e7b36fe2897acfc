package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Message is one mail the server accepted, with its envelope and its decoded content.
type Message struct {
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO)
	Username string   // the PLAIN username the client signed in with, empty without AUTH
	Raw      []byte   // the message as received
	Header   mail.Header
	Subject  string // decoded from RFC 2047
	Text     string // the first text/plain part, decoded, with LF line endings
	HTML     string // the first text/html part, decoded, with LF line endings
	// Calendar is the first text/calendar part, decoded, with its line endings as sent (CRLF).
	Calendar string
	// CalendarMethod is the method parameter of that part's Content-Type, as written.
	CalendarMethod string
	// Attachments are the parts sent as attachments (or with a file name), in order. They are
	// not bodies: an attached text/plain or text/calendar fills neither Text nor Calendar.
	Attachments []Attachment
}

// Attachment is one attached file.
type Attachment struct {
	Filename    string // from Content-Disposition, else the Content-Type name, decoded
	ContentType string // the media type, lower case, without parameters: "application/ics"
	Data        []byte // decoded from its transfer encoding, byte for byte
}

// header is what walk reads of a message's or a part's header.
type header interface{ Get(key string) string }

// decode parses a received message and pulls out its subject, bodies and attachments.
func decode(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	m := Message{Raw: raw, Header: msg.Header}
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	err = m.walk(msg.Header, msg.Body)
	return m, err
}

// walk decodes one MIME entity, descending into multipart ones (mixed, alternative, related, at
// any depth), and fills Text, HTML and Calendar with the first part of each kind and Attachments
// with every attachment.
func (m *Message) walk(h header, body io.Reader) error {
	contentType := h.Get("Content-Type")
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart leaves the transfer encoding to us, so every part is decoded the same way.
			p, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			if err := m.walk(p.Header, p); err != nil {
				return err
			}
		}
	}
	encoding := h.Get("Content-Transfer-Encoding")
	if filename, ok, err := attachmentName(h, params); err != nil {
		return fmt.Errorf("%s: %w", mediaType, err)
	} else if ok {
		data, err := decodeRaw(encoding, body)
		if err != nil {
			return fmt.Errorf("attachment %q: %w", filename, err)
		}
		m.Attachments = append(m.Attachments, Attachment{Filename: filename, ContentType: mediaType, Data: data})
		return nil
	}
	if mediaType != "text/plain" && mediaType != "text/html" && mediaType != "text/calendar" {
		return nil
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return fmt.Errorf("charset %q is not supported by smtptest", cs)
	}
	data, err := decodeRaw(encoding, body)
	if err != nil {
		return fmt.Errorf("%s: %w", mediaType, err)
	}
	switch {
	case mediaType == "text/plain" && m.Text == "":
		m.Text = lf(data)
	case mediaType == "text/html" && m.HTML == "":
		m.HTML = lf(data)
	case mediaType == "text/calendar" && m.Calendar == "":
		// iCalendar lines end with CRLF (RFC 5545), and a test may want to see them.
		m.Calendar, m.CalendarMethod = string(data), params["method"]
	}
	return nil
}

// attachmentName tells whether a part is an attachment, that is whether it says
// "Content-Disposition: attachment" or has a file name, and returns that name, decoded.
func attachmentName(h header, typeParams map[string]string) (string, bool, error) {
	var disposition string
	var params map[string]string
	if cd := h.Get("Content-Disposition"); cd != "" {
		var err error
		if disposition, params, err = mime.ParseMediaType(cd); err != nil {
			return "", false, fmt.Errorf("content disposition %q: %w", cd, err)
		}
	}
	name := params["filename"]
	if name == "" {
		name = typeParams["name"]
	}
	if disposition != "attachment" && name == "" {
		return "", false, nil
	}
	// mime.ParseMediaType undoes RFC 2231 (filename*=); RFC 2047 words are what go-mail and
	// many clients write instead.
	decoded, err := new(mime.WordDecoder).DecodeHeader(name)
	if err != nil {
		return "", false, fmt.Errorf("file name %q: %w", name, err)
	}
	return decoded, true, nil
}

// decodeRaw undoes a Content-Transfer-Encoding, leaving line endings as they are.
func decodeRaw(encoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // it skips the line breaks itself
	case "", "7bit", "8bit", "binary":
	default:
		return nil, fmt.Errorf("unknown transfer encoding %q", encoding)
	}
	return io.ReadAll(body)
}

// lf turns CRLF line endings into LF.
func lf(b []byte) string {
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}
