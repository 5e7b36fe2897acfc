package store

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// SessionStore keeps web sessions in the database, so every instance behind a load balancer sees
// the same sign-ins. It implements scs.CtxStore.
//
// A session with an idle timeout is saved at the end of every request, only to push its expiry
// back: a database write per page view. SessionStore skips the write when the data is what this
// request loaded (or this instance last wrote) and the expiry moved by less than RefreshEvery, so
// a signed-in visitor costs one write a minute at most; any change to the data is written at once.
type SessionStore struct {
	s    *Store
	mu   sync.Mutex
	seen map[string]sessionSeen // token → the data last read or written here, and the expiry written
}

// RefreshEvery is how far a session's expiry may lag behind before it is written again.
const RefreshEvery = time.Minute

type sessionSeen struct {
	sum    uint64
	expiry time.Time // zero when this instance has not written the session
}

var sessionSeed = maphash.MakeSeed()

// Sessions returns the store's session store.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s: s, seen: map[string]sessionSeen{}} }

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
	sum := maphash.Bytes(sessionSeed, data)
	ss.mu.Lock()
	if prev, ok := ss.seen[token]; !ok || prev.sum != sum { // changed elsewhere: its next save is written
		ss.remember(token, sessionSeen{sum: sum})
	}
	ss.mu.Unlock()
	return data, true, nil
}

// CommitCtx saves a session's data until expiry, unless only its expiry moved, by less than
// RefreshEvery, since this instance wrote it.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	sum := maphash.Bytes(sessionSeed, data)
	ss.mu.Lock()
	prev, ok := ss.seen[token]
	ss.mu.Unlock()
	if ok && prev.sum == sum && !prev.expiry.IsZero() && expiry.Sub(prev.expiry) < RefreshEvery && !expiry.Before(prev.expiry) {
		return nil
	}
	_, err := ss.s.read().exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, data, expiry.UTC())
	if err == nil {
		ss.mu.Lock()
		ss.remember(token, sessionSeen{sum: sum, expiry: expiry})
		ss.mu.Unlock()
	}
	return err
}

// remember notes a session, forgetting them all when too many are held (each is then written
// once more): the memory stays bounded whatever the traffic. The caller holds mu.
func (ss *SessionStore) remember(token string, seen sessionSeen) {
	if len(ss.seen) >= 100_000 {
		ss.seen = map[string]sessionSeen{}
	}
	ss.seen[token] = seen
}

// DeleteCtx ends a session.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	ss.mu.Lock()
	delete(ss.seen, token)
	ss.mu.Unlock()
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
