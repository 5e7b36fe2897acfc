package convene

import (
	"strconv"
	"strings"
	"time"
)

// Kinds of thing a comment is about.
const (
	CommentOnCall       = "call"
	CommentOnInitiative = "initiative"
	CommentOnAsk        = "ask"
	CommentOnIdea       = "idea"
)

// CommentKinds lists every kind of thing members comment on.
var CommentKinds = []string{CommentOnCall, CommentOnInitiative, CommentOnAsk, CommentOnIdea}

// MaxComment is the longest comment, in characters.
const MaxComment = 5000

// Comment rate limits: a member writes at most CommentsPerMinute comments a minute and
// CommentsPerDay a day.
const (
	CommentsPerMinute = 5
	CommentsPerDay    = 50
)

// CommentTarget names what a comment is about: a call, an initiative, an ask or an idea.
type CommentTarget struct {
	Kind string
	ID   int64
}

// ParseCommentTarget reads a target written as "kind:id", such as "call:12".
func ParseCommentTarget(s string) (CommentTarget, error) {
	kind, id, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || !ValidCommentKind(kind) {
		return CommentTarget{}, Invalid("comment.target.invalid", nil)
	}
	return CommentTarget{Kind: kind, ID: n}, nil
}

// String writes the target as "kind:id".
func (t CommentTarget) String() string { return t.Kind + ":" + strconv.FormatInt(t.ID, 10) }

// ValidCommentKind reports whether kind is something members comment on.
func ValidCommentKind(kind string) bool {
	for _, k := range CommentKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Comment is a member's remark, in Markdown, on a call, an initiative, an ask or an idea.
// Organizers hide comments; a hidden comment is never shown again.
type Comment struct {
	ID          int64
	CommunityID int64
	Target      CommentTarget
	AuthorID    int64
	AuthorName  string // read only
	Body        string
	Hidden      bool
	Reports     int // read only: how many members reported it
	CreatedAt   time.Time
	// Texts: Lang is the language its author wrote it in (BCP 47; "" for texts written before it
	// was recorded), Translations the versions its author or an organizer added.
	Texts
}

// TextFields is the comment's one translatable field.
func (c *Comment) TextFields() []TextField { return []TextField{{"body", &c.Body, MaxComment, true}} }

// Normalize trims the comment's text.
func (c *Comment) Normalize() { c.Body = Para(c.Body) }

// Validate checks a comment before it is stored.
func (c *Comment) Validate() error {
	var f fieldErrors
	checkText(&f, "body", c.Body, MaxComment, true)
	checkAuthorLanguage(&f, &c.Lang)
	return f.err()
}
