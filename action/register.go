package action

import (
	"context"

	"github.com/opengovcall/convene"
)

// Register gives the actor a place at a call (or a waitlist spot) in the way they attend and
// returns which; with series set it subscribes them to the call's whole series instead, and
// this call takes the way they chose and their accommodation request. The store checks what holds
// for every path: answers to the series' required questions, capacity per way of attending, and
// that the call still takes registrations.
func (a *Actions) Register(ctx context.Context, who Actor, call *convene.Call, series bool, in convene.Signup) (string, error) {
	u, err := who.signedIn()
	if err != nil {
		return "", err
	}
	if series {
		if _, err := call.AttendMode(in.Mode, false); err != nil { // asked before anything is written
			return "", err
		}
		if err := convene.CheckAccommodation(convene.Para(in.Accommodation)); err != nil {
			return "", err
		}
		if err := a.Subscribe(ctx, who, call.SeriesID, in.Answers); err != nil {
			return "", err
		}
		status := convene.RegRegistered
		if in.Mode != "" || in.Accommodation != "" {
			if status, err = a.store.SignUp(ctx, call.ID, u.ID, in); err != nil {
				return "", err
			}
			a.wakeMail()
		}
		return status, nil
	}
	status, err := a.store.SignUp(ctx, call.ID, u.ID, in)
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

// SetAccommodation changes what the actor asked for to take part in a call ("" withdraws it); the
// organizers are mailed a new request.
func (a *Actions) SetAccommodation(ctx context.Context, who Actor, callID int64, text string) error {
	u, err := who.signedIn()
	if err != nil {
		return err
	}
	if err := a.store.SetAccommodation(ctx, callID, u.ID, text); err != nil {
		return err
	}
	a.wakeMail()
	return nil
}
