package convene

import (
	"math"
	"testing"
)

func TestReachShannonEvenness(t *testing.T) {
	for _, tc := range []struct {
		counts []int
		k      int
		want   float64
	}{
		{nil, 13, 0},
		{[]int{10}, 13, 0},  // everyone in one place
		{[]int{1, 1}, 2, 1}, // two equal of two
		{[]int{2, 1, 1}, 13, 1.5 * math.Ln2 / math.Log(13)}, // H = ½ln2 + 2·¼ln4 = 1.5 ln 2
		{[]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 13, 1},
		{[]int{3, 0, -2, 1}, 4, (0.75*math.Log(4.0/3) + 0.25*math.Log(4)) / math.Log(4)}, // zeros and negatives are nobody
		{[]int{5, 5}, 1, 0},
	} {
		if got := ShannonEvenness(tc.counts, tc.k); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("ShannonEvenness(%v, %d) = %v, want %v", tc.counts, tc.k, got, tc.want)
		}
	}
}

func TestReachHHI(t *testing.T) {
	for _, tc := range []struct {
		counts []int
		want   float64
	}{
		{nil, 0},
		{[]int{7}, 1},
		{[]int{2, 1, 1}, 0.375}, // ¼ + 1/16 + 1/16
		{[]int{1, 1, 1, 1}, 0.25},
		{[]int{5, 2, 0}, 29.0 / 49},
	} {
		if got := HHI(tc.counts); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("HHI(%v) = %v, want %v", tc.counts, got, tc.want)
		}
	}
}

func TestReachConcentration(t *testing.T) {
	// "Still very Ontario-centric": 12 from Ontario, 2 from BC, 1 each from Quebec and Nova
	// Scotia; federal and outside Canada do not count towards provinces.
	c := ConcentrationOf(map[string]int{"ON": 12, "BC": 2, "QC": 1, "NS": 1, "federal": 4, "outside": 3, "": 2})
	if c.Total != 16 || c.Largest != "ON" || c.LargestCount != 12 || c.LargestShare != 0.75 {
		t.Errorf("concentration %+v", c)
	}
	hhi := (144.0 + 4 + 1 + 1) / 256
	if math.Abs(c.OneMinusHHI-(1-hhi)) > 1e-12 {
		t.Errorf("1 − HHI = %v, want %v", c.OneMinusHHI, 1-hhi)
	}
	h := -(0.75*math.Log(0.75) + 0.125*math.Log(0.125) + 2*0.0625*math.Log(0.0625))
	if math.Abs(c.Diversity-h/math.Log(13)) > 1e-12 {
		t.Errorf("diversity = %v, want %v", c.Diversity, h/math.Log(13))
	}
	// Ties go to the first in the list of provinces and territories (AB before ON).
	if c := ConcentrationOf(map[string]int{"ON": 3, "AB": 3}); c.Largest != "AB" || c.LargestShare != 0.5 || c.OneMinusHHI != 0.5 {
		t.Errorf("tie %+v", c)
	}
	if c := ConcentrationOf(map[string]int{"federal": 3}); c != (Concentration{}) {
		t.Errorf("nobody in a province: %+v", c)
	}
}

func TestReachFilterValidate(t *testing.T) {
	may := Date{2019, 5, 1}
	june := Date{2019, 6, 1}
	for _, tc := range []struct {
		f     ReachFilter
		field string
	}{
		{ReachFilter{}, ""},
		{ReachFilter{From: may, To: june}, ""},
		{ReachFilter{From: may, To: may}, ""},
		{ReachFilter{From: june}, ""},
		{ReachFilter{From: june, To: may}, "to"},
		{ReachFilter{SeasonID: 3, From: may}, "season"},
		{ReachFilter{SeasonID: -1}, "season"},
	} {
		err := tc.f.Validate()
		if tc.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc.f, err)
			}
			continue
		}
		e, ok := AsError(err)
		if !ok || e.Code != EINVALID || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
			t.Errorf("%+v: %v, want an error on %s", tc.f, err, tc.field)
		}
	}
}

func TestReachReportSums(t *testing.T) {
	r := &ReachReport{Cells: []ReachCell{
		{Jurisdiction: "ON", Sector: "government", Attended: 3, FirstTime: 1, Registered: 4, Registrations: 5, RegistrationsAttended: 3},
		{Jurisdiction: "ON", Sector: "media", Attended: 2, FirstTime: 2, Retained: 1},
		{Jurisdiction: "QC", Sector: "government", Attended: 1},
	}}
	if got := r.Totals(); got != (ReachTotals{Attended: 6, FirstTime: 3, Retained: 1, Registered: 4, Registrations: 5, RegistrationsAttended: 3}) || got.Returning() != 3 {
		t.Errorf("totals %+v", got)
	}
	if on := r.ByJurisdiction()["ON"]; on.Attended != 5 || on.FirstTime != 3 {
		t.Errorf("ON %+v", on)
	}
	if gov := r.BySector()["government"]; gov.Attended != 4 {
		t.Errorf("government %+v", gov)
	}
	provinces, sectors := r.Gaps()
	if len(provinces) != 11 || len(sectors) != 5 {
		t.Errorf("gaps %v %v", provinces, sectors)
	}
	if Suppressed(0) || !Suppressed(1) || !Suppressed(4) || Suppressed(5) {
		t.Error("Suppressed must hide 1 to 4 only")
	}
}
