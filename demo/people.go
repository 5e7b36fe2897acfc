package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// member is a fictional person of the demo community.
type member struct {
	name, org, title, jurisdiction, municipality, sector, visibility string
	interests                                                        []string
	french                                                           bool
}

// members are fictional: spread over jurisdictions and sectors, but mostly from Ontario, as the
// announcement says the community still is.
var members = []member{
	{"Amrit Sandhu", "Ontario Treasury Board Secretariat", "Policy advisor", "ON", "", "government", "public", []string{"open data", "open government partnership"}, false},
	{"Bethany Clarke", "Open North", "Researcher", "QC", "", "civil_society", "public", []string{"open data", "municipal data", "data standards"}, true},
	{"Carlos Mendes", "City of Toronto", "Open data lead", "municipal", "Toronto", "government", "public", []string{"municipal data", "open data"}, false},
	{"Danielle Tremblay", "Université Laval", "Professor", "QC", "", "academia", "members", []string{"access to information", "open government partnership"}, true},
	{"Ethan Wong", "Civic Tech Toronto", "Organizer", "ON", "", "civil_society", "public", []string{"civic tech", "open data"}, false},
	{"Farah Hassan", "Treasury Board of Canada Secretariat", "Analyst", "federal", "", "government", "members", []string{"open government partnership", "data standards"}, false},
	{"Gabriel Roy", "Ville de Montréal", "Conseiller", "municipal", "Montréal", "government", "members", []string{"municipal data", "open contracting"}, true},
	{"Hannah Kowalski", "Ryerson University", "Graduate student", "ON", "", "academia", "public", []string{"open data", "podcasts"}, false},
	{"Isaac Thunderchild", "First Nations Information Governance Centre", "Data steward", "indigenous", "", "indigenous_organization", "members", []string{"indigenous data sovereignty", "data standards"}, false},
	{"Jasmine Patel", "Open Data Institute Toronto", "Consultant", "ON", "", "private_sector", "public", []string{"open data", "procurement"}, false},
	{"Kevin O'Brien", "Government of Nova Scotia", "Digital services manager", "NS", "", "government", "members", []string{"digital services", "open data"}, false},
	{"Laura Chen", "The Globe and Mail", "Data journalist", "ON", "", "media", "public", []string{"access to information", "open data"}, false},
	{"Mohamed Abdi", "Ontario Digital Service", "Product manager", "ON", "", "government", "members", []string{"digital services", "civic tech"}, false},
	{"Nadia Sorensen", "Open Government Partnership", "Regional lead", "outside", "", "civil_society", "public", []string{"open government partnership"}, false},
	{"Owen MacLeod", "Memorial University", "Lecturer", "NL", "", "academia", "members", []string{"open data", "access to information"}, false},
	{"Priya Raman", "Government of Ontario", "Open government officer", "ON", "", "government", "members", []string{"open government partnership", "open data"}, false},
	{"Quinn Harper", "Code for Canada", "Fellow", "ON", "", "civil_society", "public", []string{"civic tech", "digital services"}, false},
	{"Rosalie Gagnon", "Radio-Canada", "Journaliste", "QC", "", "media", "members", []string{"access to information"}, true},
	{"Samuel Osei", "City of Ottawa", "Business analyst", "municipal", "Ottawa", "government", "members", []string{"municipal data", "procurement"}, false},
	{"Tara Nakamura", "University of British Columbia", "Researcher", "BC", "", "academia", "public", []string{"open contracting", "data standards"}, false},
	{"Umar Siddiqui", "OpenGov Consulting", "Founder", "ON", "", "private_sector", "members", []string{"procurement", "open contracting"}, false},
	{"Valerie Dubois", "Government of Manitoba", "Information manager", "MB", "", "government", "nobody", []string{"access to information"}, true},
	{"William Grant", "Ontario Public Service", "Data scientist", "ON", "", "government", "members", []string{"open data", "data standards"}, false},
	{"Xiao Li", "University of Toronto", "PhD candidate", "ON", "", "academia", "members", []string{"open government partnership", "podcasts"}, false},
	{"Yasmin Farouk", "Canadian Open Data Society", "Volunteer", "ON", "", "civil_society", "public", []string{"open data", "civic tech"}, false},
	{"Zachary Bell", "Government of Alberta", "Open data coordinator", "AB", "", "government", "members", []string{"open data", "data standards"}, false},
	{"Aisha Mohammed", "Ontario Open Government Team", "Engagement lead", "ON", "", "government", "members", []string{"open government partnership", "civic tech"}, false},
	{"Ben Fraser", "Open Data Durham", "Organizer", "municipal", "Durham Region", "civil_society", "public", []string{"municipal data", "open data"}, false},
	{"Chloé Lavoie", "Québec ouvert", "Bénévole", "QC", "", "civil_society", "members", []string{"open data", "civic tech"}, true},
	{"David Kim", "Privacy commissioner's office", "Policy analyst", "ON", "", "government", "nobody", []string{"access to information"}, false},
	{"Elena Petrova", "Open Contracting Partnership", "Program manager", "outside", "", "civil_society", "public", []string{"open contracting", "procurement"}, false},
	{"Frank Nguyen", "Hamilton Spectator", "Reporter", "ON", "", "media", "members", []string{"access to information", "municipal data"}, false},
	{"Grace Okafor", "Ontario Tech University", "Professor", "ON", "", "academia", "public", []string{"data standards", "open data"}, false},
	{"Henry Lafleur", "Government of New Brunswick", "Analyst", "NB", "", "government", "members", []string{"open data"}, true},
	{"Iris Blackwood", "Re:OpenGov", "Producer", "ON", "", "media", "public", []string{"podcasts", "open government partnership"}, false},
	{"Jonah Whitehorse", "Yukon Government", "IT planner", "YT", "", "government", "members", []string{"digital services"}, false},
}

// loadMembers stores the fictional members, registers most of them for the reboot call (before
// it was held) and some for the next call.
func loadMembers(ctx context.Context, st *store.Store, c *convene.Community, rebootID int64, next *convene.Call) error {
	reboot, err := st.CallByID(ctx, rebootID)
	if err != nil {
		return err
	}
	for i, m := range members {
		u := &convene.User{Email: emailOf(m.name), Name: m.name, Confirmed: true}
		if err := st.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("demo member %s: %w", m.name, err)
		}
		u.Organization, u.Title, u.Jurisdiction, u.Municipality, u.Sector = m.org, m.title, m.jurisdiction, m.municipality, m.sector
		u.Visibility, u.Interests, u.Languages = m.visibility, m.interests, []string{"en", "fr"}
		if m.french {
			u.Languages = []string{"fr", "en"}
		}
		if err := st.UpdateProfile(ctx, u); err != nil {
			return fmt.Errorf("demo member %s: %w", m.name, err)
		}
		if _, err := st.JoinCommunity(ctx, c.ID, u.ID); err != nil {
			return err
		}
		if i%4 != 3 { // three in four came to the reboot
			at := reboot.StartsAt.Add(-time.Duration(14*24-i*6) * time.Hour)
			if err := st.ImportRegistration(ctx, rebootID, u.ID, at); err != nil {
				return err
			}
		}
		if next != nil && i%3 == 0 {
			// Imported as they stand, so loading the demo sends no invitations.
			if err := st.ImportRegistration(ctx, next.ID, u.ID, next.StartsAt.Add(-time.Duration(10*24-i)*time.Hour)); err != nil {
				return err
			}
		}
	}
	return nil
}

// emailOf makes a fictional address on a reserved example domain.
func emailOf(name string) string {
	r := strings.NewReplacer(" ", ".", "'", "", "é", "e", "è", "e", "ç", "c")
	return strings.ToLower(r.Replace(name)) + "@example.org"
}
