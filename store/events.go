package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/opengovcall/convene"
)

const eventColumns = `id, community_id, name, starts_at, ends_at, time_zone, place, address, online, link, description, created_at, updated_at, translations`

func scanEvent(row interface{ Scan(...any) error }) (*convene.Event, error) {
	var e convene.Event
	err := row.Scan(&e.ID, &e.CommunityID, &e.Name, &e.StartsAt, &e.EndsAt, &e.TimeZone, &e.Place, &e.Address, &e.Online, &e.Link,
		&e.Description, &e.CreatedAt, &e.UpdatedAt, texts(&e.Texts))
	if err != nil {
		return nil, err
	}
	e.StartsAt, e.EndsAt = e.StartsAt.UTC(), e.EndsAt.UTC()
	return &e, nil
}

// EventByID finds an event with its linked calls.
func (s *Store) EventByID(ctx context.Context, id int64) (*convene.Event, error) {
	e, err := scanEvent(s.read().row(ctx, `SELECT `+eventColumns+` FROM events WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "event.not_found")
	}
	rows, err := s.read().query(ctx, `SELECT l.relation, `+callColumns+callFrom+` JOIN event_calls l ON l.call_id = c.id
		WHERE l.event_id = ? ORDER BY c.starts_at, c.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rel string
		call, err := scanCallWith(rows, &rel)
		if err != nil {
			return nil, err
		}
		e.Links = append(e.Links, convene.EventLink{CallID: call.ID, Relation: rel, Call: call})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return e, s.FillRecorded(ctx, linkedCalls(e))
}

// linkedCalls are the calls of events' links.
func linkedCalls(events ...*convene.Event) []*convene.Call {
	var out []*convene.Call
	for _, e := range events {
		for _, l := range e.Links {
			out = append(out, l.Call)
		}
	}
	return out
}

// Events lists a community's events in time order.
func (s *Store) Events(ctx context.Context, communityID int64) ([]*convene.Event, error) {
	rows, err := s.read().query(ctx, `SELECT `+eventColumns+` FROM events WHERE community_id = ? ORDER BY starts_at, id`, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EventsWithLinks lists a community's events in time order with the calls each is linked to:
// two queries however many events there are.
func (s *Store) EventsWithLinks(ctx context.Context, communityID int64) ([]*convene.Event, error) {
	events, err := s.Events(ctx, communityID)
	if err != nil || len(events) == 0 {
		return events, err
	}
	byID := map[int64]*convene.Event{}
	for _, e := range events {
		byID[e.ID] = e
	}
	rows, err := s.read().query(ctx, `SELECT l.event_id, l.relation, `+callColumns+callFrom+` JOIN event_calls l ON l.call_id = c.id
		JOIN events ev ON ev.id = l.event_id WHERE ev.community_id = ? ORDER BY c.starts_at, c.id`, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var eventID int64
		var rel string
		call, err := scanCallWith(rows, &eventID, &rel)
		if err != nil {
			return nil, err
		}
		if e := byID[eventID]; e != nil {
			e.Links = append(e.Links, convene.EventLink{CallID: call.ID, Relation: rel, Call: call})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return events, s.FillRecorded(ctx, linkedCalls(events...))
}

// CreateEvent stores a new event of e.CommunityID with its call links, all or nothing. A link to a
// call of another community is not found.
func (s *Store) CreateEvent(ctx context.Context, e *convene.Event) error {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	now := s.now()
	e.CreatedAt, e.UpdatedAt = now, now
	return s.inTx(ctx, func(tx conn) error {
		if err := checkTexts(ctx, tx, e.CommunityID, e); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO events (community_id, name, starts_at, ends_at, time_zone, place, address, online, link, description,
			created_at, updated_at, translations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.CommunityID, e.Name, e.StartsAt, e.EndsAt, e.TimeZone, e.Place, e.Address, e.Online, e.Link, e.Description, now, now, textsJSON(e))
		if err != nil {
			return err
		}
		e.ID = id
		return saveEventLinks(ctx, tx, e)
	})
}

// UpdateEvent saves an event of e.CommunityID and replaces its call links, all or nothing.
func (s *Store) UpdateEvent(ctx context.Context, e *convene.Event) error {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		old, err := scanEvent(tx.row(ctx, `SELECT `+eventColumns+` FROM events WHERE id = ? AND community_id = ?`, e.ID, e.CommunityID))
		if err != nil {
			return notFound(err, "event.not_found")
		}
		e.CreatedAt, e.UpdatedAt = old.CreatedAt, now
		if err := checkTexts(ctx, tx, e.CommunityID, e); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE events SET name = ?, starts_at = ?, ends_at = ?, time_zone = ?, place = ?, address = ?, online = ?, link = ?,
			description = ?, updated_at = ?, translations = ? WHERE id = ?`,
			e.Name, e.StartsAt, e.EndsAt, e.TimeZone, e.Place, e.Address, e.Online, e.Link, e.Description, now, textsJSON(e), e.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM event_calls WHERE event_id = ?`, e.ID); err != nil {
			return err
		}
		return saveEventLinks(ctx, tx, e)
	})
}

// saveEventLinks inserts an event's call links, each call checked to belong to its community.
func saveEventLinks(ctx context.Context, tx conn, e *convene.Event) error {
	for _, l := range e.Links {
		var community int64
		if err := tx.row(ctx, `SELECT community_id FROM calls WHERE id = ?`, l.CallID).Scan(&community); err != nil {
			return notFound(err, "call.not_found")
		}
		if community != e.CommunityID {
			return convene.NotFound("call.not_found")
		}
		if _, err := tx.exec(ctx, `INSERT INTO event_calls (event_id, call_id, relation) VALUES (?, ?, ?)`, e.ID, l.CallID, l.Relation); err != nil {
			return err
		}
	}
	return nil
}

const ideaColumns = `i.id, i.community_id, i.event_id, i.title, i.description, i.status, i.proposed_by, i.raised_at, i.created_at, i.updated_at,
	COALESCE(e.name, ''), COALESCE(e.translations, '{}'), COALESCE(i.initiative_id, 0), COALESCE(n.name, ''), COALESCE(n.translations, '{}'),
	i.translations`

const ideaFrom = ` FROM ideas i LEFT JOIN events e ON e.id = i.event_id LEFT JOIN initiatives n ON n.id = i.initiative_id AND n.deleted_at IS NULL`

func scanIdea(row interface{ Scan(...any) error }) (*convene.Idea, error) {
	var i convene.Idea
	var event, by sql.NullInt64
	dst := append([]any{&i.ID, &i.CommunityID, &event, &i.Title, &i.Description, &i.Status, &by, &i.RaisedAt, &i.CreatedAt, &i.UpdatedAt},
		nameCols(&i.EventName, "name")...)
	dst = append(append(append(dst, &i.InitiativeID), nameCols(&i.InitiativeName, "name")...), texts(&i.Texts))
	err := row.Scan(dst...)
	if err != nil {
		return nil, err
	}
	i.EventID, i.ProposedBy, i.RaisedAt = event.Int64, by.Int64, i.RaisedAt.UTC()
	return &i, nil
}

// IdeaFilter selects ideas: a community's, optionally those raised at one event.
type IdeaFilter struct {
	CommunityID int64
	EventID     int64
}

// Ideas lists the ideas a filter selects, in the order they were raised.
func (s *Store) Ideas(ctx context.Context, f IdeaFilter) ([]*convene.Idea, error) {
	q, args := `SELECT `+ideaColumns+ideaFrom+` WHERE i.community_id = ?`, []any{f.CommunityID}
	if f.EventID != 0 {
		q, args = q+` AND i.event_id = ?`, append(args, f.EventID)
	}
	rows, err := s.read().query(ctx, q+` ORDER BY i.raised_at, i.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Idea
	for rows.Next() {
		i, err := scanIdea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// IdeaByID finds an idea.
func (s *Store) IdeaByID(ctx context.Context, id int64) (*convene.Idea, error) {
	i, err := scanIdea(s.read().row(ctx, `SELECT `+ideaColumns+ideaFrom+` WHERE i.id = ?`, id))
	return i, notFound(err, "idea.not_found")
}

// CreateIdea stores an idea of i.CommunityID. Raised at an event, it takes the event's start as
// its moment; the event must belong to the same community.
func (s *Store) CreateIdea(ctx context.Context, i *convene.Idea) error {
	i.Normalize()
	if err := i.Validate(); err != nil {
		return err
	}
	now := s.now()
	i.CreatedAt, i.UpdatedAt, i.RaisedAt = now, now, now
	return s.inTx(ctx, func(tx conn) error {
		var event, by any
		if i.EventID != 0 {
			var community int64
			var starts time.Time
			var eventName convene.Name
			if err := tx.row(ctx, `SELECT community_id, starts_at, name, translations FROM events WHERE id = ?`, i.EventID).Scan(
				append([]any{&community, &starts}, nameCols(&eventName, "name")...)...); err != nil {
				return notFound(err, "event.not_found")
			}
			if community != i.CommunityID {
				return convene.NotFound("event.not_found")
			}
			event, i.RaisedAt, i.EventName = i.EventID, starts.UTC(), eventName
		}
		if i.ProposedBy != 0 {
			by = i.ProposedBy
		}
		if err := checkTexts(ctx, tx, i.CommunityID, i); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO ideas (community_id, event_id, title, description, status, proposed_by, raised_at, created_at, updated_at,
			translations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, i.CommunityID, event, i.Title, i.Description, i.Status, by, i.RaisedAt, now, now, textsJSON(i))
		i.ID = id
		return err
	})
}

// SetIdeaStatus changes the status of an idea of the community.
func (s *Store) SetIdeaStatus(ctx context.Context, communityID, id int64, status string) error {
	if !slices.Contains(convene.IdeaStatuses, status) {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "status", Key: "idea.status_invalid"})
	}
	res, err := s.read().exec(ctx, `UPDATE ideas SET status = ?, updated_at = ? WHERE id = ? AND community_id = ?`,
		status, s.now(), id, communityID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("idea.not_found")
	}
	return nil
}

// IdeaToInitiative turns an idea of the community into a new initiative led by leadID, in one
// transaction: the initiative takes the idea's title and text, and the idea is picked up and linked
// to it. An idea that already became an initiative is refused with a conflict.
func (s *Store) IdeaToInitiative(ctx context.Context, communityID, ideaID, leadID int64) (*convene.Initiative, error) {
	var in *convene.Initiative
	err := s.inTx(ctx, func(tx conn) error {
		var idea convene.Idea
		var linked sql.NullInt64
		if err := tx.row(ctx, `SELECT title, description, initiative_id, translations FROM ideas WHERE id = ? AND community_id = ?`,
			ideaID, communityID).Scan(&idea.Title, &idea.Description, &linked, texts(&idea.Texts)); err != nil {
			return notFound(err, "idea.not_found")
		}
		if linked.Valid {
			return convene.Errorf(convene.ECONFLICT, "idea.already_initiative", nil)
		}
		// The initiative takes the idea's title and text in every language it has them.
		in = &convene.Initiative{CommunityID: communityID, Name: idea.Title, Description: idea.Description,
			Status: convene.InitiativeForming, LeadIDs: []int64{leadID}}
		for lang, fields := range idea.Translations {
			in.Translations.Set(lang, "name", fields["title"])
			in.Translations.Set(lang, "description", fields["description"])
		}
		if err := createInitiative(ctx, tx, in, s.now()); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `UPDATE ideas SET initiative_id = ?, status = ?, updated_at = ? WHERE id = ?`,
			in.ID, convene.IdeaPickedUp, in.CreatedAt, ideaID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// LinkIdeaToInitiative records that an idea of the community became an existing initiative of
// the same community: the idea is picked up and linked to it.
func (s *Store) LinkIdeaToInitiative(ctx context.Context, communityID, ideaID, initiativeID int64) error {
	return s.inTx(ctx, func(tx conn) error {
		var community int64
		if err := tx.row(ctx, `SELECT community_id FROM initiatives WHERE id = ? AND deleted_at IS NULL`, initiativeID).Scan(&community); err != nil {
			return notFound(err, "initiative.not_found")
		}
		if community != communityID {
			return convene.NotFound("initiative.not_found")
		}
		res, err := tx.exec(ctx, `UPDATE ideas SET initiative_id = ?, status = ?, updated_at = ? WHERE id = ? AND community_id = ?`,
			initiativeID, convene.IdeaPickedUp, s.now(), ideaID, communityID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return convene.NotFound("idea.not_found")
		}
		return nil
	})
}
