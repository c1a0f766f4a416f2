package screening

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestExplanationsGolden screens a fixed set of names against the built-in
// lists and compares the hits with their reasons to
// testdata/explanations.golden (rewrite with -update). The file documents
// how the scorer explains itself and catches unintended scoring changes.
func TestExplanationsGolden(t *testing.T) {
	lists, err := BuiltinLists()
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(lists...)
	queries := []Query{
		{Name: "XINJIANG PRODUCTION & CONSTRUCTION CORPS", Country: "China"},
		{Name: "XPCC"},
		{Name: "Bingtuan"},
		{Name: "Hetian Taida Apparel Company Limited", Country: "CN"},
		{Name: "Xetian Taida Aparel Co., Ltd."},
		{Name: "Hetain Taida Apparel"},
		{Name: "和田泰达 有限公司"},
		{Name: "珠海奔图电子有限公司"},
		{Name: "新疆中泰化工有限公司"},
		{Name: "合盛硅业(鄯善)有限公司"},
		{Name: "Apparel Co., Ltd.", Country: "CN"},
		{Name: "Ninestar Corp", Country: "US"},
		{Name: "Zhuhai Ninestar Information Technology"},
		{Name: "Hoshine Silicon Industry Shanshan"},
		{Name: "Yunnan 1st Prison"},
		{Name: "Tianjin No. 3 Prison"},
		{Name: "Xinjiang Zhongtai Chemical Company Limited Urumqi Branch"},
		{Name: "Acme Textiles Ltd", Country: "VN"},
	}
	var b strings.Builder
	for _, q := range queries {
		fmt.Fprintf(&b, "query %q country %q\n", q.Name, q.Country)
		hits := ix.Search(q, Options{Threshold: ThresholdOf(0.6), Limit: 3})
		if len(hits) == 0 {
			b.WriteString("  no hits\n")
		}
		for _, h := range hits {
			fmt.Fprintf(&b, "  %.3f %s %s %q via %q\n", h.Score, h.Entity.ListName, h.Entity.ID, h.Entity.Name, h.MatchedName)
			for _, r := range h.Reasons {
				fmt.Fprintf(&b, "      - %s\n", r)
			}
		}
	}
	const golden = "testdata/explanations.golden"
	if testkit.Updating() {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("explanations differ from %s (run with -update if intended):\n%s", golden, b.String())
	}
}

func TestIdentifierRaisesScore(t *testing.T) {
	ix := NewEntityIndex([]Entity{{ID: "1", Name: "Golden Star Shipping Co", Identifiers: []Identifier{{"IMO", "9123456"}}, ListName: "x"}})
	without := ix.Search(Query{Name: "Golden Star Shipping"}, Options{Threshold: ThresholdOf(0.01)})
	with := ix.Search(Query{Name: "Golden Star Shipping", Identifiers: []string{"imo 9123456"}}, Options{Threshold: ThresholdOf(0.01)})
	if len(without) != 1 || len(with) != 1 || with[0].Score <= without[0].Score {
		t.Fatalf("without %v, with %v", summarize(without), summarize(with))
	}
	if !strings.Contains(strings.Join(with[0].Reasons, ";"), "identifier IMO 9123456 matches") {
		t.Errorf("reasons %v", with[0].Reasons)
	}
}

func TestNormalisation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hetian Taida Apparel Co., Ltd.", "hetian taida apparel co ltd"},
		{"HETIAN TAIDA APPAREL COMPANY LIMITED", "hetian taida apparel co ltd"},
		{"Müller & Söhne GmbH", "muller and sohne gmbh"},
		{"Gesellschaft mit beschränkter Haftung Müller", "gmbh muller"},
		{"ООО «Ромашка»", "ooo romashka"},
		{"Общество с ограниченной ответственностью Ромашка", "ooo romashka"},
		{"和田泰达有限公司", "he tian tai da co ltd"},
		{"AGRICOLA S.A. DE C.V.", "agricola sa de cv"},
		{"Aero-Caribbean Int'l Corp.", "aero caribbean intl corp"},
		{"O'Brien, J. F.", "obrien j f"},
		{"I.B.M.", "ibm"},
		{"Ｆｕｌｌｗｉｄｔｈ　Ｃｏ", "fullwidth co"},
		{"No. 4 Vocation", "no 4 vocation"},
		{"Muhammad / Mohammed / Mohamad", "muhammad muhammad muhammad"},
		{"ТОВ Товарна біржа", "tov tovarna birzha"},
		{"Пао Спаон", "pao spaon"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := joinTokens(normaliseName(tt.in)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	classes := normaliseName("Acme Co., Ltd. and 7")
	want := []tokClass{classWord, classLegal, classLegal, classStop, classNumber}
	for i, c := range want {
		if classes[i].class != c {
			t.Errorf("token %d %q class %d, want %d", i, classes[i].text, classes[i].class, c)
		}
	}
}

func TestLegalFormsNeverMatchAlone(t *testing.T) {
	ix := NewEntityIndex([]Entity{{ID: "1", Name: "Alpha Trading Co., Ltd.", ListName: "x"}})
	for _, q := range []string{"Co., Ltd.", "Company Limited", "LLC", "有限公司", "and of the"} {
		if hits := ix.Search(Query{Name: q}, Options{Threshold: ThresholdOf(0.01)}); len(hits) != 0 {
			t.Errorf("%q matched %v", q, summarize(hits))
		}
	}
}

func TestConcurrentSearch(t *testing.T) {
	lists, _ := BuiltinLists()
	ix := NewIndex(lists...)
	want := summarize(ix.Search(Query{Name: "Hetian Taida Apparel"}, Options{}))
	done := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			var got string
			for i := 0; i < 200; i++ {
				got = summarize(ix.Search(Query{Name: "Hetian Taida Apparel"}, Options{}))
				ix.Search(Query{Name: "Xinjiang Zhongtai Chemical"}, Options{})
			}
			done <- got
		}()
	}
	for g := 0; g < 8; g++ {
		if got := <-done; got != want {
			t.Errorf("concurrent result %q, want %q", got, want)
		}
	}
}

func TestScreenRejectsBadNames(t *testing.T) {
	ix := NewEntityIndex([]Entity{{ID: "1", Name: "Alpha Trading", ListName: "x"}})
	for _, tt := range []struct{ name, want string }{
		{"", "empty"}, {" ., ", "empty"}, {"a\xffb", "UTF-8"}, {strings.Repeat("alpha ", 2000), "longer than"},
	} {
		if _, err := ix.Screen(Query{Name: tt.name}, Options{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.20q: err %v, want %q", tt.name, err, tt.want)
		}
	}
	if hits, err := ix.Screen(Query{Name: "Alpha Trading"}, Options{}); err != nil || len(hits) != 1 {
		t.Errorf("hits %v err %v", hits, err)
	}
}

func TestCommonWordsOnly(t *testing.T) {
	var ents []Entity
	for i := 0; i < 200; i++ {
		ents = append(ents, Entity{ID: fmt.Sprint("m", i), Name: fmt.Sprintf("Muhammad Person%c%c", 'a'+i%26, 'a'+i/26), ListName: "x"})
	}
	ents = append(ents, Entity{ID: "target", Name: "MUHAMMAD, Ali", ListName: "x"})
	for i := 0; i < 200; i++ {
		ents = append(ents, Entity{ID: fmt.Sprint("a", i), Name: fmt.Sprintf("Ali Other%c%c", 'a'+i%26, 'a'+i/26), ListName: "x"})
	}
	ix := NewEntityIndex(ents)
	hits := ix.Search(Query{Name: "Ali Mohammed"}, Options{})
	if len(hits) == 0 || hits[0].Entity.ID != "target" {
		t.Fatalf("hits %s", summarize(hits))
	}
}

// TestCompanyNamesAgainstPeople: a name with a legal form names a company;
// against a person, vessel or aircraft sharing its one word it scores
// lower ("بدر Inc" is not the vessel BADR), while a company named after a
// listed person in full is still found, and the same word without a legal
// form scores as before.
func TestCompanyNamesAgainstPeople(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "vessel", Name: "BADR", Kind: KindVessel, ListName: "t"},
		{ID: "person", Name: "AL-MAGHRIBI, Abu Ismail", Kind: KindPerson, ListName: "t"},
		{ID: "full", Name: "PEREZ GARCIA, Juan Carlos", Kind: KindPerson, ListName: "t"},
		{ID: "firm", Name: "BADR TRADING", Kind: KindOrganization, ListName: "t"},
	})
	score := func(q, id string) float64 {
		for _, h := range ix.Search(Query{Name: q}, Options{Threshold: ThresholdOf(0)}) {
			if h.Entity.ID == id {
				return h.Score
			}
		}
		return 0
	}
	for _, tt := range []struct {
		query, id string
		hit       bool
	}{
		{"بدر Inc", "vessel", false},
		{"المغربي Inc", "person", false},
		{"Juan Carlos Perez Garcia S.A.", "full", true},
		{"Badr Trading LLC", "firm", true},
	} {
		got := score(tt.query, tt.id)
		if hit := got >= DefaultThreshold; hit != tt.hit {
			t.Errorf("%s against %s: score %.3f, want hit %v", tt.query, tt.id, got, tt.hit)
		}
	}
	if with, without := score("Badr Ltd", "vessel"), score("Badr", "vessel"); with >= without {
		t.Errorf("Badr Ltd scores %.3f against the vessel BADR, Badr alone %.3f: the legal form should lower it", with, without)
	}
}
