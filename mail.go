package convene

import "time"

// Mail is one email Convene sends. It is written to the outbox in the transaction of the change
// that caused it, and delivered by the mail worker.
type Mail struct {
	To      string `json:"to"`
	ToName  string `json:"to_name,omitempty"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
	// Calendar is a whole iCalendar object (CRLF line ends, with METHOD) sent as an invitation.
	Calendar string `json:"calendar,omitempty"`
	// CalendarMethod is the iTIP method of Calendar: "REQUEST", "CANCEL" or "PUBLISH".
	CalendarMethod string `json:"calendar_method,omitempty"`
	// Unsubscribe is a signed address that stops this kind of mail in one click, without signing
	// in: sent as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058).
	Unsubscribe string `json:"unsubscribe,omitempty"`
}

// OutboxItem is a mail waiting in the outbox, as the worker claims it.
type OutboxItem struct {
	ID       int64
	Mail     Mail
	Attempts int // delivery attempts so far, this one included
	Created  time.Time
}
