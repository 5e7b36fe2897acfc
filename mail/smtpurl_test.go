package mail

import "testing"

func TestSMTPURLDefaults(t *testing.T) {
	tests := []struct {
		url      string
		host     string
		port     int
		security security
		auth     bool
	}{
		{"smtp://mail.example.org", "mail.example.org", 587, securityStartTLS, false},
		{"smtp://mail.example.org:25", "mail.example.org", 25, securityStartTLS, false},
		{"smtp://mail.example.org?tls=none", "mail.example.org", 587, securityNone, false},
		{"smtp://mail.example.org?tls=tls", "mail.example.org", 465, securityTLS, false},
		{"smtps://mail.example.org", "mail.example.org", 465, securityTLS, false},
		{"smtps://u:p@mail.example.org:2465?tls=tls", "mail.example.org", 2465, securityTLS, true},
		{"smtp://127.0.0.1:1025", "127.0.0.1", 1025, securityNone, false},
		{"smtp://LocalHost", "localhost", 587, securityNone, false},
		{"smtp://[::1]:2525", "::1", 2525, securityNone, false},
		{"smtp://127.0.0.1:1025?tls=starttls", "127.0.0.1", 1025, securityStartTLS, false},
		{"smtp://u@127.0.0.1:1025", "127.0.0.1", 1025, securityNone, true},
	}
	for _, tt := range tests {
		c, err := parseSMTPURL(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if c.host != tt.host || c.port != tt.port || c.security != tt.security || c.auth != tt.auth {
			t.Errorf("%s: host %q port %d security %s auth %v, want %q %d %s %v",
				tt.url, c.host, c.port, c.security, c.auth, tt.host, tt.port, tt.security, tt.auth)
		}
	}
}
