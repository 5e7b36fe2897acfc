package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/opengovcall/convene"
)

// kitExposed reports the stricter level a call keeps for a meeting that its series shows more
// openly on its other calls: a recurring meeting's link, ID and passcode are one secret, so
// hiding them on one call protects nothing while the others show them. It returns "" when the
// call is no stricter, or when its own kit is another meeting.
func (s *Server) kitExposed(ctx context.Context, call *convene.Call, kit *convene.JoinKit, own bool) (string, error) {
	if call.JoinVisibility == "" || call.Series == nil {
		return "", nil
	}
	seriesLevel := call.Series.JoinVisibility
	if seriesLevel == "" {
		seriesLevel = convene.JoinEveryone
	}
	if slices.Index(convene.JoinLevels, call.JoinVisibility) <= slices.Index(convene.JoinLevels, seriesLevel) {
		return "", nil
	}
	if own {
		shared, err := s.store.SeriesJoinKit(ctx, call.SeriesID)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			return "", nil
		} else if err != nil {
			return "", err
		}
		if !sameMeeting(kit, shared) {
			return "", nil
		}
	}
	return call.JoinVisibility, nil
}

// sameMeeting reports whether two kits open the same meeting: the same meeting ID or link.
func sameMeeting(a, b *convene.JoinKit) bool {
	return (a.MeetingID != "" && a.MeetingID == b.MeetingID) || (a.JoinURL != "" && a.JoinURL == b.JoinURL)
}

// seriesJoinVisibility applies a join-kit level to a whole series, from the warning on a call
// that keeps its shared meeting stricter than the series does.
func (s *Server) seriesJoinVisibility(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	sr, err := s.seriesOf(r, c)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.store.SetSeriesJoinVisibility(r.Context(), c.ID, sr.ID, vals.Get("join_visibility")); err != nil {
		return err
	}
	return s.redirect(w, r, localPath(vals.Get("next")), "flash.joinkit_level_applied")
}
