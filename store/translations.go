package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/opengovcall/convene"
)

// texts scans a translations column (JSON: language → field → text) into an item's Texts.
func texts(t *convene.Texts) sql.Scanner { return textsScanner{t} }

type textsScanner struct{ t *convene.Texts }

func (s textsScanner) Scan(src any) error {
	var t *convene.Translations
	if err := jsonColumn(&t).Scan(src); err != nil {
		return fmt.Errorf("translations: %w", err)
	}
	s.t.Translations = nil
	if t != nil && len(*t) > 0 {
		s.t.Translations = *t
	}
	return nil
}

// textsJSON is what an item's translations column holds.
func textsJSON(it convene.Translatable) string {
	t := it.Localized().Translations
	if len(t) == 0 {
		return "{}"
	}
	raw, _ := json.Marshal(t)
	return string(raw)
}

// communityLanguages reads a community's languages, its primary first.
func communityLanguages(ctx context.Context, tx conn, communityID int64) ([]string, error) {
	var c convene.Community
	var langs string
	if err := tx.row(ctx, `SELECT languages FROM communities WHERE id = ?`, communityID).Scan(&langs); err != nil {
		return nil, notFound(err, "community.not_found")
	}
	c.Languages = splitLanguages(langs)
	if len(c.Languages) == 0 {
		return []string{c.Primary()}, nil
	}
	return c.Languages, nil
}

// splitLanguages reads a community's languages column, tags separated by commas.
func splitLanguages(langs string) []string {
	if langs == "" {
		return nil
	}
	return strings.Split(langs, ",")
}

// checkTexts readies an item of a community for writing: its fields back to their originals if
// it was shown in another language, its versions trimmed and checked against the community's
// languages.
func checkTexts(ctx context.Context, tx conn, communityID int64, items ...convene.Translatable) error {
	langs, err := communityLanguages(ctx, tx, communityID)
	if err != nil {
		return err
	}
	for _, it := range items {
		convene.Unlocalize(it)
		it.Localized().Lang = langs[0]
		convene.NormalizeTexts(it)
		if err := convene.ValidateTexts(it, langs); err != nil {
			return err
		}
	}
	return nil
}

// nameCols scans a related item's name and its translations column into n; field is the key of the
// text in those versions ("name", or "title" for a call's or a series' title).
func nameCols(n *convene.Name, field string) []any {
	n.Field = field
	return []any{&n.Text, texts(&n.Texts)}
}

// callTitleColumns select a call's title as pages show it (its own, or its series') with the
// versions of whichever it is, for the calls table as c and the series as s.
func callTitleColumns(c, s string) string {
	return `COALESCE(NULLIF(` + c + `.title, ''), ` + s + `.title, ''),
		COALESCE(CASE WHEN ` + c + `.title <> '' THEN ` + c + `.translations ELSE ` + s + `.translations END, '{}')`
}

// jsonOf is a JSON column's value for v: NULL for a nil pointer.
func jsonOf[T any](v *T) any {
	if v == nil {
		return nil
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// jsonColumn scans a JSON column into *dst: NULL and "" leave it nil, anything else is decoded
// into a new value.
func jsonColumn[T any](dst **T) sql.Scanner { return jsonScanner[T]{dst} }

type jsonScanner[T any] struct{ dst **T }

func (s jsonScanner[T]) Scan(src any) error {
	*s.dst = nil
	var raw []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		return fmt.Errorf("json column: cannot scan %T", src)
	}
	if len(raw) == 0 {
		return nil
	}
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return err
	}
	*s.dst = v
	return nil
}

// accessColumn scans a series' accessibility, which is never NULL.
func accessColumn(dst *convene.Accessibility) sql.Scanner { return accessScanner{dst} }

type accessScanner struct{ dst *convene.Accessibility }

func (s accessScanner) Scan(src any) error {
	var p *convene.Accessibility
	if err := jsonColumn(&p).Scan(src); err != nil {
		return err
	}
	*s.dst = convene.Accessibility{}
	if p != nil {
		*s.dst = *p
	}
	return nil
}
