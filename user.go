package convene

import (
	"net/mail"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Roles a person can hold in a community.
const (
	RoleOwner     = "owner"
	RoleOrganizer = "organizer"
	RoleMember    = "member"
)

// User is a person with an account on the instance.
type User struct {
	ID           int64
	Email        string // never shown to anyone but the user, the organizers of calls they register for, and the operator
	Name         string
	PasswordHash string
	IsAdmin      bool // may create communities and act as organizer everywhere
	Confirmed    bool // false for a light account whose email link has not been followed yet
	CreatedAt    time.Time

	// The profile.
	Organization string
	Title        string
	Jurisdiction string // one of Jurisdictions, or ""
	Municipality string // when Jurisdiction is "municipal"
	Province     string // the province or territory a municipal or Indigenous jurisdiction is in, or ""
	Sector       string // one of Sectors, or ""
	Interests    []string
	Languages    []string // "en", "fr"; the first is the language of their mail
	TimeZone     string
	Visibility   string // one of Visibilities
	Bio          string
	RemindersOff bool // the person wants no reminder mails

	// SessionKey is a random secret every session of the account carries; a new one ends them all.
	SessionKey string
}

// MinPassword is the shortest password accepted.
const MinPassword = 10

// NormalizeEmail lowercases and trims an address so the same person always matches.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidEmail reports whether a normalized address is one mail can be sent to: a bare address, as
// RFC 5322 reads it, of at most 254 characters.
func ValidEmail(email string) bool {
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email && len(email) <= 254
}

// ValidateNewUser checks an account before it is created with the given password.
func ValidateNewUser(u *User, password string) error {
	var f fieldErrors
	u.Email = NormalizeEmail(u.Email)
	u.Name = Line(u.Name)
	if !ValidEmail(u.Email) {
		f.add("email", "email.invalid", nil)
	}
	checkText(&f, "name", u.Name, MaxName, true)
	if len(password) < MinPassword {
		f.add("password", "password.too_short", map[string]any{"Min": MinPassword})
	} else if len(password) > 72 {
		f.add("password", "password.too_long", map[string]any{"Max": 72})
	}
	return f.err()
}

// HashPassword returns the bcrypt hash stored in place of a password.
func HashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	return string(h), err
}

// PasswordCost is the bcrypt cost of new password hashes. Tests lower it (a hash at the default
// cost takes 0.65 s under the race detector); nothing else should change it.
var PasswordCost = bcrypt.DefaultCost

// dummyHash is a hash of nothing anyone types, at the cost of real ones, made on first use.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("no account has this password"), PasswordCost)
	return h
})

// dummyChecks counts CheckDummyPassword's calls, for tests.
var dummyChecks atomic.Int64

// CheckDummyPassword spends as long as checking a real password and finds nothing, for sign-ins
// to addresses without an account or without a password, so timing tells nothing about them.
func CheckDummyPassword(password string) {
	dummyChecks.Add(1)
	_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
}

// DummyPasswordChecks is how many times CheckDummyPassword ran, for tests.
func DummyPasswordChecks() int64 { return dummyChecks.Load() }

// CheckPassword reports whether password matches the stored hash.
func (u *User) CheckPassword(password string) bool {
	return u.PasswordHash != "" && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
}

// CanOrganize reports whether a person holding role may edit the community's calls.
func CanOrganize(role string) bool { return role == RoleOwner || role == RoleOrganizer }

// What an API token may do, chosen when it is made. Tokens work only on the API.
const (
	ScopeRead     = "read"     // read what the person may read
	ScopeRegister = "register" // act as a member: register, comment, propose, report, offer
	ScopeOrganize = "organize" // use the person's organizer rights
)

// TokenScopes are the scopes in the order forms list them.
var TokenScopes = []string{ScopeRead, ScopeRegister, ScopeOrganize}

// NormalizeScopes orders and dedupes scopes, adding read, which every token has; it reports false
// for a scope it does not know.
func NormalizeScopes(scopes []string) ([]string, bool) {
	has := map[string]bool{ScopeRead: true}
	for _, s := range scopes {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(TokenScopes, s) {
			return nil, false
		}
		has[s] = true
	}
	var out []string
	for _, s := range TokenScopes {
		if has[s] {
			out = append(out, s)
		}
	}
	return out, true
}
