package web

import (
	"bytes"
	"encoding/gob"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes a session's values in key order, so that the same session always gives the
// same bytes: the session store then sees that nothing but the expiry changed and writes the
// session once a minute rather than on every request (store.SessionStore). scs's own codec
// encodes a Go map, whose order changes from one encoding to the next. Sessions saved by that
// codec (before an upgrade) are still read.
type sessionCodec struct{}

// sortedMark starts a session encoded in key order; scs's gob encoding never starts with it.
const sortedMark = 's'

type sortedSession struct {
	Deadline time.Time
	Keys     []string
	Values   []any
}

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	aux := sortedSession{Deadline: deadline}
	for k := range values {
		aux.Keys = append(aux.Keys, k)
	}
	slices.Sort(aux.Keys)
	for _, k := range aux.Keys {
		aux.Values = append(aux.Values, values[k])
	}
	b := bytes.NewBuffer([]byte{sortedMark})
	if err := gob.NewEncoder(b).Encode(&aux); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != sortedMark {
		return scs.GobCodec{}.Decode(b)
	}
	var aux sortedSession
	if err := gob.NewDecoder(bytes.NewReader(b[1:])).Decode(&aux); err != nil {
		return time.Time{}, nil, err
	}
	values := make(map[string]any, len(aux.Keys))
	for i, k := range aux.Keys {
		if i < len(aux.Values) {
			values[k] = aux.Values[i]
		}
	}
	return aux.Deadline, values, nil
}
