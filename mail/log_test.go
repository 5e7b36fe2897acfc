package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/mail"
)

func TestLogWritesSubjectAndTextButNotTheAddress(t *testing.T) {
	var buf bytes.Buffer
	l := mail.NewLog(slog.New(slog.NewJSONHandler(&buf, nil)))
	link := "https://convene.example.org/connexion?jeton=k3Jx9"
	errs := l.Send(context.Background(), []convene.OutboxItem{{ID: 3, Mail: convene.Mail{
		To: "Odile.Martin@example.org", ToName: "Odile Martin",
		Subject: "Votre lien de connexion à Convene",
		Text:    "Bonjour, ce lien connecte odile.martin@example.org : " + link + "\n",
	}}})
	if len(errs) != 1 || errs[0] != nil {
		t.Fatalf("errs = %v", errs)
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	if rec["level"] != "INFO" || rec["subject"] != "Votre lien de connexion à Convene" {
		t.Errorf("record = %v", rec)
	}
	if text, _ := rec["text"].(string); !strings.Contains(text, link) {
		t.Errorf("text %q lacks the sign-in link", text)
	}
	if rec["to"] != "O•••@example.org" {
		t.Errorf("to = %v, want O•••@example.org", rec["to"])
	}
	out := strings.ToLower(buf.String())
	if strings.Contains(out, "odile.martin@") || strings.Contains(out, "odile martin") {
		t.Errorf("log holds the recipient: %s", buf.String())
	}
}

func TestMaskAddress(t *testing.T) {
	for in, want := range map[string]string{
		"odile@example.org":  "o•••@example.org",
		"élodie@example.org": "é•••@example.org",
		"@example.org":       "•••@example.org",
		"not an address":     "•••",
		"":                   "•••",
	} {
		if got := mail.MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
