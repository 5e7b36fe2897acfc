package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	t.Parallel()
	recorded := &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d"},
		{Key: "vcs.time", Value: "2026-11-30T09:15:00Z"},
		{Key: "vcs.modified", Value: "false"},
	}}
	dirty := &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d"},
		{Key: "vcs.modified", Value: "true"},
	}}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	for _, tc := range []struct {
		name    string
		stamped build
		info    *debug.BuildInfo
		want    string
	}{
		{"release build", build{Version: "v0.16.0", Commit: "fedcba9876543210fedcba9876543210fedcba98", Date: "2026-12-05T10:00:00Z"}, recorded,
			"convene v0.16.0 (commit fedcba987654, built 2026-12-05, go1.26.8, " + platform + ")"},
		{"go build in a checkout", build{Version: "dev"}, recorded,
			"convene dev-1a2b3c4d5e6f (commit 1a2b3c4d5e6f, built 2026-11-30, go1.26.8, " + platform + ")"},
		{"uncommitted changes", build{Version: "dev"}, dirty,
			"convene dev-1a2b3c4d5e6f (commit 1a2b3c4d5e6f-dirty, go1.26.8, " + platform + ")"},
		{"short stamped commit", build{Version: "v9.9.9", Commit: "abc123"}, nil,
			"convene v9.9.9 (commit abc123, " + runtime.Version() + ", " + platform + ")"},
		{"nothing known", build{Version: "dev"}, nil,
			"convene dev (commit unknown, " + runtime.Version() + ", " + platform + ")"},
	} {
		if got := readBuild(tc.stamped, tc.info).String(); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}

	// The command itself, in this test binary: go test stamps no revision, so "commit unknown".
	out, _, err := runCmd(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "convene "+buildVersion()+" (commit ") || !strings.Contains(out, runtime.Version()) {
		t.Fatalf("convene version: %v %q", err, out)
	}
	out, _, err = runCmd(t, "", "version", "--json")
	var b build
	if err != nil || json.Unmarshal([]byte(out), &b) != nil || b.Version != buildVersion() || b.GoVersion != runtime.Version() || b.Platform != platform {
		t.Fatalf("convene version --json: %v %q", err, out)
	}
	if _, _, err := runCmd(t, "", "version", "extra"); err == nil {
		t.Fatal("convene version extra: no error")
	}
	if v, _, g := buildInfo(); v != buildVersion() || g != runtime.Version() {
		t.Fatalf("buildInfo() = %q, _, %q", v, g)
	}
}

// TestVersionStampedBuild builds the command without cgo, stamped as scripts/release.sh does, and
// asks it its version.
func TestVersionStampedBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "convene")
	goBuild(t, "-o", bin, "-ldflags", "-X main.version=v9.9.9 -X main.commit=abc123 -X main.date=2026-12-05T10:00:00Z", ".")
	out := runBinary(t, bin, "version")
	if want := "convene v9.9.9 (commit abc123"; !strings.HasPrefix(out, want) || !strings.Contains(out, "built 2026-12-05, ") {
		t.Fatalf("stamped binary's version = %q, want %q…, built 2026-12-05", out, want)
	}
	var b build
	if err := json.Unmarshal([]byte(runBinary(t, bin, "version", "--json")), &b); err != nil || b.Version != "v9.9.9" || b.Commit != "abc123" {
		t.Fatalf("version --json: %v %+v", err, b)
	}
	assertStatic(t, bin)

	// Without -ldflags, the commit comes from the checkout, as the Go toolchain recorded it.
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("SKIPPING the unstamped build: not a git checkout here (%v)", err)
	}
	plain := filepath.Join(t.TempDir(), "convene")
	goBuild(t, "-o", plain, "-buildvcs=true", ".")
	rev := strings.TrimSpace(string(head))
	if out := runBinary(t, plain, "version"); !strings.HasPrefix(out, "convene dev-"+rev[:12]+" (commit "+rev[:12]) {
		t.Fatalf("unstamped binary's version = %q, want the checkout's commit %s", out, rev[:12])
	}
}

// TestVersionStaticCheckCatchesDynamicBinaries makes sure assertStatic can fail: a system binary
// linked against the C library is not static.
func TestVersionStaticCheckCatchesDynamicBinaries(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("ELF binaries on linux only")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	interp, libs, err := elfLinking(sh)
	if err != nil {
		t.Fatal(err)
	}
	if interp == "" && len(libs) == 0 {
		t.Skipf("%s is itself static here", sh)
	}
	t.Logf("%s: interpreter %q, libraries %q", sh, interp, libs)
}

// TestReleaseScriptStampsVersion runs scripts/release.sh for this machine's platform alone and
// checks what it leaves in its DIST directory.
func TestReleaseScriptStampsVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("SKIPPING: no bash")
	}
	dist := t.TempDir()
	const commit = "0123456789abcdef0123456789abcdef01234567"
	cmd := exec.Command("bash", "../../scripts/release.sh")
	cmd.Env = append(os.Environ(), "DIST="+dist, "PLATFORMS="+runtime.GOOS+"/"+runtime.GOARCH,
		"VERSION=v0.0.0-test.1", "COMMIT="+commit, "DATE=2026-12-05T10:00:00Z")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("release.sh: %v\n%s", err, out)
	}
	t.Logf("release.sh:\n%s", out)
	name := "convene-v0.0.0-test.1-" + runtime.GOOS + "-" + runtime.GOARCH
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(dist, name)
	if got := runBinary(t, bin, "version"); !strings.HasPrefix(got, "convene v0.0.0-test.1 (commit 0123456789ab") {
		t.Fatalf("%s version = %q", name, got)
	}
	assertStatic(t, bin)
	// -trimpath: no path of this machine's inside.
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if settingOf(info, "-trimpath") != "true" || settingOf(info, "CGO_ENABLED") != "0" {
		t.Fatalf("%s was built without -trimpath or with cgo:\n%s", name, info)
	}

	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := hex.EncodeToString(sum[:]) + "  " + name + "\n"; string(sums) != want {
		t.Fatalf("SHA256SUMS = %q, want %q", sums, want)
	}

	// A version that would make a strange file name, or break -ldflags, is refused.
	cmd = exec.Command("bash", "../../scripts/release.sh")
	cmd.Env = append(os.Environ(), "DIST="+dist, "PLATFORMS="+runtime.GOOS+"/"+runtime.GOARCH, "VERSION=v1 -X main.commit=x")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "may hold only") {
		t.Fatalf("release.sh with a bad VERSION: %v\n%s", err, out)
	}
}

// goBuild runs go build in this package's directory without cgo, as a release is built.
func goBuild(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func runBinary(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, exit.Stderr)
		}
		t.Fatal(err)
	}
	return string(out)
}

// assertStatic fails the test when bin, on linux, needs a dynamic loader or shared libraries, as a
// cgo build would: a release must run on any distribution, whatever its C library.
func assertStatic(t *testing.T, bin string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	interp, libs, err := elfLinking(bin)
	if err != nil {
		t.Fatal(err)
	}
	if interp != "" || len(libs) > 0 {
		t.Fatalf("%s is dynamically linked: interpreter %q, libraries %q", bin, interp, libs)
	}
}

// elfLinking reports the program interpreter (PT_INTERP) and the shared libraries (DT_NEEDED) an
// ELF binary asks for; a static binary has neither.
func elfLinking(path string) (interp string, libs []string, err error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err != nil {
				return "", nil, err
			}
			interp = strings.TrimRight(string(b), "\x00")
		}
	}
	libs, err = f.ImportedLibraries()
	return interp, libs, err
}

func settingOf(info *debug.BuildInfo, key string) string {
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}
