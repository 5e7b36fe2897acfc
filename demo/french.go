package demo

import (
	"strings"

	"github.com/opengovcall/convene"
)

// The demo tells its story in both official languages: what its organizers wrote, in English, with
// the French version of each text. inFrench gives an item the versions this table holds for its
// fields; the French is written with ordinary spaces and set as French typography wants by
// frenchSpacing.
var french = map[string]string{
	// The community and its series.
	"Open Government Community Call · Canada": "Appel communautaire pour un gouvernement ouvert · Canada",
	"A common meeting point for anyone working in the open government space across Canada: every jurisdiction and sector, connecting, sharing what we are working on, asking questions and aligning our work.\nBorn from a session on building an open government movement at the 2018 Canadian Open Data Summit.": "Un point de rencontre pour toutes les personnes qui travaillent à un gouvernement ouvert partout au Canada : chaque administration et chaque secteur, pour tisser des liens, partager nos travaux, poser des questions et harmoniser nos efforts.\nNé d’une séance sur la construction d’un mouvement pour le gouvernement ouvert au Sommet canadien sur les données ouvertes de 2018.",
	"Open Government Community Call": "Appel communautaire sur le gouvernement ouvert",
	"Monthly, on the second Wednesday at noon Eastern. A pilot ran from January 2019 up to the OGP Global Summit in Ottawa (May 29–31, 2019) and was extended to June to build on its momentum; after a summer break to relax and reflect on lessons learned, the call rebooted in the fall because the feedback survey said, loud and clear, that people want these calls to continue.": "Chaque mois, le deuxième mercredi à midi (heure de l’Est). Un projet pilote a eu lieu de janvier 2019 jusqu’au Sommet mondial du PGO à Ottawa (du 29 au 31 mai 2019) et a été prolongé jusqu’en juin pour profiter de son élan ; après une pause estivale pour se reposer et tirer les leçons de l’expérience, l’appel a repris à l’automne, car le sondage de rétroaction l’a dit haut et fort : les gens veulent que ces appels continuent.",

	// Seasons.
	"Pilot":       "Projet pilote",
	"Fall reboot": "Relance d’automne",
	"Planned from January up to the OGP Global Summit in Ottawa in May.":                                                                          "Prévu de janvier jusqu’au Sommet mondial du PGO à Ottawa, en mai.",
	"Planned from January up to the OGP Global Summit in Ottawa in May; extended to June to build on the summit's momentum. Then a summer break.": "Prévu de janvier jusqu’au Sommet mondial du PGO à Ottawa, en mai ; prolongé jusqu’en juin pour profiter de l’élan du sommet. Puis une pause estivale.",
	"Relaunched after the summer break: the feedback survey said people want these calls to continue.":                                            "Relancé après la pause estivale : le sondage de rétroaction a montré que les gens veulent que ces appels continuent.",

	// Calls and their agendas.
	"Three weeks before the OGP Global Summit in Ottawa (May 29–31): planning how the community shows up and which sessions to coordinate.": "Trois semaines avant le Sommet mondial du PGO à Ottawa (du 29 au 31 mai) : préparer la présence de la communauté et les séances à coordonner.",
	"Following up on the OGP Global Summit in Ottawa: what we learned, and keeping the momentum going.":                                     "Retour sur le Sommet mondial du PGO à Ottawa : ce que nous avons appris, et comment garder l’élan.",
	"The reboot":             "La relance",
	"Summit-week meet-up":    "Rencontre de la semaine du Sommet",
	"In the room and online": "Dans la salle et en ligne",
	"During the OGP Global Summit in Ottawa: those at the summit meet in the room, everyone else joins by video.":             "Pendant le Sommet mondial du PGO à Ottawa : les personnes présentes au sommet se retrouvent dans la salle, les autres se joignent par vidéo.",
	"The Open Government Community Call is back after a summer break. Please share this with others who might be interested.": "L’appel communautaire sur le gouvernement ouvert est de retour après une pause estivale. N’hésitez pas à transmettre l’invitation aux personnes que cela pourrait intéresser.",
	"What the Ontario Open Government Team has been up to":                                                                    "Les nouvelles de l’Équipe du gouvernement ouvert de l’Ontario",
	"Ontario Open Government Team":                                          "Équipe du gouvernement ouvert de l’Ontario",
	"Launching Re:OpenGov":                                                  "Lancement de Re:OpenGov",
	"And much more: round table of what everyone is working on":             "Et bien plus : tour de table des projets de chacun",
	"Round table: what is happening in your jurisdiction?":                  "Tour de table : que se passe-t-il dans votre administration ?",
	"Beyond the usual suspects: who should we invite from outside Ontario?": "Au-delà des habitués : qui inviter en dehors de l’Ontario ?",
	"The community is still very Ontario-centric. Bring names, networks and ideas for reaching people across the country.": "La communauté est encore très centrée sur l’Ontario. Apportez des noms, des réseaux et des idées pour joindre des gens partout au pays.",

	// Events and the ideas raised there.
	"Building an open government movement (Canadian Open Data Summit 2018)": "Bâtir un mouvement pour le gouvernement ouvert (Sommet canadien sur les données ouvertes 2018)",
	"Canadian Open Data Summit 2018":                                        "Sommet canadien sur les données ouvertes 2018",
	"A session co-hosted with Jury Konga and Connie McCutcheon on how to better connect and build energy among those of us working for a more open society. A series of ideas came out of it, written up as “Taking Action Together”: some were unable to get off the ground, others have continued to have life.": "Une séance coanimée avec Jury Konga et Connie McCutcheon sur les façons de mieux nous relier et de créer de l’énergie entre les personnes qui travaillent à une société plus ouverte. Il en est sorti une série d’idées, rédigées sous le titre « Agir ensemble » : certaines n’ont pas pu démarrer, d’autres vivent toujours.",
	"A monthly open government strategy call": "Un appel mensuel de stratégie sur le gouvernement ouvert",
	"A common meeting point for anyone working in the open government space: connect, share what we are working on, ask questions and align our work. It became the Open Government Community Call.": "Un point de rencontre pour toutes les personnes qui travaillent à un gouvernement ouvert : tisser des liens, partager nos travaux, poser des questions et harmoniser nos efforts. C’est devenu l’appel communautaire sur le gouvernement ouvert.",
	"A shared calendar of open government events":                                                     "Un calendrier commun des événements sur le gouvernement ouvert",
	"One place to see every gathering across jurisdictions and sectors. It never got off the ground.": "Un seul endroit pour voir tous les rassemblements, toutes administrations et tous secteurs confondus. L’idée n’a jamais démarré.",
	"Reach beyond the usual suspects":                                                                 "Aller au-delà des habitués",
	"Bring in people working to open government all across the country, not only in Ontario.":         "Joindre les personnes qui travaillent à ouvrir le gouvernement partout au pays, pas seulement en Ontario.",
	"A national open data society":                                                                    "Une société nationale des données ouvertes",
	"A home for the people and organizations who publish and use open data across Canada.":            "Un lieu pour les personnes et les organisations qui publient et utilisent des données ouvertes partout au Canada.",
	"Open Government Partnership Global Summit 2019":                                                  "Sommet mondial du Partenariat pour un gouvernement ouvert 2019",
	"Ottawa, Ontario": "Ottawa (Ontario)",
	"The OGP Global Summit hosted in Ottawa. The pilot season of the community call ran up to it to plan and coordinate the community's efforts there, and was extended to June to build off its momentum.": "Le Sommet mondial du PGO, accueilli à Ottawa. La saison pilote de l’appel communautaire l’a précédé pour planifier et coordonner les efforts de la communauté sur place, puis a été prolongée jusqu’en juin pour profiter de son élan.",

	// Initiatives. A proper name reads the same in French.
	"Re:OpenGov":         "Re:OpenGov",
	"Open Clearinghouse": "Centre d’échange ouvert",
	"A shared clearinghouse of open government resources: guides, research, tools and contacts, gathered by the community for anyone working in the open government space.": "Un centre d’échange commun de ressources sur le gouvernement ouvert : guides, recherches, outils et contacts, réunis par la communauté pour toutes les personnes qui travaillent à un gouvernement ouvert.",
	"Canadian Open Data Society": "Société canadienne des données ouvertes",
	"A national open data society, coming soon: a home for the people and organizations who publish and use open data across Canada.": "Une société nationale des données ouvertes, bientôt : un lieu pour les personnes et les organisations qui publient et utilisent des données ouvertes partout au Canada.",
	"OGP Global Summit 2019": "Sommet mondial du PGO 2019",
	"The Open Government Partnership Global Summit, hosted in Ottawa in May 2019. The pilot calls helped plan and coordinate the community's sessions there.": "Le Sommet mondial du Partenariat pour un gouvernement ouvert, accueilli à Ottawa en mai 2019. Les appels pilotes ont aidé à planifier et à coordonner les séances de la communauté.",
	"The work of Ontario's Open Government Team: open data, open dialogue and the province's open government action plan.":                                    "Le travail de l’Équipe du gouvernement ouvert de l’Ontario : données ouvertes, dialogue ouvert et plan d’action de la province pour un gouvernement ouvert.",
	"Re:OpenGov, a new podcast and blog that talks with the people opening up government in Canada.":                                                          "Re:OpenGov, un nouveau balado et blogue qui donne la parole aux personnes qui ouvrent le gouvernement au Canada.",
}

// inFrench gives an item the French version of each of its fields the table knows, and returns it.
func inFrench[T convene.Translatable](it T) T {
	for _, f := range it.TextFields() {
		if fr, ok := french[*f.Text]; ok {
			it.Localized().Translations.Set("fr", f.Name, frenchSpacing(fr))
		} else if seasonYears(*f.Text) {
			it.Localized().Translations.Set("fr", f.Name, *f.Text) // "2020–2021" reads the same
		}
	}
	return it
}

// frenchSpacing puts the no-break spaces French typography wants before : ; ! ? and inside « ».
func frenchSpacing(s string) string {
	return strings.NewReplacer(" :", "\u00a0:", " ;", "\u202f;", " !", "\u202f!", " ?", "\u202f?",
		"« ", "«\u00a0", " »", "\u00a0»").Replace(s)
}

// seasonYears reports whether a text is a span of years such as "2020–2021".
func seasonYears(s string) bool {
	a, b, ok := strings.Cut(s, "–")
	return ok && len(a) == 4 && len(b) == 4 && strings.Trim(a+b, "0123456789") == ""
}
