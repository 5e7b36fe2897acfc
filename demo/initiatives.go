package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// demoInitiative is one of the projects the announcement names, with what it reported and asked.
type demoInitiative struct {
	name, description, jurisdiction, sector, status string
	links                                           []string
	leads                                           []string // demo members' names
	updates                                         []demoUpdate
	asks                                            []demoAsk
	started, finished                               time.Time // when known; otherwise the demo's load
}

type demoUpdate struct {
	body   string
	reboot bool      // presented at the reboot call, and dated that day
	on     time.Time // otherwise, when it was reported
}

type demoAsk struct{ kind, body string }

// pilot is a day of the 2019 pilot season, at the calls' noon in Toronto.
func pilot(m time.Month, d int) time.Time { return time.Date(2019, m, d, 17, 0, 0, 0, time.UTC) }

var initiatives = []demoInitiative{
	{name: "Open Clearinghouse", status: convene.InitiativeActive, jurisdiction: "federal", sector: "civil_society", started: pilot(time.February, 13),
		description: "A shared clearinghouse of open government resources: guides, research, tools and contacts, gathered by the community for anyone working in the open government space.",
		links:       []string{"https://example.org/open-clearinghouse"}, leads: []string{"Bethany Clarke", "Ethan Wong"},
		updates: []demoUpdate{
			{body: "The first hundred resources are catalogued and tagged by jurisdiction and sector.", on: pilot(time.March, 13)},
			{body: "We added a French interface and are looking for resources from outside Ontario.", reboot: true},
		},
		asks: []demoAsk{{kind: "volunteers", body: "Two or three people to review submitted resources for an hour a month, ideally from the Prairies or the Atlantic provinces."}}},
	{name: "Canadian Open Data Society", status: convene.InitiativeForming, jurisdiction: "federal", sector: "civil_society", started: pilot(time.June, 12),
		description: "A national open data society, coming soon: a home for the people and organizations who publish and use open data across Canada.",
		leads:       []string{"Jasmine Patel"},
		updates:     []demoUpdate{{body: "The founding board has met twice; bylaws are drafted and incorporation is under way.", reboot: true}},
		asks:        []demoAsk{{kind: "feedback", body: "Read the draft bylaws and tell us what is missing before we file them."}}},
	{name: "OGP Global Summit 2019", status: convene.InitiativeDone, jurisdiction: "federal", sector: "government",
		started: pilot(time.January, 16), finished: time.Date(2019, time.May, 31, 21, 0, 0, 0, time.UTC),
		description: "The Open Government Partnership Global Summit, hosted in Ottawa in May 2019. The pilot calls helped plan and coordinate the community's sessions there.",
		links:       []string{"https://www.opengovpartnership.org/"}, leads: []string{"Farah Hassan"},
		updates: []demoUpdate{
			{body: "Sessions proposed by community members were accepted for the summit programme.", on: pilot(time.April, 10)},
			{body: "The summit is over: thank you to everyone who ran a session. Notes and follow-ups are shared on the clearinghouse.", reboot: true},
		}},
	{name: "Ontario Open Government Team", status: convene.InitiativeActive, jurisdiction: "ON", sector: "government", started: pilot(time.January, 9),
		description: "The work of Ontario's Open Government Team: open data, open dialogue and the province's open government action plan.",
		leads:       []string{"Amrit Sandhu"},
		updates:     []demoUpdate{{body: "What the Ontario Open Government Team has been up to: the new data catalogue and the next action plan's consultation.", reboot: true}}},
	{name: "Re:OpenGov", status: convene.InitiativeActive, jurisdiction: "ON", sector: "media", started: pilot(time.October, 16),
		description: "Re:OpenGov, a new podcast and blog that talks with the people opening up government in Canada.",
		leads:       []string{"Laura Chen"},
		updates:     []demoUpdate{{body: "Re:OpenGov is launching: the first episodes are recorded.", reboot: true}},
		asks:        []demoAsk{{kind: "connections", body: "Introductions to people opening government outside Ontario who would like to be interviewed."}}},
}

// loadInitiatives stores the projects the announcement names, their updates (several presented at
// the reboot call) and their open asks.
func loadInitiatives(ctx context.Context, st *store.Store, c *convene.Community, res *Result) error {
	reboot, err := st.CallByID(ctx, res.RebootID)
	if err != nil {
		return err
	}
	presented := reboot.StartsAt.Add(time.Hour) // as the call ends
	for _, d := range initiatives {
		in := &convene.Initiative{CommunityID: c.ID, Name: d.name, Description: d.description, Jurisdiction: d.jurisdiction,
			Sector: d.sector, Status: d.status, Links: d.links, CreatedAt: d.started}
		if !d.finished.IsZero() {
			in.FinishedAt = &d.finished
		}
		for _, name := range d.leads {
			u, err := st.UserByEmail(ctx, emailOf(name))
			if err != nil {
				return fmt.Errorf("demo initiative %s: lead %s: %w", d.name, name, err)
			}
			in.LeadIDs = append(in.LeadIDs, u.ID)
		}
		if err := st.CreateInitiative(ctx, inFrench(in)); err != nil {
			return fmt.Errorf("demo initiative %s: %w", d.name, err)
		}
		author := int64(0)
		if len(in.LeadIDs) > 0 {
			author = in.LeadIDs[0]
		}
		for _, u := range d.updates {
			up := &convene.InitiativeUpdate{InitiativeID: in.ID, AuthorID: author, Body: u.body, CreatedAt: u.on, Texts: convene.Texts{Lang: "en"}}
			if u.reboot {
				up.CallID, up.CreatedAt = res.RebootID, presented
			}
			if err := st.AddUpdate(ctx, up); err != nil {
				return fmt.Errorf("demo initiative %s: %w", d.name, err)
			}
		}
		for _, a := range d.asks {
			if err := st.AddAsk(ctx, &convene.Ask{InitiativeID: in.ID, AuthorID: author, Kind: a.kind, Body: a.body, CreatedAt: presented, Texts: convene.Texts{Lang: "en"}}); err != nil {
				return fmt.Errorf("demo initiative %s: %w", d.name, err)
			}
		}
	}
	return nil
}
