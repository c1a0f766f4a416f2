package screening

import (
	"slices"
	"strings"
	"testing"
)

func TestHepburnSpellings(t *testing.T) {
	for _, tt := range []struct {
		kana string
		want []string
	}{
		{"さとう", []string{"sato", "satou", "satoh"}},
		{"けんいち", []string{"kenichi"}},
		{"きょうこ", []string{"kyoko", "kyouko", "kyohko"}},
		{"しゅんすけ", []string{"shunsuke"}},
		{"ちゃこ", []string{"chako"}},
		{"じゅんいちろう", []string{"junichiro", "junichirou", "junichiroh"}},
		{"はっとり", []string{"hattori"}},
		{"はっちょう", []string{"hatcho", "hatchou", "hatchoh"}},
		{"なんば", []string{"nanba", "namba"}},
		{"おおの", []string{"ono", "oono", "ohno"}},
		{"ゆうこ", []string{"yuko", "yuuko"}},
		{"ジョン", []string{"jon"}},
	} {
		if got := hepburnSpellings(tt.kana); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.kana, got, tt.want)
		}
	}
	for _, bad := range []string{"abc", "ゃ", "漢"} {
		if got := hepburnSpellings(bad); got != nil {
			t.Errorf("%q: %q, want none", bad, got)
		}
	}
}

// TestJapaneseReadings screens Japanese people and organisations on the
// OFAC SDN list (which writes them in Latin letters only) written in
// kanji, as the Japanese press writes them. These are the examples the
// readings were built on, not a held-out set.
func TestJapaneseReadings(t *testing.T) {
	ix := NewIndex(loadSDN(t))
	for _, tt := range []struct{ query, want string }{
		{"篠田建市", "13072"},     // SHINODA, Kenichi: 建市 read kanji by kanji, ken + ichi
		{"高山清司", "13073"},     // TAKAYAMA, Kiyoshi
		{"西口茂男", "15496"},     // NISHIGUCHI, Shigeo
		{"清田次郎", "15662"},     // KIYOTA, Jiro: じろう written Jiro
		{"後藤忠政", "16133"},     // GOTO, Tadamasa
		{"入江禎", "16414"},      // IRIE, Tadashi
		{"野村悟", "16605"},      // NOMURA, Satoru
		{"竹内照明", "17788"},     // TAKEUCHI, Teruaki
		{"井上邦雄", "20381"},     // INOUE, Kunio
		{"森尾卯太男", "24685"},    // MORIO, Utao: 卯太男 is not in ENAMDICT
		{"津田力", "24686"},      // TSUDA, Chikara
		{"高木康男", "24828"},     // TAKAGI, Yasuo
		{"光安克明", "24829"},     // MITSUYASU, Katsuaki
		{"篠田 建市", "13072"},    // spaced
		{"しのだ けんいち", "13072"}, // kana
		{"山口組", "13071"},      // YAMAGUCHI-GUMI: 組 voiced after a name
		{"住吉会", "15495"},      // SUMIYOSHI-KAI
		{"稲川会", "15661"},      // INAGAWA-KAI
	} {
		hits := ix.Search(Query{Name: tt.query}, Options{})
		if len(hits) == 0 || hits[0].Entity.ID != tt.want {
			t.Errorf("%s: %s, want %s first", tt.query, summarize(hits), tt.want)
			continue
		}
		if !strings.Contains(hits[0].Reasons[0], "Japanese reading") && !strings.ContainsAny(tt.query, "しのだ") {
			t.Errorf("%s: first reason %q does not say how the name was read", tt.query, hits[0].Reasons[0])
		}
	}
	// Another family name, or the family name alone, is not the listed
	// person. (篠田建一 is: 建一 is read Kenichi too, and the list gives
	// no kanji to tell them apart.)
	for _, q := range []string{"篠原建市", "高山", "西口茂"} {
		if hits := ix.Search(Query{Name: q}, Options{}); len(hits) > 0 {
			t.Errorf("%s: %s, want no hit", q, summarize(hits))
		}
	}
}

// TestJapaneseReadingsOnlyListWords: a reading no list word uses is not
// searched, so a name's many readings cost nothing.
func TestJapaneseReadingsOnlyListWords(t *testing.T) {
	ix := NewEntityIndex([]Entity{{ID: "y", Name: "YAMADA, Taro", Kind: KindPerson}})
	rd := ix.japaneseReadings("山田太郎")
	if len(rd) != 1 || rd[0].text != "yamada taro" {
		t.Fatalf("readings %v, want only \"yamada taro\"", rd)
	}
	if hits := ix.Search(Query{Name: "山田太郎"}, Options{}); len(hits) != 1 || hits[0].Score < 0.99 {
		t.Errorf("山田太郎: %s", summarize(hits))
	}
	if rd := ix.japaneseReadings("Yamada 太郎"); rd != nil {
		t.Errorf("a name mixing Latin letters has Japanese readings %v", rd)
	}
	if rd := ix.japaneseReadings("김정은"); rd != nil {
		t.Errorf("a Korean name has Japanese readings %v", rd)
	}
}
