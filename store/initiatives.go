package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

const initiativeColumns = `id, community_id, name, description, jurisdiction, sector, status, links, created_at, updated_at, finished_at, translations`

func scanInitiative(row interface{ Scan(...any) error }) (*convene.Initiative, error) {
	var in convene.Initiative
	var links string
	var finished sql.NullTime
	if err := row.Scan(&in.ID, &in.CommunityID, &in.Name, &in.Description, &in.Jurisdiction, &in.Sector, &in.Status, &links,
		&in.CreatedAt, &in.UpdatedAt, &finished, texts(&in.Texts)); err != nil {
		return nil, err
	}
	in.CreatedAt, in.UpdatedAt, in.FinishedAt = in.CreatedAt.UTC(), in.UpdatedAt.UTC(), timePtr(finished)
	if links != "" {
		in.Links = strings.Split(links, "\n")
	}
	return &in, nil
}

// CreateInitiative stores a new initiative with its leads, in one transaction.
func (s *Store) CreateInitiative(ctx context.Context, in *convene.Initiative) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error { return createInitiative(ctx, tx, in, now) })
}

// createInitiative validates and stores a new initiative with its leads inside the caller's transaction.
// A non-zero CreatedAt (and FinishedAt, for one already done or stopped) is kept, for history
// recorded after the fact; otherwise both are now.
func createInitiative(ctx context.Context, tx conn, in *convene.Initiative, now time.Time) error {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = now
	}
	in.CreatedAt, in.UpdatedAt, in.FinishedAt = in.CreatedAt.UTC(), now, finishedAt(in.Status, in.FinishedAt, now)
	if err := checkTexts(ctx, tx, in.CommunityID, in); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO initiatives (community_id, name, description, jurisdiction, sector, status, links, created_at, updated_at,
		finished_at, translations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.CommunityID, in.Name, in.Description, in.Jurisdiction, in.Sector, in.Status,
		strings.Join(in.Links, "\n"), in.CreatedAt, now, nullTime(in.FinishedAt), textsJSON(in))
	if err != nil {
		return err
	}
	in.ID = id
	return setLeads(ctx, tx, in.ID, in.LeadIDs)
}

// finishedAt is when an initiative in status finished: the time already known, or now for one just
// marked done or stopped; nil while it goes on.
func finishedAt(status string, known *time.Time, now time.Time) *time.Time {
	if !convene.InitiativeFinished(status) {
		return nil
	}
	if known != nil {
		t := known.UTC()
		return &t
	}
	return &now
}

// UpdateInitiative saves an initiative's fields (its leads stay as they are). Marking it done or
// stopped records when it finished; moving from one to the other keeps that moment, and reopening
// it clears it. A deleted or unknown initiative is not found.
func (s *Store) UpdateInitiative(ctx context.Context, in *convene.Initiative) error {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var prev sql.NullTime
		if err := tx.row(ctx, `SELECT finished_at, community_id FROM initiatives WHERE id = ? AND deleted_at IS NULL`+tx.d.forUpdateOf("initiatives"),
			in.ID).Scan(&prev, &in.CommunityID); err != nil {
			return notFound(err, "initiative.not_found")
		}
		in.FinishedAt = finishedAt(in.Status, timePtr(prev), now)
		if err := checkTexts(ctx, tx, in.CommunityID, in); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE initiatives SET name = ?, description = ?, jurisdiction = ?, sector = ?, status = ?, links = ?,
			updated_at = ?, finished_at = ?, translations = ? WHERE id = ?`, in.Name, in.Description, in.Jurisdiction, in.Sector, in.Status,
			strings.Join(in.Links, "\n"), now, nullTime(in.FinishedAt), textsJSON(in), in.ID); err != nil {
			return err
		}
		in.UpdatedAt = now
		return nil
	})
}

// DeleteInitiative hides an initiative; its history is kept but no page shows it.
func (s *Store) DeleteInitiative(ctx context.Context, id int64) error {
	res, err := s.read().exec(ctx, `UPDATE initiatives SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, s.now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("initiative.not_found")
	}
	return nil
}

func setLeads(ctx context.Context, tx conn, initiativeID int64, userIDs []int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM initiative_leads WHERE initiative_id = ?`, initiativeID); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, id := range userIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := tx.exec(ctx, `INSERT INTO initiative_leads (initiative_id, user_id) VALUES (?, ?)`, initiativeID, id); err != nil {
			return err
		}
	}
	return nil
}

// InitiativeByID loads an initiative that is not deleted, with its leads.
func (s *Store) InitiativeByID(ctx context.Context, id int64) (*convene.Initiative, error) {
	in, err := scanInitiative(s.read().row(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE id = ? AND deleted_at IS NULL`, id))
	if err != nil {
		return nil, notFound(err, "initiative.not_found")
	}
	rows, err := s.read().query(ctx, `SELECT `+prefixed("u.", userColumns)+` FROM initiative_leads l JOIN users u ON u.id = l.user_id
		WHERE l.initiative_id = ? ORDER BY u.name, u.id`, id)
	if err != nil {
		return nil, err
	}
	in.Leads, err = collectUsers(rows)
	if err != nil {
		return nil, err
	}
	for _, u := range in.Leads {
		in.LeadIDs = append(in.LeadIDs, u.ID)
	}
	return in, nil
}

// Initiatives lists a community's initiatives by name, narrowed by status, jurisdiction and sector.
func (s *Store) Initiatives(ctx context.Context, f convene.InitiativeFilter) ([]*convene.Initiative, error) {
	where, args := []string{"community_id = ?", "deleted_at IS NULL"}, []any{f.CommunityID}
	for col, v := range map[string]string{"status": f.Status, "jurisdiction": f.Jurisdiction, "sector": f.Sector} {
		if v != "" {
			where, args = append(where, col+" = ?"), append(args, v)
		}
	}
	if f.LeadID != 0 {
		where, args = append(where, "id IN (SELECT initiative_id FROM initiative_leads WHERE user_id = ?)"), append(args, f.LeadID)
	}
	rows, err := s.read().query(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE `+strings.Join(where, " AND ")+` ORDER BY name, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Initiative
	for rows.Next() {
		in, err := scanInitiative(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// AddUpdate stores an initiative's progress report. A call it is tied to must belong to the
// initiative's community. A non-zero CreatedAt is kept, for history imported from elsewhere.
func (s *Store) AddUpdate(ctx context.Context, up *convene.InitiativeUpdate) error {
	if err := up.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var communityID int64
		if err := tx.row(ctx, `SELECT community_id FROM initiatives WHERE id = ? AND deleted_at IS NULL`, up.InitiativeID).Scan(&communityID); err != nil {
			return notFound(err, "initiative.not_found")
		}
		var callID any
		if up.CallID != 0 {
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM calls WHERE id = ? AND community_id = ?`, up.CallID, communityID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "call_id", Key: "update.call.invalid"})
			}
			callID = up.CallID
		}
		at := now
		if !up.CreatedAt.IsZero() {
			at = up.CreatedAt.UTC().Truncate(time.Second)
		}
		id, err := tx.insert(ctx, `INSERT INTO initiative_updates (initiative_id, author_id, body, call_id, created_at, lang) VALUES (?, ?, ?, ?, ?, ?)`,
			up.InitiativeID, nullID(up.AuthorID), up.Body, callID, at, up.Lang)
		if err != nil {
			return err
		}
		up.ID, up.CreatedAt = id, at
		_, err = tx.exec(ctx, `UPDATE initiatives SET updated_at = ? WHERE id = ?`, now, up.InitiativeID)
		return err
	})
}

// Updates lists an initiative's updates, newest first, with the call each was presented at.
func (s *Store) Updates(ctx context.Context, initiativeID int64) ([]*convene.InitiativeUpdate, error) {
	return s.updates(ctx, `up.initiative_id = ?`, initiativeID, 0)
}

// UpdatesAtCall lists the updates of live initiatives presented at a call, oldest first, as they
// came up.
func (s *Store) UpdatesAtCall(ctx context.Context, callID int64) ([]*convene.InitiativeUpdate, error) {
	ups, err := s.updates(ctx, `up.call_id = ? AND i.deleted_at IS NULL`, callID, 0)
	slices.Reverse(ups)
	return ups, err
}

// RecentUpdates lists the newest updates of a community's live initiatives, at most limit.
func (s *Store) RecentUpdates(ctx context.Context, communityID int64, limit int) ([]*convene.InitiativeUpdate, error) {
	return s.updates(ctx, `i.community_id = ? AND i.deleted_at IS NULL`, communityID, limit)
}

// updates lists the updates a condition on up (the update) and i (its initiative) selects, newest
// first, at most limit when it is positive. The unary plus in the join keeps SQLite from reaching
// a community's updates through each of its initiatives and sorting them all: it walks the updates
// newest first and stops at limit (conditions on up itself still use its indexes).
func (s *Store) updates(ctx context.Context, where string, arg any, limit int) ([]*convene.InitiativeUpdate, error) {
	q := `SELECT up.id, up.initiative_id, i.name, i.translations, COALESCE(up.author_id, 0), COALESCE(u.name, ''), up.body,
		COALESCE(up.call_id, 0), ` + callTitleColumns("c", "sr") + `, c.starts_at, up.created_at, up.lang, up.translations
		FROM initiative_updates up JOIN initiatives i ON i.id = +up.initiative_id LEFT JOIN users u ON u.id = up.author_id
		LEFT JOIN calls c ON c.id = up.call_id LEFT JOIN series sr ON sr.id = c.series_id
		WHERE ` + where + ` ORDER BY up.created_at DESC, up.id DESC`
	args := []any{arg}
	if limit > 0 {
		q, args = q+` LIMIT ?`, append(args, limit)
	}
	rows, err := s.read().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.InitiativeUpdate
	for rows.Next() {
		var up convene.InitiativeUpdate
		var starts sql.NullTime
		dst := append([]any{&up.ID, &up.InitiativeID}, nameCols(&up.InitiativeName, "name")...)
		dst = append(append(append(dst, &up.AuthorID, &up.AuthorName, &up.Body, &up.CallID), nameCols(&up.CallTitle, "title")...), &starts, &up.CreatedAt, &up.Lang, texts(&up.Texts))
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		if starts.Valid {
			up.CallStartsAt = starts.Time.UTC()
		}
		up.CreatedAt = up.CreatedAt.UTC()
		out = append(out, &up)
	}
	return out, rows.Err()
}

// AddAsk stores an initiative's ask, open until closed. A non-zero CreatedAt is kept, for history
// imported from elsewhere.
func (s *Store) AddAsk(ctx context.Context, a *convene.Ask) error {
	if err := a.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var one int
		if err := tx.row(ctx, `SELECT 1 FROM initiatives WHERE id = ? AND deleted_at IS NULL`, a.InitiativeID).Scan(&one); err != nil {
			return notFound(err, "initiative.not_found")
		}
		at := now
		if !a.CreatedAt.IsZero() {
			at = a.CreatedAt.UTC().Truncate(time.Second)
		}
		id, err := tx.insert(ctx, `INSERT INTO initiative_asks (initiative_id, author_id, kind, body, created_at, lang) VALUES (?, ?, ?, ?, ?, ?)`,
			a.InitiativeID, nullID(a.AuthorID), a.Kind, a.Body, at, a.Lang)
		if err != nil {
			return err
		}
		a.ID, a.CreatedAt, a.Open = id, at, true
		_, err = tx.exec(ctx, `UPDATE initiatives SET updated_at = ? WHERE id = ?`, now, a.InitiativeID)
		return err
	})
}

const askColumns = `a.id, a.initiative_id, COALESCE(a.author_id, 0), COALESCE(u.name, ''), a.kind, a.body, a.created_at, a.closed_at, a.lang, a.translations`

func scanAsk(row interface{ Scan(...any) error }) (*convene.Ask, error) {
	var a convene.Ask
	var closed sql.NullTime
	if err := row.Scan(&a.ID, &a.InitiativeID, &a.AuthorID, &a.AuthorName, &a.Kind, &a.Body, &a.CreatedAt, &closed, &a.Lang, texts(&a.Texts)); err != nil {
		return nil, err
	}
	a.ClosedAt = timePtr(closed)
	a.Open = a.ClosedAt == nil
	return &a, nil
}

// AskByID loads one ask of a live initiative, without its offers.
func (s *Store) AskByID(ctx context.Context, id int64) (*convene.Ask, error) {
	a, err := scanAsk(s.read().row(ctx, `SELECT `+askColumns+` FROM initiative_asks a LEFT JOIN users u ON u.id = a.author_id
		JOIN initiatives i ON i.id = a.initiative_id WHERE a.id = ? AND i.deleted_at IS NULL`, id))
	return a, notFound(err, "ask.not_found")
}

// RecentAsks lists the newest asks of a community's live initiatives, at most limit, without their
// offers; each carries its initiative's name. As in RecentUpdates, the unary plus walks the asks
// newest first.
func (s *Store) RecentAsks(ctx context.Context, communityID int64, limit int) ([]*convene.Ask, error) {
	rows, err := s.read().query(ctx, `SELECT `+askColumns+`, i.name, i.translations FROM initiative_asks a LEFT JOIN users u ON u.id = a.author_id
		JOIN initiatives i ON i.id = +a.initiative_id WHERE i.community_id = ? AND i.deleted_at IS NULL
		ORDER BY a.created_at DESC, a.id DESC LIMIT ?`, communityID, limit)
	if err != nil {
		return nil, err
	}
	var out []*convene.Ask
	err = collect(rows, func(row interface{ Scan(...any) error }) (*convene.Ask, error) {
		var initiative convene.Name
		a, err := scanAsk(scanMore{row, nameCols(&initiative, "name")})
		if a != nil {
			a.InitiativeName = initiative
		}
		return a, err
	}, func(a *convene.Ask) { out = append(out, a) })
	return out, err
}

// Asks lists an initiative's asks, newest first, each with its offers (two queries in all).
// With openOnly, closed asks are left out.
func (s *Store) Asks(ctx context.Context, initiativeID int64, openOnly bool) ([]*convene.Ask, error) {
	q := `SELECT ` + askColumns + ` FROM initiative_asks a LEFT JOIN users u ON u.id = a.author_id WHERE a.initiative_id = ?`
	if openOnly {
		q += ` AND a.closed_at IS NULL`
	}
	rows, err := s.read().query(ctx, q+` ORDER BY a.created_at DESC, a.id DESC`, initiativeID)
	if err != nil {
		return nil, err
	}
	var out []*convene.Ask
	byID := map[int64]*convene.Ask{}
	for rows.Next() {
		a, err := scanAsk(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out, byID[a.ID] = append(out, a), a
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	orows, err := s.read().query(ctx, `SELECT o.id, o.ask_id, COALESCE(o.user_id, 0), COALESCE(u.name, ''), o.message, o.taken, o.created_at, o.lang
		FROM ask_offers o JOIN initiative_asks a ON a.id = o.ask_id LEFT JOIN users u ON u.id = o.user_id
		WHERE a.initiative_id = ? ORDER BY o.created_at, o.id`, initiativeID)
	if err != nil {
		return nil, err
	}
	defer orows.Close()
	for orows.Next() {
		var o convene.Offer
		if err := orows.Scan(&o.ID, &o.AskID, &o.UserID, &o.UserName, &o.Message, &o.Taken, &o.CreatedAt, &o.Lang); err != nil {
			return nil, err
		}
		if a := byID[o.AskID]; a != nil {
			a.Offers = append(a.Offers, &o)
		}
	}
	return out, orows.Err()
}

// OfferHelp stores a member's offer on an open ask and, in the same transaction, the mail that
// tells the asker: mail receives the asker (nil when their account is gone, and then no mail is sent).
func (s *Store) OfferHelp(ctx context.Context, o *convene.Offer, mail func(asker *convene.User, a *convene.Ask) convene.Mail) error {
	if err := o.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		a, err := scanAsk(tx.row(ctx, `SELECT `+askColumns+` FROM initiative_asks a LEFT JOIN users u ON u.id = a.author_id
			JOIN initiatives i ON i.id = a.initiative_id WHERE a.id = ? AND i.deleted_at IS NULL`, o.AskID))
		if err != nil {
			return notFound(err, "ask.not_found")
		}
		if !a.Open {
			return convene.Errorf(convene.ECONFLICT, "ask.closed", nil)
		}
		id, err := tx.insert(ctx, `INSERT INTO ask_offers (ask_id, user_id, message, created_at, lang) VALUES (?, ?, ?, ?, ?)`, o.AskID, o.UserID, o.Message, now, o.Lang)
		if err != nil {
			return err
		}
		o.ID, o.CreatedAt = id, now
		if a.AuthorID == 0 || mail == nil {
			return nil
		}
		asker, err := scanUser(tx.row(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, a.AuthorID))
		if err != nil {
			return notFound(err, "ask.not_found")
		}
		return enqueueMail(ctx, tx, mail(asker, a), now)
	})
}

// TakeOffer marks an offer on an ask as taken.
func (s *Store) TakeOffer(ctx context.Context, askID, offerID int64) error {
	res, err := s.read().exec(ctx, `UPDATE ask_offers SET taken = ? WHERE id = ? AND ask_id = ?`, true, offerID, askID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("offer.not_found")
	}
	return nil
}

// CloseAsk closes an open ask; closing a closed one changes nothing.
func (s *Store) CloseAsk(ctx context.Context, askID int64) error {
	res, err := s.read().exec(ctx, `UPDATE initiative_asks SET closed_at = COALESCE(closed_at, ?) WHERE id = ?`, s.now(), askID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("ask.not_found")
	}
	return nil
}

// nullID stores an absent reference (0) as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AddLead makes a member of the initiative's community one of its leads; a lead already is one.
// Someone outside the community is refused.
func (s *Store) AddLead(ctx context.Context, initiativeID, userID int64) error {
	return s.inTx(ctx, func(tx conn) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM initiatives i JOIN memberships m ON m.community_id = i.community_id
			WHERE i.id = ? AND i.deleted_at IS NULL AND m.user_id = ?`, initiativeID, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "lead", Key: "initiative.lead.not_member"})
		}
		if err := tx.row(ctx, `SELECT COUNT(*) FROM initiative_leads WHERE initiative_id = ? AND user_id = ?`, initiativeID, userID).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO initiative_leads (initiative_id, user_id) VALUES (?, ?)`, initiativeID, userID)
		return err
	})
}

// RemoveLead takes a lead off an initiative. The last lead stays: an initiative always has someone
// to answer for it.
func (s *Store) RemoveLead(ctx context.Context, initiativeID, userID int64) error {
	return s.inTx(ctx, func(tx conn) error {
		var leads, this int
		if err := tx.row(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = ? THEN 1 ELSE 0 END), 0) FROM initiative_leads
			WHERE initiative_id = ?`, userID, initiativeID).Scan(&leads, &this); err != nil {
			return err
		}
		if this == 0 {
			return convene.NotFound("initiative.lead.not_found")
		}
		if leads == 1 {
			return convene.Invalid("initiative.lead.last", nil)
		}
		_, err := tx.exec(ctx, `DELETE FROM initiative_leads WHERE initiative_id = ? AND user_id = ?`, initiativeID, userID)
		return err
	})
}
