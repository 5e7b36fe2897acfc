package convene

import "testing"

func TestLineAndPara(t *testing.T) {
	for in, want := range map[string]string{
		"  Reboot\rORGANIZER:x ":   "Reboot ORGANIZER:x",
		"a\r\nb\nc\td\x00e\u2028f": "a  b c d e f",
		"Données ouvertes":         "Données ouvertes",
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"first\rsecond\r\nthird\x00\x07":   "first\nsecond\nthird",
		"  keep\ttabs\n\nand paragraphs  ": "keep\ttabs\n\nand paragraphs",
	} {
		if got := Para(in); got != want {
			t.Errorf("Para(%q) = %q, want %q", in, got, want)
		}
	}
	var f fieldErrors
	checkText(&f, "title", "caf\xe9", 80, false)
	if len(f) != 1 || f[0].Key != "field.bad_text" {
		t.Fatalf("invalid UTF-8 passed: %v", f)
	}
}
