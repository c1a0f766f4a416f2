package screening

import (
	"slices"
	"strings"
	"testing"
)

func TestArabicSkeletons(t *testing.T) {
	tests := []struct{ arabic, latin string }{
		{"خامنئي", "khamenei"},
		{"نصرالله", "nasrallah"},
		{"سليماني", "soleimani"},
		{"قاسم", "qasem"},
		{"ظريف", "zarif"},
		{"ابراهيم", "ebrahim"},
		{"جواد", "javad"},
		{"حوثي", "houthi"},
		{"خليل", "khalil"},
		{"آخوند", "akhund"},
	}
	for _, tt := range tests {
		a, l := arabicSkeleton([]rune(tt.arabic)), latinSkeleton(tt.latin)
		if a != l || a == "" {
			t.Errorf("%s: skeleton %q, %s: %q; want them equal", tt.arabic, a, tt.latin, l)
		}
	}
	// Different consonants stay apart.
	for _, p := range [][2]string{{"خامنئي", "hamani"}, {"ظريف", "sharif"}, {"قاسم", "kassab"}} {
		if a, l := arabicSkeleton([]rune(p[0])), latinSkeleton(p[1]); a == l {
			t.Errorf("%s and %s share the skeleton %q", p[0], p[1], a)
		}
	}
}

func TestNormaliseArabicName(t *testing.T) {
	got := normaliseArabicName("عبدالخالق بن حسين الحوثي")
	var parts []string
	for _, tk := range got {
		parts = append(parts, tk.text)
	}
	// "Abd al-Khaliq bin Husayn al-Huthi": the article and the ligature of
	// "Abd al-" split off, "bin" a connective.
	if want := "bd al xlk bin hsn al ht"; strings.Join(parts, " ") != want {
		t.Errorf("tokens %q, want %q", strings.Join(parts, " "), want)
	}
}

func TestHangulReadings(t *testing.T) {
	read := func(name string) []string {
		var out []string
		for _, r := range readings(name) {
			out = append(out, r.text)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		want []string
	}{
		{"김정은", []string{"gim jeong eun", "kim chong un", "kim jong un"}},
		{"박봉주", []string{"park bong ju", "pak pong ju"}},
		{"이용호", []string{"lee yong ho", "ri yong ho", "i yong ho"}},
		{"최룡해", []string{"choe ryong hae", "choi ryong hae"}},
	} {
		got := read(tt.name)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: readings %q lack %q", tt.name, got, w)
			}
		}
	}
	if r := readings("Kim Jong Un"); r != nil {
		t.Errorf("a Latin name has readings %v", r)
	}
}

func TestOptionalParts(t *testing.T) {
	for _, tt := range []struct{ name, optional string }{
		{"VEKSELBERG, Viktor Feliksovich", "feliksovich"},
		{"MADURO MOROS, Nicolas", "moros"},
		{"GUZMAN LOERA, Joaquin", "loera"},
		{"KHAMENEI, Ali Husseini", "husseini"},
		{"Viktor Feliksovich Vekselberg", "feliksovich"},
		{"Ivan Petrov Ivanovich", "ivanovich"},
		{"KIM, Jong Un", ""},
		{"SMITH, John", ""},
	} {
		toks := normaliseName(tt.name)
		mask := optionalParts(tt.name, toks)
		var got []string
		for i, tk := range toks {
			if mask&(1<<uint(i)) != 0 {
				got = append(got, tk.text)
			}
		}
		if strings.Join(got, " ") != tt.optional {
			t.Errorf("%s: optional %q, want %q", tt.name, strings.Join(got, " "), tt.optional)
		}
	}
}

// TestOptionalPartsDisagree: a middle name the query gives that differs
// from the list's is evidence against the match, not an omission.
func TestOptionalPartsDisagree(t *testing.T) {
	ix := NewEntityIndex([]Entity{{ID: "1", Name: "VEKSELBERG, Viktor Feliksovich", Kind: KindPerson}})
	short := ix.Search(Query{Name: "Viktor Vekselberg"}, Options{Threshold: ThresholdOf(0)})
	other := ix.Search(Query{Name: "Viktor Borisovich Vekselberg"}, Options{Threshold: ThresholdOf(0)})
	if len(short) != 1 || short[0].Score < DefaultThreshold {
		t.Fatalf("press form: %v", summarize(short))
	}
	if len(other) != 1 || other[0].Score >= short[0].Score || other[0].Score >= DefaultThreshold {
		t.Errorf("another patronymic scores %v, the press form %.3f", summarize(other), short[0].Score)
	}
}

// TestSameScriptCollisions: names in the same non-Latin script are compared
// in that script, so different characters sharing a romanisation are not
// one name, while traditional and simplified Chinese characters are.
func TestSameScriptCollisions(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "takaichi", Name: "TAKAICHI, Sanae", Aliases: []string{"高市早苗"}, Kind: KindPerson},
		{ID: "xi", Name: "XI, Jinping", Aliases: []string{"习近平"}, Kind: KindPerson},
		{ID: "kim", Name: "KIM, Jong Un", Aliases: []string{"김정은"}, Kind: KindPerson},
		{ID: "huawei", Name: "HUAWEI TECHNOLOGIES CO., LTD.", Aliases: []string{"华为技术有限公司"}, Kind: KindOrganization},
	})
	for _, tt := range []struct{ query, want string }{
		{"高市早苗", "takaichi"},
		{"高石早苗", ""},
		{"习近平", "xi"},
		{"習近平", "xi"},
		{"习近朋", ""},
		{"김정은", "kim"},
		{"김종은", ""},
		{"華為技術有限公司", "huawei"},
		{"华为技术公司", "huawei"},
		{"Xi Jinping", "xi"},
		{"Kim Jong Un", "kim"},
	} {
		hits := ix.Search(Query{Name: tt.query}, Options{})
		got := ""
		if len(hits) > 0 {
			got = hits[0].Entity.ID
		}
		if got != tt.want {
			t.Errorf("%s: first hit %q (%s), want %q", tt.query, got, summarize(hits), tt.want)
		}
	}
	all := ix.Search(Query{Name: "高石早苗"}, Options{Threshold: ThresholdOf(0)})
	if len(all) == 0 || all[0].Score > 0.75 || !strings.Contains(strings.Join(all[0].Reasons, "; "), "compared as written") {
		t.Errorf("高石早苗 against 高市早苗: %v, want at most 0.75 with the reason", all)
	}
}

// TestLegalFormsFromELF: legal forms written out, in any jurisdiction's
// language, equal their abbreviations (ISO 20275 code list).
func TestLegalFormsFromELF(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "siemens", Name: "Siemens AG", Kind: KindOrganization},
		{ID: "banco", Name: "Banco Ejemplo S.A.", Kind: KindOrganization},
		{ID: "hetian", Name: "Hetian Taida Apparel Co., Ltd.", Kind: KindOrganization},
		{ID: "polska", Name: "Przykład Sp. z o.o.", Kind: KindOrganization},
		{ID: "kg", Name: "Beispiel KG", Kind: KindOrganization},
		{ID: "nv", Name: "Voorbeeld N.V.", Kind: KindOrganization},
	})
	for _, tt := range []struct{ query, want string }{
		{"Siemens Aktiengesellschaft", "siemens"},
		{"Banco Ejemplo Sociedad Anónima", "banco"},
		{"和田泰达服饰有限公司", "hetian"},
		{"Przykład Spółka z ograniczoną odpowiedzialnością", "polska"},
		{"Beispiel Kommanditgesellschaft", "kg"},
		{"Voorbeeld Naamloze Vennootschap", "nv"},
	} {
		hits := ix.Search(Query{Name: tt.query}, Options{})
		if len(hits) == 0 || hits[0].Entity.ID != tt.want || hits[0].Score < 0.95 {
			t.Errorf("%s: %s, want %s at 0.95 or more", tt.query, summarize(hits), tt.want)
		}
	}
	// Ordinary words some jurisdictions list as abbreviations stay words.
	for _, w := range []string{"and", "multi", "societe", "bank", "trust", "li", "an", "de"} {
		if c := classify(w); c == classLegal {
			t.Errorf("%q is a legal form", w)
		}
	}
	if lt := legalTableOf(); len(lt.phrases) < 500 || len(lt.forms) < 300 {
		t.Errorf("ELF table: %d phrases, %d forms; the embedded list did not load", len(lt.phrases), len(lt.forms))
	}
}

// TestSingleWordAgreement: a query that shares one word with a list name
// and has a distinctive word of its own names someone else; the list name
// alone, or with a legal form or a common word of the lists, still hits.
func TestSingleWordAgreement(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "vessel", Name: "SIENNA", Kind: KindVessel},
		{ID: "firm", Name: "ATLANTIC", Kind: KindOrganization},
		{ID: "shipping", Name: "DAVAR SHIPPING CO LTD", Kind: KindOrganization},
		{ID: "other", Name: "Global Trading Group", Kind: KindOrganization},
		{ID: "other2", Name: "Sunrise Shipping", Kind: KindOrganization},
		{ID: "other3", Name: "Dengler Trading", Kind: KindOrganization},
	})
	for _, tt := range []struct{ query, want string }{
		{"Sienna", "vessel"},
		{"Atlantic Ltd", "firm"},
		{"Davar Shipping Co Ltd", "shipping"},
		{"давар шиппинг ко лтд", "shipping"},
		{"Sienna Dengler", ""},
		{"Atlantic Omar", ""},
	} {
		hits := ix.Search(Query{Name: tt.query}, Options{})
		got := ""
		if len(hits) > 0 {
			got = hits[0].Entity.ID
		}
		if got != tt.want {
			t.Errorf("%s: first hit %q (%s), want %q", tt.query, got, summarize(hits), tt.want)
		}
	}
	all := ix.Search(Query{Name: "Sienna Dengler"}, Options{Threshold: ThresholdOf(0)})
	if len(all) == 0 || !strings.Contains(strings.Join(all[0].Reasons, "; "), "only one distinctive word agrees") {
		t.Errorf("Sienna Dengler: %v, want the reason for the lower score", all)
	}
	// A word the lists use often ("trading") is not a name of its own.
	sdn := NewIndex(loadSDN(t))
	if hits := sdn.Search(Query{Name: "Atlantic Trading"}, Options{}); len(hits) == 0 || hits[0].MatchedName != "ATLANTIC" {
		t.Errorf("Atlantic Trading against SDN: %s, want ATLANTIC first", summarize(hits))
	}
}

// TestArabicJoinSingleWord: two Arabic-script names joined through the
// article match a list word written as one ("Nasrallah"), never two list
// words whose consonants happen to line up ("Trikulya Elena").
func TestArabicJoinSingleWord(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "trikulya", Name: "TRIKULYA, Elena Anatolievna", Kind: KindPerson},
		{ID: "nasrallah", Name: "NASRALLAH, Hasan", Kind: KindPerson},
	})
	if hits := ix.Search(Query{Name: "الطريقي - العلاني"}, Options{}); len(hits) > 0 {
		t.Errorf("al-Tariqi al-Alani: %s, want no hit", summarize(hits))
	}
	if hits := ix.Search(Query{Name: "حسن نصر الله"}, Options{}); len(hits) == 0 || hits[0].Entity.ID != "nasrallah" {
		t.Errorf("Hasan Nasr Allah: %s, want NASRALLAH", summarize(hits))
	}
}

// TestLongVowelsAgree: the long vowels Arabic script writes must have a
// vowel in the same place of the Latin spelling, so names sharing only
// their consonants (Mahmud and Muhammad) stay apart.
func TestLongVowelsAgree(t *testing.T) {
	for _, tt := range []struct {
		arabic, latin string
		agree         bool
	}{
		{"محمود", "mahmoud", true},
		{"محمود", "mahmud", true},
		{"محمود", "muhammad", false},
		{"محيميد", "mohammad", false},
		{"فريق", "faruq", false},
		{"فريق", "fariq", true},
		{"حسين", "hussein", true},
		{"خامنئي", "khamenei", true},
		{"حوثي", "houthi", true},
		{"يوسف", "yusuf", true},
		{"ابراهيم", "ebrahim", true},
		{"مصطفى", "mustafa", true},
		// The long a (ا) wants an a or an e in its place.
		{"قاسم", "kassem", true},
		{"إحسان", "ihsan", true},
		{"براءة", "bara", true},
		{"براءة", "bur", false},
		{"براءة", "bari", false},
	} {
		if got := longVowelsAgree(tt.arabic, tt.latin); got != tt.agree {
			t.Errorf("%s and %s: agree %v, want %v", tt.arabic, tt.latin, got, tt.agree)
		}
	}
	ix := NewEntityIndex([]Entity{
		{ID: "a", Name: "MUHAMMAD, Mustafa", Kind: KindPerson},
		{ID: "b", Name: "MAHMOUD, Mustafa", Kind: KindPerson},
		{ID: "k", Name: "KHAMENEI, Ali", Kind: KindPerson},
	})
	// Mustafa Mahmud, written given name first as Arabic script writes
	// names (see givenNameElsewhere).
	if hits := ix.Search(Query{Name: "مصطفى محمود"}, Options{}); len(hits) < 2 || hits[0].Entity.ID != "b" || hits[1].Score >= hits[0].Score {
		t.Errorf("Mahmud Mustafa: %s, want MAHMOUD first and MUHAMMAD lower", summarize(hits))
	}
	if hits := ix.Search(Query{Name: "علي خامنئي"}, Options{}); len(hits) == 0 || hits[0].Entity.ID != "k" {
		t.Errorf("Ali Khamenei: %s, want KHAMENEI", summarize(hits))
	}
}

// TestHonorificsCountLittle: titles such as Haji, Sheikh, Mr and Dr (and
// الشيخ, الحاج in Arabic script) are connectives, not names: a query
// that adds or leaves one out scores as without it.
func TestHonorificsCountLittle(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "b", Name: "BARAKZAI, Haji Abdul Sattar", Kind: KindPerson},
		{ID: "h", Name: "HASSAN, Ahmed Khalil", Kind: KindPerson},
	})
	for _, tt := range []struct{ plain, titled, want string }{
		{"Abdul Sattar Barakzai", "Haji Abdul Sattar Barakzai", "b"},
		{"Ahmed Khalil Hassan", "Dr. Ahmed Khalil Hassan", "h"},
		{"Ahmed Khalil Hassan", "Sheikh Ahmed Khalil Hassan", "h"},
		{"أحمد خليل حسن", "الشيخ أحمد خليل حسن", "h"},
		{"عبد الستار بارکزی", "الحاج عبد الستار بارکزی", "b"},
	} {
		a := ix.Search(Query{Name: tt.plain}, Options{})
		b := ix.Search(Query{Name: tt.titled}, Options{})
		if len(a) == 0 || len(b) == 0 || a[0].Entity.ID != tt.want || b[0].Entity.ID != tt.want {
			t.Errorf("%q: %s; %q: %s; want %s first in both", tt.plain, summarize(a), tt.titled, summarize(b), tt.want)
			continue
		}
		if d := a[0].Score - b[0].Score; d > 0.02 || d < -0.02 {
			t.Errorf("%q scores %.3f, %q %.3f: the title should count little", tt.plain, a[0].Score, tt.titled, b[0].Score)
		}
	}
}
