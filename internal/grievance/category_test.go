package grievance_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestCategories(t *testing.T) {
	ilo := 0
	for _, c := range grievance.Categories() {
		if !c.Valid() {
			t.Errorf("%s not valid", c)
		}
		if c.ILOIndicator() {
			ilo++
		}
	}
	if ilo != 11 {
		t.Fatalf("%d ILO indicators, want 11", ilo)
	}
	if grievance.Category("bogus").Valid() {
		t.Fatal("unknown category valid")
	}
	groups := map[grievance.Category]grievance.Group{
		grievance.DebtBondage: grievance.GroupForcedLabour, grievance.ChildLabour: grievance.GroupChildLabour,
		grievance.LandRights: grievance.GroupLandEnv, grievance.Environment: grievance.GroupLandEnv, grievance.Other: grievance.GroupOther,
	}
	for c, g := range groups {
		if c.Group() != g {
			t.Errorf("%s in %s, want %s", c, c.Group(), g)
		}
	}
}

func TestLabelsAreCompleteAndDistinct(t *testing.T) {
	langs := grievance.Languages()
	if len(langs) != 6 || langs[0] != "en" {
		t.Fatalf("languages %v", langs)
	}
	for _, lang := range langs {
		seen := map[string]bool{}
		for _, c := range grievance.Categories() {
			l := grievance.Label(c, lang)
			if l == "" || l == string(c) {
				t.Errorf("%s has no %s label", c, lang)
			}
			if lang != "en" && c != grievance.Other && l == grievance.Label(c, "en") {
				t.Errorf("%s label in %s is the English one", c, lang)
			}
			if seen[l] {
				t.Errorf("label %q used twice in %s", l, lang)
			}
			seen[l] = true
		}
	}
	if grievance.Label(grievance.DebtBondage, "xx") != "Debt bondage" {
		t.Error("unknown language does not fall back to English")
	}
	if grievance.Label("bogus", "en") != "bogus" {
		t.Error("unknown category label")
	}
}

func TestMatchLanguage(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "en"},
		{"es", "es"},
		{"pt-BR", "pt"},
		{"fr-CA,fr;q=0.9,en;q=0.8", "fr"},
		{"zh-CN", "zh-Hans"},
		{"zh", "zh-Hans"},
		{"ar-EG", "ar"},
		{"de-DE", "en"},
		{"not a tag!!", "en"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := grievance.MatchLanguage(c.in); got != c.want {
				t.Fatalf("got %s", got)
			}
		})
	}
	if !grievance.RightToLeft("ar") || grievance.RightToLeft("en") {
		t.Fatal("direction")
	}
}

func TestParseCategories(t *testing.T) {
	got, err := grievance.ParseCategories([]string{"debt_bondage", "deception", "debt_bondage"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != grievance.Deception || got[1] != grievance.DebtBondage {
		t.Fatalf("got %v", got)
	}
	if got, _ := grievance.ParseCategories(nil); len(got) != 1 || got[0] != grievance.Other {
		t.Fatalf("empty list gave %v", got)
	}
	if _, err := grievance.ParseCategories([]string{"<script>"}); !kernel.IsCode(err, kernel.Invalid) {
		t.Fatalf("unknown code: %v", err)
	}
}

// FuzzMatchLanguage: the Accept-Language header and the language chosen on
// the page are outside input.
func FuzzMatchLanguage(f *testing.F) {
	for _, s := range []string{"", "ar-EG,en;q=0.5", "zh-Hant-TW", "*", "en;q=abc", "x-" + string(make([]byte, 300))} {
		f.Add(s)
	}
	supported := map[string]bool{}
	for _, l := range grievance.Languages() {
		supported[l] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := grievance.MatchLanguage(s); !supported[got] {
			t.Fatalf("%q matched unsupported %q", s, got)
		}
	})
}

func TestStageLabels(t *testing.T) {
	for _, lang := range grievance.Languages() {
		seen := map[string]bool{}
		for _, s := range grievance.Stages() {
			l := grievance.StageLabel(s, lang)
			if l == "" || l == string(s) || seen[l] {
				t.Errorf("%s in %s: %q", s, lang, l)
			}
			seen[l] = true
		}
	}
	if grievance.StageLabel(grievance.StageClosed, "de") != "Closed" || grievance.StageLabel("x", "en") != "x" {
		t.Error("fallbacks")
	}
}
