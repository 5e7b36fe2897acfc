package store

import (
	"context"
	"time"
)

// SessionStore keeps web sessions in the database, so every instance behind a load balancer sees
// the same sign-ins. It implements scs.CtxStore.
type SessionStore struct{ s *Store }

// Sessions returns the store's session store.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s} }

// FindCtx returns the data of a live session.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := ss.s.read().row(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`, token, ss.s.now()).Scan(&data)
	if err != nil {
		if notFound(err, "") != err {
			return nil, false, nil
		}
		return nil, false, err
	}
	return data, true, nil
}

// CommitCtx saves a session's data until expiry.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	_, err := ss.s.read().exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, data, expiry.UTC())
	return err
}

// DeleteCtx ends a session.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := ss.s.read().exec(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	return err
}

// Find, Commit and Delete satisfy scs.Store for callers without a context.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit saves a session without a request context.
func (ss *SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, data, expiry)
}

// Delete ends a session without a request context.
func (ss *SessionStore) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

// DeleteExpired removes sessions and sign-in attempts that no longer matter.
func (s *Store) DeleteExpired(ctx context.Context) error {
	now := s.now()
	if _, err := s.read().exec(ctx, `DELETE FROM sessions WHERE expiry <= ?`, now); err != nil {
		return err
	}
	_, err := s.read().exec(ctx, `DELETE FROM sign_in_attempts WHERE at < ?`, now.Add(-24*time.Hour))
	return err
}
