package store_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A migration that landed never changes again: goose runs a version once, so a database
// migrated before an edit would never get it (as happened to 00017). migrations/checksums.txt
// lists every migration with its SHA-256; a new migration is added to it
// (`cd store/migrations && sha256sum sqlite/NNNNN_x.sql postgres/NNNNN_x.sql >> checksums.txt`),
// a changed one fails here: write a new migration instead.
func TestLandedMigrationsNeverChange(t *testing.T) {
	f, err := os.Open(filepath.Join("migrations", "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(strings.TrimSpace(sc.Text()), "  ")
		if ok {
			listed[name] = sum
		}
	}
	files, _ := filepath.Glob(filepath.Join("migrations", "*", "*.sql"))
	if len(files) < 40 {
		t.Fatalf("found only %d migrations", len(files))
	}
	for _, path := range files {
		name := filepath.ToSlash(strings.TrimPrefix(path, "migrations"+string(filepath.Separator)))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		want, ok := listed[name]
		switch {
		case !ok:
			t.Errorf("%s is not in migrations/checksums.txt: add it once it is final", name)
		case want != hex.EncodeToString(h[:]):
			t.Errorf("%s changed after it landed: write a new migration instead", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		t.Errorf("migrations/checksums.txt lists %s, which is gone", name)
	}
}
