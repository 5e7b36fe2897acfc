package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/locale"
	"github.com/opengovcall/convene/store"
)

const userUsage = `Usage:
  convene user create --email ADDRESS --name NAME [--admin] [--community SLUG [--role organizer]]
  convene user promote --email ADDRESS [--revoke]
`

func user(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "create":
			return createUser(ctx, args[1:], stdin, stdout, stderr)
		case "promote":
			return promoteUser(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprint(stderr, userUsage)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return nil
	}
	return errors.New("user: the subcommands are create and promote")
}

func createUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("user create", "Create an account. The password is read from the first line of standard input, or from CONVENE_PASSWORD;\nif neither gives one, a random password is made and printed. To make an existing account an\nadministrator, use convene user promote.", stderr)
	db := dbFlag(fs)
	email := fs.String("email", "", "email address to sign in with (required)")
	name := fs.String("name", "", "display name (required)")
	admin := fs.Bool("admin", false, "make the account an instance administrator, who can create communities")
	community := fs.String("community", "", "slug of a community to give the account a role in")
	role := fs.String("role", convene.RoleOrganizer, "role in --community: owner, organizer or member")
	if err := fs.Parse(args); err != nil {
		return err
	}
	password := os.Getenv("CONVENE_PASSWORD")
	generated := false
	if password == "" {
		if f, ok := stdin.(*os.File); !ok || !isTerminal(f) {
			line, _ := readLine(stdin)
			password = line
		}
	}
	if password == "" {
		password, generated = randomPassword(), true
	}
	u := &convene.User{Email: *email, Name: *name, IsAdmin: *admin, Confirmed: true}
	if err := convene.ValidateNewUser(u, password); err != nil {
		return describe(err)
	}
	st, err := openStore(ctx, *db, convene.SystemClock{})
	if err != nil {
		return err
	}
	defer st.Close()
	var c *convene.Community
	if *community != "" {
		if c, err = st.CommunityBySlug(ctx, *community); err != nil {
			return fmt.Errorf("community %q not found", *community)
		}
	}
	if u.PasswordHash, err = convene.HashPassword(password); err != nil {
		return err
	}
	if err := st.CreateUser(ctx, u); err != nil {
		if convene.ErrorCode(err) == convene.ECONFLICT {
			hint := ""
			if *admin {
				hint = fmt.Sprintf("; to make it an administrator: convene user promote --email %s", u.Email)
			}
			return fmt.Errorf("%s already has an account%s", u.Email, hint)
		}
		return describe(err)
	}
	if c != nil {
		if err := st.SetRole(ctx, c.ID, u.ID, *role); err != nil {
			return describe(err)
		}
	}
	fmt.Fprintf(stdout, "Created %s (%s).\n", u.Email, u.Name)
	if generated {
		fmt.Fprintf(stdout, "Password: %s\n", password)
	}
	return nil
}

// promoteUser makes an existing account an instance administrator, or takes that away.
func promoteUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("user promote", "Make an existing account an instance administrator, who can create communities\n(or, with --revoke, no longer one).", stderr)
	db := dbFlag(fs)
	email := fs.String("email", "", "email address of the account (required)")
	revoke := fs.Bool("revoke", false, "take the administrator's rights away instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*email) == "" {
		return errors.New("--email is required")
	}
	st, err := openStore(ctx, *db, convene.SystemClock{})
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.SetAdmin(ctx, convene.NormalizeEmail(*email), !*revoke)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return fmt.Errorf("no account has the address %s; create one with: convene user create --admin --email %s --name NAME", *email, *email)
	} else if err != nil {
		return err
	}
	if *revoke {
		fmt.Fprintf(stdout, "%s (%s) is no longer an administrator.\n", u.Email, u.Name)
	} else {
		fmt.Fprintf(stdout, "%s (%s) is now an administrator: they can create communities.\n", u.Email, u.Name)
	}
	return nil
}

// describe spells out a validation error for the terminal, in English, field by field.
func describe(err error) error {
	e, ok := convene.AsError(err)
	if !ok {
		return err
	}
	cat, cerr := locale.New()
	if cerr != nil {
		return err
	}
	l := cat.Localizer("en")
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, "--"+f.Field+": "+l.Field(f))
	}
	if len(parts) == 0 {
		return errors.New(l.Err(err))
	}
	return errors.New(strings.Join(parts, "; "))
}

// firstRunCode, while the instance has no administrator, makes the one-time code the setup page
// asks for and prints where to use it; once one exists it returns "".
func firstRunCode(ctx context.Context, st *store.Store, baseURL string, stdout io.Writer) (string, error) {
	has, err := st.HasAdmin(ctx)
	if err != nil || has {
		return "", err
	}
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" // no 0/O or 1/I to misread
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var code strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			code.WriteByte('-')
		}
		code.WriteByte(alphabet[int(x)%len(alphabet)])
	}
	fmt.Fprintf(stdout, "No administrator yet. Open %s/setup and enter this one-time setup code: %s\n", strings.TrimSuffix(baseURL, "/"), code.String())
	return code.String(), nil
}
