package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/search"
)

// searchDoc is one thing as search finds it: its text in every language it is written in, where
// it leads (link, relative to its community's page), and what it is filtered by.
type searchDoc struct {
	communityID          int64
	kind                 string
	refID                int64
	link, title, body    string
	titles               string // the title in other languages: JSON, language → title
	at                   time.Time
	jurisdiction, sector string
	audience             string // "public", or "members" of its community
}

// Kinds of things search finds.
const (
	SearchCall       = "call"
	SearchMinutes    = "minutes"
	SearchInitiative = "initiative"
	SearchUpdate     = "update"
	SearchAsk        = "ask"
	SearchIdea       = "idea"
	SearchEvent      = "event"
	SearchComment    = "comment"
	SearchProfile    = "profile"
)

// SearchKinds lists them, in the order a search page offers them.
var SearchKinds = []string{SearchCall, SearchMinutes, SearchInitiative, SearchUpdate, SearchAsk, SearchIdea, SearchEvent, SearchComment, SearchProfile}

// buildDocs reads the thing kind/id names as search shows it: one document, or for a person one
// per community they belong to, or none when nobody may find it (gone, deleted, hidden, a profile
// shown to nobody).
func buildDocs(ctx context.Context, tx conn, kind string, id int64) ([]*searchDoc, error) {
	if kind == SearchProfile {
		return profileDocs(ctx, tx, id)
	}
	d, err := buildDoc(ctx, tx, kind, id)
	if d == nil || err != nil {
		return nil, err
	}
	return []*searchDoc{d}, nil
}

// profileDocs are a person's profile in each community they belong to: public, or for the
// members of that community; never their email address.
func profileDocs(ctx context.Context, tx conn, id int64) ([]*searchDoc, error) {
	var name, organization, title, jurisdiction, municipality, sector, visibility, bio string
	err := tx.row(ctx, `SELECT name, organization, title, jurisdiction, municipality, sector, visibility, bio FROM users WHERE id = ?`, id).
		Scan(&name, &organization, &title, &jurisdiction, &municipality, &sector, &visibility, &bio)
	if errors.Is(err, sql.ErrNoRows) || visibility == convene.VisibilityNobody {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	audience := "members"
	if visibility == convene.VisibilityPublic {
		audience = "public"
	}
	texts := []string{title, organization, municipality, bio}
	if err := collectTexts(ctx, tx, &texts, `SELECT tag FROM user_interests WHERE user_id = ? ORDER BY tag`, id); err != nil {
		return nil, err
	}
	var body strings.Builder
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			body.WriteString(t + "\n")
		}
	}
	rows, err := tx.query(ctx, `SELECT community_id, created_at FROM memberships WHERE user_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*searchDoc
	for rows.Next() {
		d := &searchDoc{kind: SearchProfile, refID: id, title: name, body: strings.TrimSpace(body.String()), link: "people/" + strconv.FormatInt(id, 10),
			jurisdiction: jurisdiction, sector: sector, audience: audience}
		if err := rows.Scan(&d.communityID, &d.at); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// buildDoc reads one document of a kind that has one.
func buildDoc(ctx context.Context, tx conn, kind string, id int64) (*searchDoc, error) {
	d := &searchDoc{kind: kind, refID: id, audience: "public"}
	var texts []string // every version of every text
	var translations sql.NullString
	var err error
	switch kind {
	case SearchCall:
		var title, theme, note, series string
		var seriesTexts sql.NullString
		var venue *convene.Venue
		err = tx.row(ctx, `SELECT c.community_id, c.title, c.theme, c.note, c.starts_at, c.translations, s.title, s.translations, c.venue FROM calls c
			JOIN series s ON s.id = c.series_id WHERE c.id = ?`, id).Scan(&d.communityID, &title, &theme, &note, &d.at, &translations, &series, &seriesTexts,
			jsonColumn(&venue))
		if err == nil && venue != nil {
			texts = append(texts, venue.Place()) // "the call at the Shaw Centre"
		}
		if err == nil {
			d.title, d.link = firstOf(title, series), "calls/"+strconv.FormatInt(id, 10)
			d.titles = titlesIn(translations.String, "title")
			if title == "" {
				d.titles = titlesIn(seriesTexts.String, "title")
			}
			texts = append(texts, theme, note, translations.String)
			err = collectTexts(ctx, tx, &texts, `SELECT title, description, presenter_name, presenter_org, translations FROM agenda_items
				WHERE call_id = ? ORDER BY position`, id)
		}
	case SearchMinutes:
		var summary, title, series string
		var callTexts, seriesTexts sql.NullString
		err = tx.row(ctx, `SELECT m.summary, c.community_id, c.starts_at, c.title, s.title, c.translations, s.translations FROM minutes m
			JOIN calls c ON c.id = m.call_id JOIN series s ON s.id = c.series_id WHERE m.call_id = ?`, id).
			Scan(&summary, &d.communityID, &d.at, &title, &series, &callTexts, &seriesTexts)
		if err == nil {
			d.title, d.link = firstOf(title, series), "calls/"+strconv.FormatInt(id, 10)+"#minutes"
			d.titles = titlesIn(callTexts.String, "title")
			if title == "" {
				d.titles = titlesIn(seriesTexts.String, "title")
			}
			texts = append(texts, summary)
			err = collectTexts(ctx, tx, &texts, `SELECT body FROM minutes_notes WHERE call_id = ?`, id)
			if err == nil && strings.TrimSpace(strings.Join(texts, "")) == "" {
				return nil, nil // nothing written yet
			}
		}
	case SearchInitiative:
		var description string
		var deleted sql.NullTime
		err = tx.row(ctx, `SELECT community_id, name, description, jurisdiction, sector, created_at, deleted_at, translations FROM initiatives
			WHERE id = ?`, id).Scan(&d.communityID, &d.title, &description, &d.jurisdiction, &d.sector, &d.at, &deleted, &translations)
		if err == nil {
			if deleted.Valid {
				return nil, nil // deleted initiatives are found by nobody
			}
			d.link, d.titles = "initiatives/"+strconv.FormatInt(id, 10), titlesIn(translations.String, "name")
			texts = append(texts, description, translations.String)
		}
	case SearchUpdate, SearchAsk:
		table, anchor := "initiative_updates", "#update-"
		if kind == SearchAsk {
			table, anchor = "initiative_asks", "#ask-"
		}
		var body string
		var initiative int64
		var deleted sql.NullTime
		var parentTexts sql.NullString
		err = tx.row(ctx, `SELECT x.body, x.created_at, x.translations, i.id, i.community_id, i.name, i.jurisdiction, i.sector, i.deleted_at,
			i.translations FROM `+table+` x JOIN initiatives i ON i.id = x.initiative_id WHERE x.id = ?`, id).Scan(&body, &d.at, &translations,
			&initiative, &d.communityID, &d.title, &d.jurisdiction, &d.sector, &deleted, &parentTexts)
		d.titles = titlesIn(parentTexts.String, "name")
		if err == nil {
			if deleted.Valid {
				return nil, nil
			}
			d.link = "initiatives/" + strconv.FormatInt(initiative, 10) + anchor + strconv.FormatInt(id, 10)
			texts = append(texts, body, translations.String)
		}
	case SearchIdea:
		var description string
		err = tx.row(ctx, `SELECT community_id, title, description, raised_at, translations FROM ideas WHERE id = ?`, id).
			Scan(&d.communityID, &d.title, &description, &d.at, &translations)
		d.link, d.titles = "ideas#idea-"+strconv.FormatInt(id, 10), titlesIn(translations.String, "title")
		texts = append(texts, description, translations.String)
	case SearchEvent:
		var description, place, address string
		err = tx.row(ctx, `SELECT community_id, name, description, place, address, starts_at, translations FROM events WHERE id = ?`, id).
			Scan(&d.communityID, &d.title, &description, &place, &address, &d.at, &translations)
		d.link, d.titles = "events/"+strconv.FormatInt(id, 10), titlesIn(translations.String, "name")
		texts = append(texts, description, place, address, translations.String)
	case SearchComment:
		var target, body string
		var targetID int64
		var hidden bool
		err = tx.row(ctx, `SELECT community_id, target_kind, target_id, body, hidden, created_at, translations FROM comments WHERE id = ?`, id).
			Scan(&d.communityID, &target, &targetID, &body, &hidden, &d.at, &translations)
		if err == nil {
			if hidden {
				return nil, nil // hidden comments are found by nobody
			}
			on := convene.CommentTarget{Kind: target, ID: targetID}.String()
			d.link = "comments?on=" + url.QueryEscape(on) + "#comment-" + strconv.FormatInt(id, 10)
			texts = append(texts, body, translations.String)
		}
	default:
		return nil, nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, t := range texts {
		for _, v := range versionsOf(t) {
			if v = strings.TrimSpace(v); v != "" {
				b.WriteString(v)
				b.WriteString("\n")
			}
		}
	}
	d.body = strings.TrimSpace(b.String())
	return d, nil
}

// versionsOf is a text as it is, or, for a translations column, every text in it.
func versionsOf(t string) []string {
	tr, ok := translationsOf(t)
	if !ok {
		return []string{t}
	}
	var out []string
	for _, fields := range tr {
		for _, v := range fields {
			out = append(out, v)
		}
	}
	return out
}

// translationsOf reads a translations column.
func translationsOf(t string) (convene.Translations, bool) {
	var tr convene.Translations
	if !strings.HasPrefix(t, "{") || json.Unmarshal([]byte(t), &tr) != nil {
		return nil, false
	}
	return tr, true
}

// collectTexts appends every text column of a query's rows.
func collectTexts(ctx context.Context, tx conn, texts *[]string, q string, args ...any) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for _, v := range vals {
			*texts = append(*texts, v.String)
		}
	}
	return rows.Err()
}

// titlesIn is, from a translations column, field's text in each language that has it, as JSON.
func titlesIn(translations, field string) string {
	tr, _ := translationsOf(translations)
	out := map[string]string{}
	for _, lang := range tr.Languages() {
		if v := strings.TrimSpace(tr.Get(lang, field)); v != "" {
			out[lang] = v
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// termsOf is what a document is found by: its text, and its own title counted twice, so that a
// thing named by the words ranks before things that only mention them. An update, an ask, minutes
// and a comment are shown under what they belong to, whose name is not theirs to be found by.
func termsOf(d *searchDoc) string {
	switch d.kind {
	case SearchUpdate, SearchAsk, SearchMinutes, SearchComment:
		return search.Terms(d.body)
	}
	return search.Terms(d.title + "\n" + d.title + "\n" + d.body)
}
