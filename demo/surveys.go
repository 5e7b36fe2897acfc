package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// pilotAnswer is one fictional member's answers to the end-of-pilot survey: yes or no, a rating (0
// for none), the formats they want (indexes of the choices) and what they would change.
type pilotAnswer struct {
	yes     bool
	rating  int
	formats []int
	change  string
}

// pilotAnswers are fictional: 19 of 23 want the call to continue, as the announcement reports.
var pilotAnswers = []pilotAnswer{
	{true, 5, []int{0, 1}, "Keep it monthly, and share the notes after each call."},
	{true, 4, []int{0, 2}, ""},
	{true, 4, []int{1, 3}, "Plus d'intervenants hors de l'Ontario, s'il vous plaît."},
	{false, 2, nil, "Too Ontario-centric for me to find it useful."},
	{true, 5, []int{0, 1, 2}, ""},
	{true, 4, []int{2}, ""},
	{true, 5, []int{0, 3}, "Breakout rooms by sector would help newcomers speak up."},
	{true, 3, []int{1}, ""},
	{true, 4, []int{0, 1}, ""},
	{false, 3, []int{2}, ""},
	{true, 5, []int{0, 1, 2, 3}, "Post the agenda a week ahead."},
	{true, 4, []int{0}, ""},
	{true, 4, []int{2, 3}, ""},
	{true, 5, []int{1}, "Un ordre du jour bilingue serait apprécié."},
	{true, 4, []int{0, 2}, ""},
	{false, 2, nil, ""},
	{true, 5, []int{0, 1}, ""},
	{true, 3, []int{3}, ""},
	{true, 4, []int{0, 2}, ""},
	{true, 5, []int{1, 2}, "Invite people from the territories and Indigenous organizations."},
	{true, 4, []int{0}, ""},
	{false, 0, nil, ""},
	{true, 4, []int{0, 1, 3}, ""},
}

// loadSurveys records the end-of-pilot feedback survey, answered by members over the summer break
// and closed before the fall reboot: most want the call to continue.
func loadSurveys(ctx context.Context, st *store.Store, c *convene.Community, res *Result) error {
	seasons, err := st.SeasonsOf(ctx, res.Series.ID)
	if err != nil {
		return err
	}
	var pilotID int64
	for _, se := range seasons {
		if se.Name == "Pilot" {
			pilotID = se.ID
		}
	}
	if pilotID == 0 {
		return fmt.Errorf("demo survey: no pilot season")
	}
	v := &convene.Survey{CommunityID: c.ID, SeasonID: pilotID,
		TitleEN: "End-of-pilot feedback", TitleFR: "Rétroaction de fin de projet pilote",
		IntroEN: "The pilot ran from January to June. Before we decide what comes next, tell us what worked and what did not. It takes two minutes.",
		IntroFR: "Le projet pilote s'est déroulé de janvier à juin. Avant de décider de la suite, dites-nous ce qui a fonctionné et ce qui n'a pas fonctionné. Cela prend deux minutes.",
		Questions: []*convene.SurveyQuestion{
			{Kind: convene.SurveyYesNo, Required: true, TextEN: "Should the community call continue?",
				TextFR: "L'appel communautaire devrait-il se poursuivre?"},
			{Kind: convene.SurveyRating, TextEN: "How useful were the calls?", TextFR: "Dans quelle mesure les appels vous ont-ils été utiles?"},
			{Kind: convene.SurveyMultiple, TextEN: "Which formats would you like?", TextFR: "Quels formats aimeriez-vous?",
				Choices: convene.ParseChoices("Updates from initiatives | Nouvelles des initiatives\nAsks for help | Demandes d'aide\n" +
					"Guest speakers | Conférenciers invités\nBreakout discussions | Discussions en petits groupes")},
			{Kind: convene.SurveyText, TextEN: "What should we change?", TextFR: "Que devrions-nous changer?"},
		}}
	if err := st.SaveSurvey(ctx, v); err != nil {
		return err
	}
	members, err := st.Members(ctx, c.ID)
	if err != nil {
		return err
	}
	i := 0
	for _, m := range members {
		if m.Role != "member" || i == len(pilotAnswers) {
			continue
		}
		a := pilotAnswers[i]
		i++
		q := v.Questions
		given := map[int64][]string{q[0].ID: {"no"}}
		if a.yes {
			given[q[0].ID] = []string{"yes"}
		}
		if a.rating > 0 {
			given[q[1].ID] = []string{strconv.Itoa(a.rating)}
		}
		for _, f := range a.formats {
			given[q[2].ID] = append(given[q[2].ID], strconv.FormatInt(q[2].Choices[f].ID, 10))
		}
		if a.change != "" {
			given[q[3].ID] = []string{a.change}
		}
		if _, err := st.SubmitSurveyResponse(ctx, v.ID, m.User.ID, given, "en"); err != nil {
			return fmt.Errorf("demo survey answer: %w", err)
		}
	}
	// Closed at the end of August, before the fall reboot.
	toronto, err := convene.LoadZone("America/Toronto")
	if err != nil {
		return err
	}
	closes := time.Date(2019, 9, 1, 0, 0, 0, 0, toronto).UTC()
	v.ClosesAt = &closes
	return st.SaveSurvey(ctx, v)
}
