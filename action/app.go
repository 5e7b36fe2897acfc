// Package action is Convene's application layer: the write actions that the pages, the JSON API and
// the command line share. Each action checks who acts against their rights in the community, then
// asks the store, which keeps the rules that hold whoever writes (required answers, capacity, past
// and cancelled calls, rate limits). A handler reads its input and shows the outcome; it decides
// nothing an action decides.
package action

import (
	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/notify"
	"github.com/opengovcall/convene/store"
)

// Actions run the shared write actions of one instance.
type Actions struct {
	store *store.Store
	mails notify.Writer
	wake  func()
}

// New builds the application layer over a store. mails composes the mail some actions send;
// wake, when set, is called after an action wrote mail to the outbox so it goes out now.
func New(st *store.Store, mails notify.Writer, wake func()) *Actions {
	return &Actions{store: st, mails: mails, wake: wake}
}

// Actor is someone acting in one community: their account (nil for a stranger) and their rights
// there, as the caller worked them out (an API token's scopes already applied).
type Actor struct {
	User   *convene.User
	Rights convene.Rights
	// Lang is the language they use Convene in: what they write is taken to be in it unless
	// they say otherwise.
	Lang string
}

// writtenIn is the language of a text the actor wrote: the one they named, or theirs.
func (a Actor) writtenIn(lang string) string {
	if lang != "" {
		return lang
	}
	return a.Lang
}

// signedIn returns the actor's account, or asks a stranger to sign in.
func (a Actor) signedIn() (*convene.User, error) {
	if a.User == nil {
		return nil, convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	return a.User, nil
}

// member returns the actor's account if they belong to the community; refusal names the action.
func (a Actor) member(refusal string) (*convene.User, error) {
	u, err := a.signedIn()
	if err != nil {
		return nil, err
	}
	if !a.Rights.Member() {
		return nil, convene.Errorf(convene.EFORBIDDEN, refusal, nil)
	}
	return u, nil
}

// ErrForbidden refuses an action the actor has no right to, without naming a reason.
var ErrForbidden = convene.Errorf(convene.EFORBIDDEN, "error.forbidden", nil)

func (a *Actions) wakeMail() {
	if a.wake != nil {
		a.wake()
	}
}
