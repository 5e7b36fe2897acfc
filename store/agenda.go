package store

import (
	"context"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// agendaColumns and agendaFrom read an agenda item with its presenter's photo's place.
var (
	agendaColumns = `a.id, a.call_id, a.position, a.kind, a.title, a.description, a.presenter_name, a.presenter_org, a.minutes, a.translations, ` +
		imageRefColumns("pp")
	agendaFrom = ` FROM agenda_items a LEFT JOIN images pp ON pp.id = a.presenter_photo_id`
)

func scanAgendaItem(row interface{ Scan(...any) error }) (*convene.AgendaItem, error) {
	var a convene.AgendaItem
	var photo imageRef
	err := row.Scan(append([]any{&a.ID, &a.CallID, &a.Position, &a.Kind, &a.Title, &a.Description, &a.PresenterName, &a.PresenterOrg, &a.Minutes,
		texts(&a.Texts)}, photo.targets()...)...)
	a.PresenterPhoto = photo.image()
	return &a, err
}

// callInCommunity checks that a call belongs to the community an organizer is acting in.
func callInCommunity(ctx context.Context, tx conn, communityID, callID int64) error {
	var n int
	if err := tx.row(ctx, `SELECT COUNT(*) FROM calls WHERE id = ? AND community_id = ?`, callID, communityID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return convene.NotFound("call.not_found")
	}
	return nil
}

// AddAgendaItem appends an item to the agenda of a call of the community.
func (s *Store) AddAgendaItem(ctx context.Context, communityID int64, a *convene.AgendaItem) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx conn) error { return addAgendaItem(ctx, tx, communityID, a, s.now()) })
}

// addAgendaItem appends a validated item to its call's agenda inside the caller's transaction.
func addAgendaItem(ctx context.Context, tx conn, communityID int64, a *convene.AgendaItem, now time.Time) error {
	if err := callInCommunity(ctx, tx, communityID, a.CallID); err != nil {
		return err
	}
	if err := checkTexts(ctx, tx, communityID, a); err != nil {
		return err
	}
	if err := tx.row(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE call_id = ?`, a.CallID).Scan(&a.Position); err != nil {
		return err
	}
	photo, err := imageID(ctx, tx, communityID, a.PresenterPhoto, now)
	if err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO agenda_items (call_id, position, kind, title, description, presenter_name, presenter_org, minutes, translations,
		presenter_photo_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.CallID, a.Position, a.Kind, a.Title, a.Description, a.PresenterName, a.PresenterOrg,
		a.Minutes, textsJSON(a), photo)
	if err != nil {
		return err
	}
	a.ID = id
	return bumpSequence(ctx, tx, a.CallID, now)
}

// UpdateAgendaItem saves an item's text; its call and position stay.
func (s *Store) UpdateAgendaItem(ctx context.Context, communityID int64, a *convene.AgendaItem) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx conn) error {
		if err := callInCommunity(ctx, tx, communityID, a.CallID); err != nil {
			return err
		}
		if err := checkTexts(ctx, tx, communityID, a); err != nil {
			return err
		}
		photo, err := imageID(ctx, tx, communityID, a.PresenterPhoto, s.now())
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE agenda_items SET kind = ?, title = ?, description = ?, presenter_name = ?, presenter_org = ?, minutes = ?,
			translations = ?, presenter_photo_id = ? WHERE id = ? AND call_id = ?`, a.Kind, a.Title, a.Description, a.PresenterName, a.PresenterOrg,
			a.Minutes, textsJSON(a), photo, a.ID, a.CallID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return convene.NotFound("agenda.not_found")
		}
		if err := pruneImages(ctx, tx, communityID); err != nil {
			return err
		}
		return bumpSequence(ctx, tx, a.CallID, s.now())
	})
}

// DeleteAgendaItem removes an item and closes the gap it leaves in the order.
func (s *Store) DeleteAgendaItem(ctx context.Context, communityID, callID, itemID int64) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := callInCommunity(ctx, tx, communityID, callID); err != nil {
			return err
		}
		var pos int
		if err := tx.row(ctx, `SELECT position FROM agenda_items WHERE id = ? AND call_id = ?`, itemID, callID).Scan(&pos); err != nil {
			return notFound(err, "agenda.not_found")
		}
		if _, err := tx.exec(ctx, `DELETE FROM agenda_items WHERE id = ?`, itemID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE agenda_items SET position = position - 1 WHERE call_id = ? AND position > ?`, callID, pos); err != nil {
			return err
		}
		if err := pruneImages(ctx, tx, communityID); err != nil {
			return err
		}
		return bumpSequence(ctx, tx, callID, s.now())
	})
}

// MoveAgendaItem swaps an item with its neighbour above (delta -1) or below (delta +1).
func (s *Store) MoveAgendaItem(ctx context.Context, communityID, callID, itemID int64, delta int) error {
	if delta != -1 && delta != 1 {
		return convene.Invalid("agenda.move.invalid", nil)
	}
	return s.inTx(ctx, func(tx conn) error {
		if err := callInCommunity(ctx, tx, communityID, callID); err != nil {
			return err
		}
		var pos int
		if err := tx.row(ctx, `SELECT position FROM agenda_items WHERE id = ? AND call_id = ?`, itemID, callID).Scan(&pos); err != nil {
			return notFound(err, "agenda.not_found")
		}
		var otherID int64
		err := tx.row(ctx, `SELECT id FROM agenda_items WHERE call_id = ? AND position = ?`, callID, pos+delta).Scan(&otherID)
		if err != nil {
			if notFound(err, "") != err {
				return nil // already first or last
			}
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE agenda_items SET position = ? WHERE id = ?`, pos+delta, itemID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE agenda_items SET position = ? WHERE id = ?`, pos, otherID); err != nil {
			return err
		}
		return bumpSequence(ctx, tx, callID, s.now())
	})
}

// Agenda lists a call's items in order.
func (s *Store) Agenda(ctx context.Context, callID int64) ([]*convene.AgendaItem, error) {
	m, err := s.Agendas(ctx, []int64{callID})
	return m[callID], err
}

// Agendas lists the items of several calls in one query, keyed by call.
func (s *Store) Agendas(ctx context.Context, callIDs []int64) (map[int64][]*convene.AgendaItem, error) {
	out := make(map[int64][]*convene.AgendaItem, len(callIDs))
	if len(callIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(callIDs))
	for i, id := range callIDs {
		args[i] = id
	}
	rows, err := s.read().query(ctx, `SELECT `+agendaColumns+agendaFrom+` WHERE a.call_id IN (`+placeholders(len(callIDs))+`) ORDER BY a.call_id, a.position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAgendaItem(rows)
		if err != nil {
			return nil, err
		}
		out[a.CallID] = append(out[a.CallID], a)
	}
	return out, rows.Err()
}

// AgendaItemByID finds one item of a call.
func (s *Store) AgendaItemByID(ctx context.Context, callID, itemID int64) (*convene.AgendaItem, error) {
	a, err := scanAgendaItem(s.read().row(ctx, `SELECT `+agendaColumns+agendaFrom+` WHERE a.id = ? AND a.call_id = ?`, itemID, callID))
	return a, notFound(err, "agenda.not_found")
}

// placeholders writes n comma-separated ? marks for an IN list.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
