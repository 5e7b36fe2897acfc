package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// OpsFigures are the figures an operator watches, read when metrics are scraped.
type OpsFigures struct {
	// Jobs counts background work by kind and state: "pending" (waiting for its time),
	// "due" (its time has come), "failing" (failed, will retry), "given_up", "done".
	Jobs map[[2]string]int
	// OutboxWaiting is how many mails are not sent yet; OldestUnsent is when the oldest of them
	// was written (zero when none waits).
	OutboxWaiting int
	OldestUnsent  time.Time
	// RemindersDue counts reminders whose time has come but that have not run.
	RemindersDue int
}

// Ops reads the operator's figures: a grouped query over the jobs, two small ones over the outbox.
func (s *Store) Ops(ctx context.Context) (OpsFigures, error) {
	now := s.now()
	out := OpsFigures{Jobs: map[[2]string]int{}}
	rows, err := s.read().query(ctx, `SELECT kind, CASE
			WHEN done_at IS NOT NULL THEN 'done'
			WHEN failed_at IS NOT NULL THEN 'given_up'
			WHEN last_error <> '' THEN 'failing'
			WHEN run_at <= ? THEN 'due'
			ELSE 'pending' END AS state, COUNT(*) FROM jobs GROUP BY kind, state`, now)
	if err != nil {
		return out, err
	}
	err = collect(rows, func(r interface{ Scan(...any) error }) (struct{}, error) {
		var kind, state string
		var n int
		if err := r.Scan(&kind, &state, &n); err != nil {
			return struct{}{}, err
		}
		out.Jobs[[2]string{kind, state}] = n
		if kind == JobReminder && state == "due" {
			out.RemindersDue = n
		}
		return struct{}{}, nil
	}, func(struct{}) {})
	if err != nil {
		return out, err
	}
	if err := s.read().row(ctx, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`).Scan(&out.OutboxWaiting); err != nil {
		return out, err
	}
	// The oldest by id, whose column keeps its type on both engines (an aggregate's would not on SQLite).
	err = s.read().row(ctx, `SELECT created_at FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT 1`).Scan(&out.OldestUnsent)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return out, err
}
