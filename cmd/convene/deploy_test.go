package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The systemd unit and its environment file, as shipped in deploy/.
const (
	unitPath    = "../../deploy/convene.service"
	envFilePath = "../../deploy/convene.env.example"
)

// TestDeployUnitHardening reads the unit for what the release promises, whether or not systemd is
// here to check it further.
func TestDeployUnitHardening(t *testing.T) {
	t.Parallel()
	unit := readUnit(t)
	for _, want := range []string{
		"ExecStart=/usr/local/bin/convene serve", "DynamicUser=yes", "StateDirectory=convene",
		"WorkingDirectory=/var/lib/convene", "EnvironmentFile=-/etc/convene/convene.env",
		"ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes",
		"NoNewPrivileges=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
		"ProtectKernelLogs=yes", "ProtectControlGroups=yes",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "RestrictNamespaces=yes",
		"LockPersonality=yes", "MemoryDenyWriteExecute=yes", "SystemCallFilter=@system-service",
		"CapabilityBoundingSet=", "Restart=on-failure",
	} {
		if !slices.Contains(unit, want) {
			t.Errorf("deploy/convene.service has no line %q", want)
		}
	}
	// serve gives requests in flight 15s when stopped, then finishes its background work; systemd
	// must not kill it before that.
	for _, line := range unit {
		if v, ok := strings.CutPrefix(line, "TimeoutStopSec="); ok {
			if s, err := strconv.Atoi(strings.TrimSuffix(v, "s")); err != nil || s < 30 {
				t.Errorf("TimeoutStopSec=%s: want 30s or more, so that a stop can drain", v)
			}
		}
	}
}

// TestDeployEnvironmentNamesServeFlags keeps deploy/convene.env.example and the unit's Environment=
// in step with the CONVENE_* variables convene serve reads.
func TestDeployEnvironmentNamesServeFlags(t *testing.T) {
	t.Parallel()
	name := regexp.MustCompile(`CONVENE_[A-Z0-9_]+`)
	_, help, _ := runCmd(t, "", "serve", "--help")
	serveReads := name.FindAllString(help, -1)
	if len(serveReads) == 0 {
		t.Fatalf("serve --help names no variables:\n%s", help)
	}

	env, err := os.ReadFile(envFilePath)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	assignment := regexp.MustCompile(`^#?(CONVENE_[A-Z0-9_]+)=(.*)$`)
	for i, line := range strings.Split(string(env), "\n") {
		m := assignment.FindStringSubmatch(line)
		if m == nil {
			if line != "" && !strings.HasPrefix(line, "#") {
				t.Errorf("convene.env.example:%d: %q is neither a comment nor NAME=value", i+1, line)
			}
			continue
		}
		documented[m[1]] = true
		if !slices.Contains(serveReads, m[1]) {
			t.Errorf("convene.env.example sets %s, which convene serve does not read", m[1])
		}
		if strings.Contains(m[2], " ") && !strings.HasPrefix(m[2], `"`) {
			t.Errorf("convene.env.example:%d: quote a value with spaces: %q", i+1, line)
		}
	}
	for _, v := range serveReads {
		if !documented[v] && v != "CONVENE_DEMO" { // the demo community has no place in production
			t.Errorf("convene serve reads %s, which convene.env.example does not mention", v)
		}
	}
	for _, line := range readUnit(t) {
		if v, ok := strings.CutPrefix(line, "Environment="); ok {
			for _, kv := range strings.Fields(v) {
				if n, _, _ := strings.Cut(kv, "="); !slices.Contains(serveReads, n) {
					t.Errorf("convene.service sets %s, which convene serve does not read", n)
				}
			}
		}
	}
}

// TestDeploySystemdVerify has systemd check the unit, and its hardening score, when
// systemd-analyze is installed. No running systemd is needed.
func TestDeploySystemdVerify(t *testing.T) {
	t.Parallel()
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("SKIPPING: systemd-analyze is not installed")
	}
	// verify checks that ExecStart's program exists and is executable; any will do, this one is here.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	unit := strings.Join(readUnit(t), "\n")
	unit = strings.Replace(unit, "ExecStart=/usr/local/bin/convene ", "ExecStart="+exe+" ", 1)

	t.Run("verify", func(t *testing.T) {
		t.Parallel()
		if out, err := verifyUnit(t, analyze, unit); out != "" || err != nil {
			t.Fatalf("systemd-analyze verify convene.service: %v\n%s", err, out)
		}
	})

	t.Run("verify reports a broken unit", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ from, to, report string }{
			{"ProtectSystem=strict", "ProtectSystem=bogus", "bogus"},
			{"ProtectHome=yes", "ProtectHomme=yes", "ProtectHomme"},
			{"ExecStart=" + exe, "ExecStart=/nonexistent/convene", "/nonexistent/convene"},
		} {
			if !strings.Contains(unit, tc.from) {
				t.Fatalf("the unit has no %q to break", tc.from)
			}
			broken := strings.Replace(unit, tc.from, tc.to, 1)
			if out, _ := verifyUnit(t, analyze, broken); !strings.Contains(out, tc.report) {
				t.Errorf("with %s, systemd-analyze verify said %q, want a report of %q", tc.to, out, tc.report)
			}
		}
	})

	t.Run("security", func(t *testing.T) {
		t.Parallel()
		score, out := exposure(t, analyze, unit)
		t.Logf("systemd-analyze security --offline=true: exposure %s (0 is best, 10 worst)", score)
		if s, _ := strconv.ParseFloat(strings.Fields(score)[0], 64); s >= 3.0 {
			t.Fatalf("exposure %s, want below 3.0:\n%s", score, out)
		}
		// The same service without its hardening, to show the rating is not always good.
		bare, _ := exposure(t, analyze, "[Service]\nExecStart="+exe+" serve\n")
		if s, _ := strconv.ParseFloat(strings.Fields(bare)[0], 64); s < 3.0 {
			t.Fatalf("an unhardened unit rated %s, below 3.0", bare)
		}
	})
}

// exposure is systemd-analyze security's rating of the unit text, such as "1.1 OK", and its report;
// it skips the test where systemd-analyze cannot rate a unit file offline (before systemd 250).
func exposure(t *testing.T, analyze, text string) (string, string) {
	t.Helper()
	path := writeUnit(t, text)
	cmd := exec.Command(analyze, "security", "--offline=true", path)
	cmd.Dir = filepath.Dir(path)
	out, err := cmd.CombinedOutput()
	m := regexp.MustCompile(`Overall exposure level for convene\.service: ([0-9.]+ \S+)`).FindStringSubmatch(string(out))
	if m == nil {
		if err != nil && strings.Contains(string(out), "offline") {
			t.Skipf("SKIPPING: this systemd-analyze cannot rate a unit file offline: %v\n%s", err, out)
		}
		t.Fatalf("systemd-analyze security: %v, no exposure level in\n%s", err, out)
	}
	return m[1], string(out)
}

// readUnit is deploy/convene.service's lines.
func readUnit(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// writeUnit writes text as convene.service in a directory of its own.
func writeUnit(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "convene.service")
	if err := os.WriteFile(path, []byte(text+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// verifyUnit runs systemd-analyze verify on text and returns what it said about convene.service
// (words about other units of this machine, which verify loads as dependencies, are not ours to
// fix), and its exit status, which is an error when the unit cannot be started at all.
func verifyUnit(t *testing.T, analyze, text string) (string, error) {
	t.Helper()
	path := writeUnit(t, text)
	cmd := exec.Command(analyze, "verify", path)
	cmd.Dir = filepath.Dir(path)
	out, err := cmd.CombinedOutput()
	var ours []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, path) || strings.HasPrefix(line, "convene.service") {
			ours = append(ours, line)
		}
	}
	if err != nil && len(ours) == 0 {
		return string(out), err
	}
	return strings.Join(ours, "\n"), err
}
