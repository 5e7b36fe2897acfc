// Package mail delivers the mails Convene writes to its outbox: a worker claims them from the
// store and hands them to a sender, which speaks SMTP to a relay or, in the demo, writes them to
// the log.
package mail

import (
	"context"

	"github.com/opengovcall/convene"
)

// Sender delivers a batch of outbox mails. It returns one error per item, in order: nil when the
// server accepted that mail, otherwise why it did not. Errors may name the recipient; the worker
// masks the address before it logs or stores them.
type Sender interface {
	Send(ctx context.Context, items []convene.OutboxItem) []error
}
