package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// version, commit and date are stamped by scripts/release.sh with
// -ldflags "-X main.version=v0.16.0 -X main.commit=<sha> -X main.date=<RFC 3339>".
// A plain go build leaves them as they are here, and currentBuild falls back on what the Go
// toolchain recorded from the checkout (vcs.revision, vcs.time, vcs.modified).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// build describes the running binary: which source it was built from, and with what.
type build struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"` // full revision; empty when neither -ldflags nor the toolchain gave one
	Date      string `json:"date,omitempty"`   // the commit's time (RFC 3339), so that a rebuild gives the same binary
	Modified  bool   `json:"modified"`         // built from a checkout with uncommitted changes
	GoVersion string `json:"go"`
	Platform  string `json:"platform"` // GOOS/GOARCH
}

// currentBuild is this binary's build: what -ldflags stamped, else what debug.ReadBuildInfo holds.
func currentBuild() build {
	info, _ := debug.ReadBuildInfo()
	return readBuild(build{Version: version, Commit: commit, Date: date}, info)
}

// readBuild completes the values stamped with -ldflags from the toolchain's build information
// (nil when the binary carries none); a stamped value wins over a recorded one.
func readBuild(stamped build, info *debug.BuildInfo) build {
	b := stamped
	b.GoVersion, b.Platform = runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH
	if info == nil {
		return b
	}
	if info.GoVersion != "" {
		b.GoVersion = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	if b.Version == "dev" && len(b.Commit) >= 12 {
		b.Version = "dev-" + b.Commit[:12]
	}
	return b
}

// String is the line convene version prints, e.g.
// "convene v0.16.0 (commit 1a2b3c4d5e6f, built 2026-12-05, go1.26.8, linux/amd64)".
func (b build) String() string {
	parts := []string{"commit unknown"}
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if b.Modified {
			c += "-dirty"
		}
		parts[0] = "commit " + c
	}
	if b.Date != "" {
		d := b.Date
		if len(d) > len("2006-01-02") {
			d = d[:len("2006-01-02")]
		}
		parts = append(parts, "built "+d)
	}
	parts = append(parts, b.GoVersion, b.Platform)
	return fmt.Sprintf("convene %s (%s)", b.Version, strings.Join(parts, ", "))
}

// buildInfo is what a build_info metric reports: the release version (or dev-<commit>), the full
// commit it was built from ("" when unknown) and the Go version that compiled it.
func buildInfo() (ver, rev, goVersion string) {
	b := currentBuild()
	return b.Version, b.Commit, b.GoVersion
}

// buildVersion is the version alone, for logs.
func buildVersion() string {
	return currentBuild().Version
}

// versionCmd prints the build: one line, or with --json an object for scripts.
func versionCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "Print the version, the commit it was built from, and the Go version and platform.", stderr)
	asJSON := fs.Bool("json", false, "print a JSON object instead of a line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("version takes no arguments, got %q", fs.Args())
	}
	b := currentBuild()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	}
	_, err := fmt.Fprintln(stdout, b)
	return err
}
