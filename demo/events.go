package demo

import (
	"context"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// loadEvents records the gatherings the movement grew around: the 2018 summit session the call was
// born from, with the ideas raised there, and the OGP Global Summit the pilot prepared and followed
// up.
func loadEvents(ctx context.Context, st *store.Store, c *convene.Community, res *Result) error {
	toronto, err := convene.LoadZone("America/Toronto")
	if err != nil {
		return err
	}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, toronto) }
	session := &convene.Event{CommunityID: c.ID, Name: "Building an open government movement (Canadian Open Data Summit 2018)",
		StartsAt: at(2018, 6, 13, 13, 30), EndsAt: at(2018, 6, 13, 15, 0), TimeZone: "America/Toronto",
		Place: "Canadian Open Data Summit 2018",
		Description: "A session co-hosted with Jury Konga and Connie McCutcheon on how to better connect and build energy among " +
			"those of us working for a more open society. A series of ideas came out of it, written up as “Taking Action Together”: " +
			"some were unable to get off the ground, others have continued to have life."}
	if err := st.CreateEvent(ctx, inFrench(session)); err != nil {
		return err
	}
	ideas := []convene.Idea{
		{Title: "A monthly open government strategy call", Status: convene.IdeaPickedUp,
			Description: "A common meeting point for anyone working in the open government space: connect, share what we are working on, ask questions and align our work. It became the Open Government Community Call."},
		{Title: "A shared calendar of open government events", Status: convene.IdeaAbandoned,
			Description: "One place to see every gathering across jurisdictions and sectors. It never got off the ground."},
		{Title: "Reach beyond the usual suspects", Status: convene.IdeaProposed,
			Description: "Bring in people working to open government all across the country, not only in Ontario."},
		{Title: "A national open data society", Status: convene.IdeaPickedUp,
			Description: "A home for the people and organizations who publish and use open data across Canada."},
	}
	for i := range ideas {
		ideas[i].CommunityID, ideas[i].EventID = c.ID, session.ID
		if err := st.CreateIdea(ctx, inFrench(&ideas[i])); err != nil {
			return err
		}
	}

	calls, err := st.Calls(ctx, convene.CallFilter{CommunityID: c.ID, From: at(2019, 5, 1, 0, 0), To: at(2019, 7, 1, 0, 0)})
	if err != nil {
		return err
	}
	summit := &convene.Event{CommunityID: c.ID, Name: "Open Government Partnership Global Summit 2019",
		StartsAt: at(2019, 5, 29, 9, 0), EndsAt: at(2019, 5, 31, 17, 0), TimeZone: "America/Toronto",
		Place: "Ottawa, Ontario", Link: "https://www.opengovpartnership.org/",
		Description: "The OGP Global Summit hosted in Ottawa. The pilot season of the community call ran up to it to plan and " +
			"coordinate the community's efforts there, and was extended to June to build off its momentum."}
	for _, call := range calls {
		switch convene.DateOf(call.StartsAt.In(toronto)) {
		case date(2019, 5, 8):
			summit.Links = append(summit.Links, convene.EventLink{CallID: call.ID, Relation: convene.EventPrepares})
		case date(2019, 6, 12):
			summit.Links = append(summit.Links, convene.EventLink{CallID: call.ID, Relation: convene.EventFollowsUp})
		}
	}
	return st.CreateEvent(ctx, inFrench(summit))
}

// linkIdeas records which demo ideas became initiatives; it runs once the initiatives are loaded.
// An initiative missing from the demo leaves its idea as it is.
func linkIdeas(ctx context.Context, st *store.Store, c *convene.Community) error {
	became := map[string]string{"A national open data society": "Canadian Open Data Society"}
	ideas, err := st.Ideas(ctx, store.IdeaFilter{CommunityID: c.ID})
	if err != nil {
		return err
	}
	initiatives, err := st.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID})
	if err != nil {
		return err
	}
	for _, i := range ideas {
		name, ok := became[i.Title]
		if !ok {
			continue
		}
		for _, in := range initiatives {
			if in.Name == name {
				if err := st.LinkIdeaToInitiative(ctx, c.ID, i.ID, in.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
