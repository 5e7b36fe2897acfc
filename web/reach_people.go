package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// reachList is the people behind one figure.
type reachList struct {
	Heading string
	People  []reachPersonView
	More    string // says the list is cut, when it is
	Back    string
}

type reachPersonView struct {
	Name, Jurisdiction, Sector string
	URL                        string
	Calls                      int
	Guest                      bool
}

// reachPeople lists the people behind one figure, for organizers only.
func (s *Server) reachPeople(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	l := b.L
	f, err := reachFilterOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pf := convene.ReachPeopleFilter{Kind: q.Get("kind"), Jurisdiction: q.Get("jurisdiction"), Sector: q.Get("sector")}
	if pf.Kind == "" {
		pf.Kind = convene.ReachAttended
	}
	if v := q.Get("call"); v != "" {
		if pf.CallID, err = strconv.ParseInt(v, 10, 64); err != nil || pf.CallID <= 0 {
			return convene.Invalid("reach.bad_list", nil, convene.FieldError{Field: "call", Key: "reach.call_unknown"})
		}
	}
	people, more, err := s.store.ReachPeople(ctx, c, f, pf)
	if err != nil {
		return err
	}
	rep := &convene.ReachReport{Filter: f}
	if f.SeasonID != 0 {
		seasons, err := s.store.ReachSeasons(ctx, c.ID)
		if err != nil {
			return err
		}
		for i := range seasons {
			if seasons[i].ID == f.SeasonID {
				rep.Season = &seasons[i]
			}
		}
	}
	var parts []string
	if pf.Jurisdiction != "" {
		parts = append(parts, jurisdictionLabel(l, strings.TrimPrefix(pf.Jurisdiction, convene.ReachNone)))
	}
	if pf.Sector != "" {
		parts = append(parts, sectorLabel(l, strings.TrimPrefix(pf.Sector, convene.ReachNone)))
	}
	if pf.CallID != 0 {
		parts = append(parts, l.T("reach.people.call", "ID", pf.CallID))
	}
	list := &reachList{Back: "/c/" + c.Slug + "/reach"}
	if rq := reachQuery(f).Encode(); rq != "" {
		list.Back += "?" + rq
	}
	if more {
		list.More = l.T("reach.people.more", "Max", store.MaxReachPeople)
	}
	list.Heading = l.T("reach.people.kind." + pf.Kind)
	if len(parts) > 0 {
		list.Heading += " · " + strings.Join(parts, " · ")
	}
	p := reachPage{base: b, Range: reachRangeText(l, rep), List: list}
	p.Title = list.Heading
	for _, person := range people {
		pv := reachPersonView{Name: person.Name, Jurisdiction: jurisdictionLabel(l, person.Jurisdiction), Sector: sectorLabel(l, person.Sector),
			Calls: person.Calls, Guest: person.UserID == 0}
		if person.Province != "" {
			pv.Jurisdiction = placeLabel(l, person.Jurisdiction, "", person.Province)
		}
		if person.UserID != 0 {
			pv.URL = "/c/" + c.Slug + "/people/" + strconv.FormatInt(person.UserID, 10)
		}
		if pv.Name == "" {
			pv.Name = l.T("reach.people.former")
		}
		list.People = append(list.People, pv)
	}
	return s.render(w, http.StatusOK, "reach", p)
}
