package screening

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// sampleList returns a watchlist file: the lists built into the package are
// read from data/, the others from the repository's testdata.
func sampleList(t testing.TB, elem ...string) string {
	t.Helper()
	if p := filepath.Join(append([]string{"data"}, elem...)...); len(elem) == 1 {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return testkit.Data(t, append([]string{"samples", "watchlists"}, elem...)...)
}

func TestLoadSharedLists(t *testing.T) {
	tests := []struct {
		path      []string
		list      string
		min, max  int
		published string
		check     func(t *testing.T, wl *Watchlist)
	}{
		{path: []string{"ofac_sdn_2021", "sdn.csv"}, list: "ofac-sdn", min: 8976, max: 8976, check: func(t *testing.T, wl *Watchlist) {
			e := find(wl, "306")
			if e == nil || e.Name != "BANCO NACIONAL DE CUBA" || len(e.Aliases) == 0 || !contains(e.Countries, "CH") || !contains(e.WeakAliases, "BNC") {
				t.Errorf("entity 306 = %+v", e)
			}
		}},
		{path: []string{"ofac_non_sdn_2025", "cons_prim.csv"}, list: "ofac-cons", min: 442, max: 442},
		{path: []string{"uflpa_entity_list_page_2026-07-09.html"}, list: "uflpa", min: 140, max: 150, published: "2025-01-14", check: func(t *testing.T, wl *Watchlist) {
			e := find(wl, "uflpa:xinjiang-production-and-construction-corps")
			if e == nil || !contains(e.Aliases, "XPCC") || !contains(e.Aliases, "Bingtuan") {
				t.Errorf("XPCC = %+v", e)
			}
			e = find(wl, "uflpa:hoshine-silicon-industry-shanshan-co-ltd")
			if e == nil || !contains(e.Aliases, "Hesheng Silicon Industry (Shanshan) Co.") {
				t.Errorf("Hoshine = %+v", e)
			}
		}},
		{path: []string{"uflpa_entity_list_2025-01.csv"}, list: "uflpa", min: 140, max: 150, published: "2025-01-15"},
		{path: []string{"cbp_wro_findings_2026-06.csv"}, list: "cbp-wro", min: 50, max: 80, published: "2026-06-23", check: func(t *testing.T, wl *Watchlist) {
			e := find(wl, "cbp:yunnan-machinery")
			if e == nil || !contains(e.Aliases, "Yunnan 1st Prison") || !contains(e.Countries, "CN") {
				t.Errorf("Yunnan Machinery = %+v", e)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(filepath.Join(tt.path...), func(t *testing.T) {
			wl, err := LoadFile(sampleList(t, tt.path...))
			if err != nil {
				t.Fatal(err)
			}
			if wl.List.Name != tt.list || wl.List.EntityCount != len(wl.Entities) || len(wl.List.SHA256) != 64 {
				t.Errorf("list = %+v", wl.List)
			}
			if n := len(wl.Entities); n < tt.min || n > tt.max {
				t.Errorf("%d entities, want %d..%d", n, tt.min, tt.max)
			}
			if tt.published != "" && wl.List.Published.Format("2006-01-02") != tt.published {
				t.Errorf("published %v, want %s", wl.List.Published, tt.published)
			}
			if tt.check != nil {
				tt.check(t, wl)
			}
		})
	}
}

func find(wl *Watchlist, id string) *Entity {
	for i := range wl.Entities {
		if wl.Entities[i].ID == id {
			return &wl.Entities[i]
		}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestLoadBadInput(t *testing.T) {
	long := strings.Repeat("A", 10000)
	tests := []struct {
		name, input, want string
	}{
		{"empty", "", "empty"},
		{"garbage", "hello world\nfoo", "not a recognised watchlist format"},
		{"other html", "<html><body>hi</body></html>", "not the DHS UFLPA"},
		{"alt alone", "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \n", "alt file"},
		{"ofac bad number", "36,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \nx7,\"B\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n", "t.csv:2: column 1"},
		{"ofac short row", "36,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n37,\"B\"\n", "t.csv:2: expected 12 columns"},
		{"ofac empty name", "36,-0- ,-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n", "t.csv:1: column 2: empty name"},
		{"simple no name", "id,name\n1,\n", "t.csv:2: column name is empty"},
		{"simple long name", "id,name\n1," + long + "\n", "t.csv:2: column name is longer"},
		{"simple bad utf8", "id,name\n1,ab\xffcd\n", "t.csv:2: column name is not valid UTF-8"},
		{"simple dup id", "id,name\n1,a\n1,b\n", "t.csv:3: id \"1\" already used on line 2"},
		{"simple bad kind", "id,name,kind\n1,a,company\n", "t.csv:2: column kind is \"company\""},
		{"simple bad quote", "id,name\n1,\"a\n", "t.csv:2"},
		{"ftm bad json", "{\"id\":\"x\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\n{nope\n", "t.csv:2: not a JSON object"},
		{"ftm no name", "{\"id\":\"x\",\"schema\":\"Person\",\"properties\":{}}\n", "t.csv:1: entity x has no name"},
		{"uflpa csv bad date", "name,aliases,uflpa_section,date_added\nA,,x,yesterday\n", "t.csv:2: column date_added"},
		{"cbp empty entity", "Effective Date,Country Code,Country,Merchandise,WRO/Finding,Industry,Status,Entity,Remarks\n1/1/2020,CN,China,x,WRO,,Active,,\n", "t.csv:2: column Entity is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wl, err := Load("t.csv", strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("no error; loaded %d entities", len(wl.Entities))
			}
			if wl != nil {
				t.Errorf("half-loaded list returned with error")
			}
			if kernel.ErrorCode(err) != kernel.Invalid {
				t.Errorf("code %v, want invalid", kernel.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadSmallFormats(t *testing.T) {
	tests := []struct {
		name, input string
		want        Entity
	}{
		{"simple", "ID,Name,Aliases,Country,List\nS1,Acme Trading Co.,Acme; ACT,Ivory Coast;CN,mylist\n",
			Entity{ID: "S1", Name: "Acme Trading Co.", Aliases: []string{"Acme", "ACT"}, Countries: []string{"CI", "CN"}, ListName: "mylist"}},
		{"ftm", `{"id":"NK-1","schema":"Company","properties":{"name":["ООО Ромашка","Romashka LLC"],"alias":["Romashka"],"weakAlias":["RMK"],"country":["ru"],"innCode":["7701"]},"datasets":["x"]}` + "\n" +
			`{"id":"addr-1","schema":"Address","properties":{"full":["Moscow"]}}` + "\n",
			Entity{ID: "NK-1", Name: "ООО Ромашка", Aliases: []string{"Romashka LLC", "Romashka"}, WeakAliases: []string{"RMK"}, Countries: []string{"RU"},
				Identifiers: []Identifier{{"innCode", "7701"}}, Kind: KindOrganization, ListName: "ftm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wl, err := Load("t.txt", strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if len(wl.Entities) != 1 {
				t.Fatalf("%d entities", len(wl.Entities))
			}
			got := wl.Entities[0]
			if got.ID != tt.want.ID || got.Name != tt.want.Name || strings.Join(got.Aliases, "|") != strings.Join(tt.want.Aliases, "|") ||
				strings.Join(got.WeakAliases, "|") != strings.Join(tt.want.WeakAliases, "|") || strings.Join(got.Countries, "|") != strings.Join(tt.want.Countries, "|") ||
				got.Kind != tt.want.Kind || got.ListName != tt.want.ListName || len(got.Identifiers) != len(tt.want.Identifiers) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestBuiltinLists(t *testing.T) {
	lists, err := BuiltinLists()
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) != 2 || lists[0].List.Name != "uflpa" || lists[1].List.Name != "cbp-wro" {
		t.Fatalf("lists = %v", lists)
	}
	for _, tt := range []struct {
		now   time.Time
		stale bool
	}{{UFLPAPublished().AddDate(0, 0, 89), false}, {UFLPAPublished().AddDate(0, 0, 91), true}} {
		if got := Stale(lists[0].List, tt.now); got != tt.stale {
			t.Errorf("Stale at %v = %v", tt.now, got)
		}
	}
	if !Stale(List{}, time.Now()) {
		t.Error("a list without a date must count as stale")
	}
}

// The built-in lists must stay byte for byte the published files whose
// SHA-256 data/SHA256SUMS records.
func TestBuiltinMatchesPublished(t *testing.T) {
	testkit.VerifySums(t, "data")
}

// TestUFLPAPageMatchesCSV checks that the page as DHS publishes it and its
// CSV form give the same entities and aliases.
func TestUFLPAPageMatchesCSV(t *testing.T) {
	page, err := LoadFile(sampleList(t, "uflpa_entity_list_page_2026-07-09.html"))
	if err != nil {
		t.Fatal(err)
	}
	csvList, err := LoadFile(sampleList(t, "uflpa_entity_list_2025-01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entities) != len(csvList.Entities) {
		t.Errorf("page %d entities, CSV %d", len(page.Entities), len(csvList.Entities))
	}
	for _, e := range page.Entities {
		c := find(csvList, e.ID)
		if c == nil {
			t.Errorf("%s only on the page", e.ID)
			continue
		}
		if strings.Join(c.Aliases, "|") != strings.Join(e.Aliases, "|") {
			t.Errorf("%s aliases: page %q, CSV %q", e.ID, e.Aliases, c.Aliases)
		}
	}
}

func TestParseUFLPACell(t *testing.T) {
	tests := []struct {
		cell, name string
		aliases    []string
	}{
		{"Hoshine Silicon Industry (Shanshan) Co., Ltd (including one alias: Hesheng Silicon Industry (Shanshan) Co.) and subsidiaries",
			"Hoshine Silicon Industry (Shanshan) Co., Ltd", []string{"Hesheng Silicon Industry (Shanshan) Co."}},
		{"Xinjiang Production and Construction Corps (including three aliases: XPCC; Xinjiang Corps; and Bingtuan) and its subordinate and affiliated entities",
			"Xinjiang Production and Construction Corps", []string{"XPCC", "Xinjiang Corps", "Bingtuan"}},
		{"No. 4 Vocation Skills Education Training Center (VSETC)", "No. 4 Vocation Skills Education Training Center", []string{"VSETC"}},
		{"Sichuan Jingweida Technology Group Co., Ltd. (also known as Sichuan Mianyang Jingweida Technology Co., Ltd. and JWD Technology; and formerly known as Mianyang High-tech Zone Jingweida Technology Co., Ltd.)",
			"Sichuan Jingweida Technology Group Co., Ltd.", []string{"Sichuan Mianyang Jingweida Technology Co., Ltd.", "JWD Technology", "Mianyang High-tech Zone Jingweida Technology Co., Ltd."}},
		{"Kashgar Construction Engineering (Group) Co., Ltd.", "Kashgar Construction Engineering (Group) Co., Ltd.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, aliases := parseUFLPACell(tt.cell)
			if name != tt.name || strings.Join(aliases, "|") != strings.Join(tt.aliases, "|") {
				t.Errorf("got %q %q\nwant %q %q", name, aliases, tt.name, tt.aliases)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ path, want string }{
		{dir, "is a directory"},
		{filepath.Join(dir, "missing.csv"), "cannot open"},
	} {
		if _, err := LoadFile(tt.path); err == nil || !strings.Contains(err.Error(), tt.want) || kernel.ErrorCode(err) != kernel.Invalid {
			t.Errorf("%s: err %v, want %q", tt.path, err, tt.want)
		}
	}
}

// TestLoadFilesOFACTriple gives the three files OFAC publishes for one
// list, in any order and under any folder: they load as one list, once,
// with the alternate names and the addresses joined.
func TestLoadFilesOFACTriple(t *testing.T) {
	const (
		sdn = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n" +
			"173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
		alt = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \n"
		add = "173,129,\"Ibex House, The Minories\",\"London EC3N 1DY\",\"United Kingdom\",-0- \n"
	)
	write := func(dir, name, body string) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	root := t.TempDir()
	together := filepath.Join(root, "together")
	s, a, d := write(together, "sdn.csv", sdn), write(together, "alt.csv", alt), write(together, "add.csv", add)
	apart := filepath.Join(root, "apart")
	s2 := write(filepath.Join(apart, "lists"), "sdn.csv", sdn)
	a2 := write(filepath.Join(apart, "downloads"), "sdn_alt_2026.csv", alt)
	d2 := write(filepath.Join(apart, "downloads"), "sdn_add_2026.csv", add)
	check := func(t *testing.T, wls []*Watchlist, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if len(wls) != 1 || wls[0].List.Name != "ofac-sdn" || len(wls[0].Entities) != 2 {
			t.Fatalf("lists = %d, want one ofac-sdn list of 2 entities", len(wls))
		}
		if e := find(wls[0], "36"); e == nil || !contains(e.Aliases, "AERO-CARIBBEAN") {
			t.Errorf("entity 36 = %+v, want the alias from the alt file", e)
		}
		if e := find(wls[0], "173"); e == nil || !contains(e.Countries, "GB") {
			t.Errorf("entity 173 = %+v, want GB from the address file", e)
		}
	}
	for _, tt := range []struct {
		name  string
		paths []string
	}{
		{"three files", []string{s, a, d}},
		{"alt first", []string{a, d, s}},
		{"primary only", []string{s}},
		{"named twice", []string{s, a, s, d, a}},
		{"other folders and names", []string{a2, s2, d2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wls, err := LoadFiles(tt.paths...)
			check(t, wls, err)
		})
	}
	// The checksum covers the same bytes whichever way the files are given.
	w1, _ := LoadFiles(s, a, d)
	w2, _ := LoadFiles(a2, s2, d2)
	if w1[0].List.SHA256 != w2[0].List.SHA256 {
		t.Errorf("checksums differ: %s vs %s", w1[0].List.SHA256, w2[0].List.SHA256)
	}
	for _, tt := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"alt without primary", []string{a}, "alt.csv: this is an OFAC alternate-name file; give its primary file (sdn.csv) too"},
		{"add without primary", []string{d2}, "sdn_add_2026.csv: this is an OFAC address file"},
		{"two alt files", []string{s, a, a2}, "a second OFAC alternate-name file"},
		{"consolidated alt with SDN", []string{s, write(together, "cons_alt.csv", alt)}, "give its primary file (cons_prim.csv)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wls, err := LoadFiles(tt.paths...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || kernel.ErrorCode(err) != kernel.Invalid {
				t.Fatalf("lists %d, err %v, want %q", len(wls), err, tt.want)
			}
		})
	}
}

// TestDemoOFACSDN: the demonstration copy of the SDN list loads whole,
// dated and labelled as out of date, and finds a listed name.
func TestDemoOFACSDN(t *testing.T) {
	wl, err := DemoOFACSDN()
	if err != nil {
		t.Fatal(err)
	}
	if len(wl.Entities) != len(loadSDN(t).Entities) || wl.List.Name != "ofac-sdn" || !wl.List.Published.Equal(DemoSDNPublished()) {
		t.Fatalf("demo SDN: %d entities (want %d), list %q published %v", len(wl.Entities), len(loadSDN(t).Entities), wl.List.Name, wl.List.Published)
	}
	if !Stale(wl.List, time.Now()) || !strings.Contains(wl.List.Source, "out of date") {
		t.Errorf("demo SDN is not shown as out of date: %+v", wl.List)
	}
	if hits := NewIndex(wl).Search(Query{Name: "Banco Nacional de Cuba"}, Options{}); len(hits) == 0 || hits[0].Entity.ID != "306" {
		t.Errorf("Banco Nacional de Cuba: %s", summarize(hits))
	}
}
