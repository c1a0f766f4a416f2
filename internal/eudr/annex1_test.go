package eudr_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/eudr"
)

// TestAnnexIPinned pins the Annex I table to the Regulation's Annex I as
// amended (see eudr.AnnexISource): every CN code of every commodity, in
// the Annex's order, with its "ex" marks. A change to the table must
// change this test, against the text.
func TestAnnexIPinned(t *testing.T) {
	want := map[string]string{
		"cattle":   "ex 010221, ex 010229, ex 0201, ex 0202, ex 020610, ex 020622, ex 020629, ex 160250, ex 4101, ex 4104, ex 4107",
		"cocoa":    "1801, 1802, 1803, 1804, 1805, 1806",
		"coffee":   "0901",
		"oil_palm": "120710, 1511, 151321, 151329, 230660, ex 290545, 291570, 291590, 382311, 382312, 382319, 382370",
		"rubber":   "4001, ex 4005, ex 4006, ex 4007, ex 4008, ex 4010, ex 4011, ex 4012, ex 4013, ex 4015, ex 4016, ex 4017",
		"soya":     "1201, 120810, 1507, 2304",
		"wood": "4401, 4402, 4403, 4404, 4405, 4406, 4407, 4408, 4409, 4410, 4411, 4412, 4413, 4414, 4415, 4416, 4417, 4418, 4419, 4420, 4421, " +
			"47, 48, ex 9401, 940330, 940340, 940350, 940360, 940391, 940610",
	}
	got := map[string][]string{}
	for _, e := range eudr.AnnexI() {
		if e.Description == "" {
			t.Errorf("%s %s has no description", e.Commodity, e.Code)
		}
		c := e.Code
		if e.Ex {
			c = "ex " + c
		}
		got[e.Commodity] = append(got[e.Commodity], c)
	}
	for commodity, codes := range want {
		if g := strings.Join(got[commodity], ", "); g != codes {
			t.Errorf("%s:\n got %s\nwant %s", commodity, g, codes)
		}
	}
	if len(got) != len(want) {
		t.Errorf("commodities %d, want %d", len(got), len(want))
	}
	if !strings.Contains(eudr.AnnexISource, "2023/1115") || !strings.Contains(eudr.AnnexISource, "2025/2650") {
		t.Errorf("source %q", eudr.AnnexISource)
	}
}

func TestInAnnexI(t *testing.T) {
	tests := []struct {
		commodity, code string
		want            bool
	}{
		{"cocoa", "18010000", true},
		{"cocoa", "1801", true},
		{"cocoa", "0901", false},
		{"coffee", "090121", true},
		{"cattle", "16025010", true},
		{"cattle", "160232", false}, // poultry preparations
		{"cattle", "0102", true},    // a heading of which subheadings are listed
		{"cattle", "010231", false}, // buffalo
		{"oil_palm", "15119019", true},
		{"oil_palm", "151211", false}, // sunflower oil
		{"soya", "12081000", true},
		{"soya", "120890", false},
		{"wood", "48025590", true},
		{"wood", "49011000", false}, // printed books: out since Regulation (EU) 2025/2650
		{"wood", "4911", false},
		{"wood", "94033011", true}, // office furniture of wood
		{"wood", "940320", false},  // metal furniture
		{"wood", "940370", false},  // plastic furniture
		{"wood", "94061000", true}, // prefabricated buildings of wood
		{"wood", "940690", false},  // other prefabricated buildings
		{"rubber", "401110", true},
		{"rubber", "4002", false}, // synthetic rubber
	}
	for _, tt := range tests {
		if got := eudr.InAnnexI(tt.commodity, tt.code); got != tt.want {
			t.Errorf("InAnnexI(%s, %s) = %v, want %v", tt.commodity, tt.code, got, tt.want)
		}
	}
	if e, ok := eudr.AnnexIEntryFor("oil_palm", "29054500"); !ok || !e.Ex || !strings.Contains(e.Description, "95 %") {
		t.Errorf("glycerol entry %+v %v", e, ok)
	}
}
