package notify

import (
	"context"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// accommodationJob mails each organizer of a call's community what a registrant asked for to
// take part, in the organizer's language and zone. The request is read when the job runs: one
// withdrawn or changed since says what holds now, and none is sent for a request withdrawn.
func (n *Runner) accommodationJob(ctx context.Context, p store.AccommodationPayload) (store.JobResult, error) {
	var res store.JobResult
	call, err := n.Store.CallByID(ctx, p.CallID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return res, nil
	} else if err != nil {
		return res, err
	}
	reg, err := n.Store.RegistrationOf(ctx, p.CallID, p.UserID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return res, nil // they left, and their request with them
	} else if err != nil {
		return res, err
	}
	if reg.Accommodation == "" || reg.Status == convene.RegCancelled {
		return res, nil
	}
	c, err := n.Store.CommunityByID(ctx, call.CommunityID)
	if err != nil {
		return res, err
	}
	members, err := n.Store.Members(ctx, c.ID)
	if err != nil {
		return res, err
	}
	link := n.abs(CallPath(c, call) + "/registrations#accommodations")
	for _, m := range members {
		if !convene.CanOrganize(m.Role) {
			continue
		}
		u := m.User
		l := n.Mails.Catalog.Localizer(u.Language())
		convene.Localize(call, l.Lang, c.Primary())
		if call.Series != nil {
			convene.Localize(call.Series, l.Lang, c.Primary())
		}
		res.Mails = append(res.Mails, n.Mails.Compose(u.Email, u.Name, u.Language(), "mail.accommodation.subject", "mail.accommodation.body",
			"Call", call.DisplayTitle(), "When", n.Mails.When(u.Language(), call, u.TimeZone), "Name", reg.User.Name,
			"Request", reg.Accommodation, "Link", link, "Community", c.Name))
	}
	return res, nil
}
