package web

import (
	"context"
	"strconv"

	"github.com/opengovcall/convene"
)

// A new community's organizers see what is left to set up, in order: a series, a season that
// schedules its calls, the join details, and the next call's announcement. Each step links to
// where it is done; the list goes once everything is.

type setupStep struct {
	Label string
	Href  string
	Done  bool
}

// setupChecklist is the community's setup steps, or nil when all are done.
func (s *Server) setupChecklist(ctx context.Context, l *Localizer, c *convene.Community, series []*convene.Series, next *convene.Call) ([]setupStep, error) {
	base := "/c/" + c.Slug
	steps := []setupStep{{Label: l.T("checklist.series"), Href: base + "/series/new", Done: len(series) > 0}}
	season, kit, announce := setupStep{Label: l.T("checklist.season")}, setupStep{Label: l.T("checklist.joinkit")}, setupStep{Label: l.T("checklist.announce")}
	if len(series) > 0 {
		sr := series[0]
		path := base + "/series/" + strconv.FormatInt(sr.ID, 10)
		season.Href, kit.Href = path+"/seasons/new", path+"/joinkit"
		seasons, err := s.store.SeasonsOf(ctx, sr.ID)
		if err != nil {
			return nil, err
		}
		season.Done = len(seasons) > 0
		if _, err := s.store.SeriesJoinKit(ctx, sr.ID); err == nil {
			kit.Done = true
		} else if convene.ErrorCode(err) != convene.ENOTFOUND {
			return nil, err
		}
	}
	if next != nil {
		announce.Href = callPath(c, next) + "/announcement"
		done, err := s.store.Announced(ctx, next.ID)
		if err != nil {
			return nil, err
		}
		announce.Done = done
	}
	steps = append(steps, season, kit, announce)
	for _, st := range steps {
		if !st.Done {
			return steps, nil
		}
	}
	return nil, nil
}
