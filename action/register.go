package action

import (
	"context"

	"github.com/opengovcall/convene"
)

// Register gives the actor a place at a call (or a waitlist spot) and returns which; with series
// set it subscribes them to the call's whole series instead and returns RegRegistered. The store
// checks what holds for every path: answers to the series' required questions, capacity, and
// that the call still takes registrations.
func (a *Actions) Register(ctx context.Context, who Actor, call *convene.Call, series bool, answers map[string]string) (string, error) {
	u, err := who.signedIn()
	if err != nil {
		return "", err
	}
	if series {
		if err := a.Subscribe(ctx, who, call.SeriesID, answers); err != nil {
			return "", err
		}
		return convene.RegRegistered, nil
	}
	status, err := a.store.Register(ctx, call.ID, u.ID, answers)
	if err != nil {
		return "", err
	}
	a.wakeMail()
	return status, nil
}

// Subscribe registers the actor for every coming call of a series and those added later.
func (a *Actions) Subscribe(ctx context.Context, who Actor, seriesID int64, answers map[string]string) error {
	u, err := who.signedIn()
	if err != nil {
		return err
	}
	if err := a.store.Subscribe(ctx, seriesID, u.ID, answers); err != nil {
		return err
	}
	a.wakeMail()
	return nil
}

// CancelRegistration gives up the actor's place at a call; the first person waiting takes it.
func (a *Actions) CancelRegistration(ctx context.Context, who Actor, callID int64) error {
	u, err := who.signedIn()
	if err != nil {
		return err
	}
	if err := a.store.CancelRegistration(ctx, callID, u.ID); err != nil {
		return err
	}
	a.wakeMail()
	return nil
}

// Unsubscribe ends the actor's subscription to a series and gives up their coming places.
func (a *Actions) Unsubscribe(ctx context.Context, who Actor, seriesID int64) error {
	u, err := who.signedIn()
	if err != nil {
		return err
	}
	if err := a.store.Unsubscribe(ctx, seriesID, u.ID); err != nil {
		return err
	}
	a.wakeMail()
	return nil
}
