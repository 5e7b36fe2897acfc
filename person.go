package convene

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Who may see a person's profile.
const (
	VisibilityPublic  = "public"  // anyone, and the open API
	VisibilityMembers = "members" // signed-in members of a community the person belongs to
	VisibilityNobody  = "nobody"  // only the person (organizers still see who registered for their calls)
)

// Visibilities lists the profile visibility choices, most open first.
var Visibilities = []string{VisibilityPublic, VisibilityMembers, VisibilityNobody}

// Jurisdictions a person works in: federal, the provinces and territories by their postal codes,
// municipal, Indigenous governments and organizations, and outside Canada.
var Jurisdictions = []string{"federal", "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
	"municipal", "indigenous", "outside"}

// ProvincesAndTerritories are the thirteen jurisdictions that have a place on the map of Canada.
var ProvincesAndTerritories = Jurisdictions[1:14]

// Placed reports whether a jurisdiction may name the province or territory it is in, to count
// on the map of Canada: a municipal government, an Indigenous government or organization.
func Placed(jurisdiction string) bool {
	return jurisdiction == "municipal" || jurisdiction == "indigenous"
}

// JurisdictionKey is a jurisdiction as profiles and attendance store it: "municipal:ON" for a
// placed jurisdiction with its province, the jurisdiction alone otherwise. Filters and sums read
// the jurisdiction and the province back with SplitJurisdiction.
func JurisdictionKey(jurisdiction, province string) string {
	if province != "" && Placed(jurisdiction) {
		return jurisdiction + ":" + province
	}
	return jurisdiction
}

// SplitJurisdiction reads a stored jurisdiction key: its jurisdiction and, for a placed one, its
// province or territory ("" when none was given).
func SplitJurisdiction(key string) (jurisdiction, province string) {
	j, p, _ := strings.Cut(key, ":")
	return j, p
}

// Sectors of open-government work, after the Open Government Partnership's stakeholder groups.
var Sectors = []string{"government", "civil_society", "academia", "private_sector", "media", "indigenous_organization", "other"}

// Profile limits.
const (
	MaxInterests   = 12
	MaxInterestLen = 40
	MaxBio         = 2000
)

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// NormalizeInterests turns free tags into a sorted set of lowercase, single-spaced tags.
func NormalizeInterests(tags []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		t = strings.Join(strings.Fields(strings.ToLower(t)), " ")
		t = strings.Trim(t, "#,;")
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// SplitInterests reads interests typed as a comma-separated list.
func SplitInterests(s string) []string {
	return NormalizeInterests(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }))
}

// NormalizeProfile trims a person's profile fields.
func (u *User) NormalizeProfile() {
	u.Name = Line(u.Name)
	u.Organization = Line(u.Organization)
	u.Title = Line(u.Title)
	u.Municipality = Line(u.Municipality)
	u.Bio = Para(u.Bio)
	u.TimeZone = CanonicalZone(Line(u.TimeZone))
	u.Interests = NormalizeInterests(u.Interests)
	if u.Jurisdiction != "municipal" {
		u.Municipality = ""
	}
	u.Province = strings.ToUpper(strings.TrimSpace(u.Province))
	if !Placed(u.Jurisdiction) {
		u.Province = ""
	}
	if u.Visibility == "" {
		u.Visibility = VisibilityMembers
	}
	if len(u.Languages) == 0 {
		u.Languages = []string{"en"}
	}
}

// ValidateProfile checks a person's profile before it is stored. Text is stored as typed and
// always escaped on output, so markup in it is harmless.
func (u *User) ValidateProfile() error {
	var f fieldErrors
	checkText(&f, "name", u.Name, MaxName, true)
	checkText(&f, "organization", u.Organization, MaxShortText, false)
	checkText(&f, "title", u.Title, MaxShortText, false)
	checkText(&f, "bio", u.Bio, MaxBio, false)
	if u.Jurisdiction != "" && !oneOf(u.Jurisdiction, Jurisdictions) {
		f.add("jurisdiction", "profile.jurisdiction.invalid", nil)
	}
	if u.Jurisdiction == "municipal" {
		checkText(&f, "municipality", u.Municipality, MaxShortText, true)
	}
	if u.Province != "" && !oneOf(u.Province, ProvincesAndTerritories) {
		f.add("province", "profile.province.invalid", nil)
	}
	if u.Sector != "" && !oneOf(u.Sector, Sectors) {
		f.add("sector", "profile.sector.invalid", nil)
	}
	if len(u.Interests) > MaxInterests {
		f.add("interests", "profile.interests.too_many", map[string]any{"Max": MaxInterests})
	}
	for _, t := range u.Interests {
		if utf8.RuneCountInString(t) > MaxInterestLen {
			f.add("interests", "profile.interest.too_long", map[string]any{"Max": MaxInterestLen})
			break
		}
	}
	for _, l := range u.Languages {
		if !isLanguage(l) {
			f.add("languages", "languages.unknown", map[string]any{"Language": l})
			break
		}
	}
	if u.TimeZone != "" && !ValidZone(u.TimeZone) {
		f.add("time_zone", "timezone.unknown", map[string]any{"Zone": u.TimeZone})
	}
	if !oneOf(u.Visibility, Visibilities) {
		f.add("visibility", "profile.visibility.invalid", nil)
	}
	return f.err()
}

// Language is the language the person reads mail in.
func (u *User) Language() string {
	if len(u.Languages) > 0 && u.Languages[0] == "fr" {
		return "fr"
	}
	return "en"
}

// DirectoryFilter selects the people of a community's directory, a page at a time.
type DirectoryFilter struct {
	CommunityID  int64
	Jurisdiction string
	Sector       string
	Interest     string
	Public       bool // only public profiles (the viewer is not a member)
	AfterName    string
	AfterID      int64
	Limit        int
}
