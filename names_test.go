package convene

import (
	"testing"
	"time"
)

// Zones go by the names people give them; IANA names stay as they are.
func TestZonesByTheirNames(t *testing.T) {
	for in, want := range map[string]string{
		"Eastern": "America/Toronto", "eastern time": "America/Toronto", "EST": "America/Toronto", "Heure de l’Est": "America/Toronto",
		"Pacific": "America/Vancouver", "Yukon": "America/Whitehorse", "Newfoundland Standard Time": "America/St_Johns",
		"Heure de l'Atlantique": "America/Halifax", "america/winnipeg": "America/Winnipeg", "Europe/Paris": "Europe/Paris",
		" UTC ": "UTC", "Mars/Olympus_Mons": "Mars/Olympus_Mons",
	} {
		if got := CanonicalZone(in); got != want {
			t.Errorf("%q is %q, want %q", in, got, want)
		}
	}
	if ValidZone(CanonicalZone("Mars/Olympus_Mons")) {
		t.Error("an unknown zone became valid")
	}
	// Yukon keeps UTC−7 all year since 2020: 10:00 in January when Toronto is at noon.
	for _, zt := range InCanadianZones(time.Date(2021, 1, 13, 17, 0, 0, 0, time.UTC)) {
		if zt.Zone.Key == "yukon" && (zt.Time.Hour() != 10 || zt.Time.Format("MST") != "MST") {
			t.Errorf("Yukon in January 2021: %s", zt.Time)
		}
	}
	for _, z := range AllZones {
		if _, err := LoadZone(z); err != nil {
			t.Errorf("the picker offers %s, which does not load: %v", z, err)
		}
	}
}

// A community's web address comes from its name when none is given.
func TestSlugFromName(t *testing.T) {
	for name, want := range map[string]string{
		"Open Government Community Call · Canada": "open-government-community-call-canada",
		"Appel communautaire – Québec & Acadie":   "appel-communautaire-quebec-acadie",
		"  Données ouvertes 2026!  ":              "donnees-ouvertes-2026",
		"ᐃᓄᒃᑎᑐᑦ":                                  "",
	} {
		if got := SlugFrom(name); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}

// Names match whatever their accents, case and spacing.
func TestFoldName(t *testing.T) {
	for _, n := range []string{"Valérie Dubois", "valerie  dubois", " VALÉRIE DUBOIS "} {
		if got := FoldName(n); got != "valerie dubois" {
			t.Errorf("%q folds to %q", n, got)
		}
	}
	if FoldName("Zoë Ng") == FoldName("Zoe Nguyen") {
		t.Error("different names fold alike")
	}
}
