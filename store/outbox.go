package store

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/opengovcall/convene"
)

// enqueueMail writes a mail to the outbox inside the caller's transaction, so the mail exists if
// and only if the change that caused it was committed.
func enqueueMail(ctx context.Context, tx conn, m convene.Mail, now time.Time) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO outbox (message, recipient, created_at, next_attempt_at) VALUES (?, ?, ?, ?)`,
		string(b), convene.NormalizeEmail(m.To), now, now)
	return err
}

// EnqueueMail puts a mail in the outbox on its own.
func (s *Store) EnqueueMail(ctx context.Context, m convene.Mail) error {
	return enqueueMail(ctx, s.read(), m, s.now())
}

// ClaimMail leases up to limit due mails to one worker for lease, raising their attempt count.
// Two workers, on one machine or several, never hold the same mail at once.
func (s *Store) ClaimMail(ctx context.Context, limit int, lease time.Duration) ([]convene.OutboxItem, error) {
	now := s.now()
	var out []convene.OutboxItem
	err := s.inTx(ctx, func(tx conn) error {
		rows, err := tx.query(ctx, `UPDATE outbox SET locked_until = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?
				AND (locked_until IS NULL OR locked_until <= ?) ORDER BY id LIMIT ?`+s.dialect.skipLocked()+`)
			RETURNING id, message, attempts, created_at`, now.Add(lease), now, now, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it convene.OutboxItem
			var msg string
			if err := rows.Scan(&it.ID, &msg, &it.Attempts, &it.Created); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(msg), &it.Mail); err != nil {
				return err
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	sort.Slice(out, func(i, k int) bool { return out[i].ID < out[k].ID })
	return out, err
}

// MarkMailSent records a delivered mail so it is never sent again.
func (s *Store) MarkMailSent(ctx context.Context, id int64) error {
	_, err := s.read().exec(ctx, `UPDATE outbox SET sent_at = ?, locked_until = NULL, last_error = '' WHERE id = ?`, s.now(), id)
	return err
}

// MarkMailFailed records a failed attempt and when to try again.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, reason string, retryAt time.Time) error {
	reason = clip(reason, 1000)
	_, err := s.read().exec(ctx, `UPDATE outbox SET locked_until = NULL, last_error = ?, next_attempt_at = ? WHERE id = ?`,
		reason, retryAt.UTC(), id)
	return err
}

// OutboxStats counts mails waiting, sent, and failing (waiting after at least one failed attempt).
func (s *Store) OutboxStats(ctx context.Context) (waiting, sent, failing int, err error) {
	err = s.read().row(ctx, `SELECT
		COALESCE(SUM(CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at IS NULL AND last_error <> '' THEN 1 ELSE 0 END), 0) FROM outbox`).Scan(&waiting, &sent, &failing)
	return
}
