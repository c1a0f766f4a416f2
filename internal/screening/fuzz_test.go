package screening

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// FuzzLoad feeds arbitrary bytes to format detection and every list
// loader: no panics, and a list that loads has valid names and counts.
func FuzzLoad(f *testing.F) {
	seeds := []string{
		"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'AC'; Nationality Cuba.\"\n",
		"id,name,aliases,country,list\n1,Acme,A;B,CN,x\n",
		"name,aliases,uflpa_section,date_added\nA Co. Ltd.,B;C,2(d)(2)(B)(i),2022-06-21\n",
		"Effective Date,Country Code,Country,Merchandise,WRO/Finding,Industry,Status,Entity,Remarks\n1/1/2020,CN,China,x,WRO,,Active,\"A, a/k/a B; Fishing Vessel: C\",\n",
		`{"id":"x","schema":"Person","properties":{"name":["A B"],"country":["ru"]}}` + "\n",
		"<html><p>Last Updated: 01/14/2025</p><a>Section 2(d)(2)(B)(i)</a><table><tr><th>Name of Entity</th></tr><tr><td>A (and two aliases: B; and C) and subsidiaries</td><td>June 21, 2022</td></tr></table>UFLPA</html>",
		"36,12,\"aka\",\"X\",-0- \n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		wl, err := Load("fuzz", strings.NewReader(string(data)))
		if err != nil {
			if wl != nil {
				t.Fatal("list returned with an error")
			}
			return
		}
		if wl.List.EntityCount != len(wl.Entities) {
			t.Fatalf("count %d != %d", wl.List.EntityCount, len(wl.Entities))
		}
		for _, e := range wl.Entities {
			if strings.TrimSpace(e.Name) == "" || !utf8.ValidString(e.Name) {
				t.Fatalf("bad entity name %q", e.Name)
			}
		}
		NewIndex(wl).Search(Query{Name: "a b c"}, Options{Threshold: ThresholdOf(0.01)})
	})
}

var (
	fuzzIndexOnce sync.Once
	fuzzIndex     *Index
)

// FuzzSearch screens arbitrary query names and countries against a small
// index: no panics, scores in 0..1, best first.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"Xinjiang Production & Construction Corps", "新疆生产建设兵团", "Путин, Владимир", "S.A. de C.V.", "Co., Ltd.", "XPCC", "a.b.c.d.e.f", "\xff\xfe", "篠田建市", "しのだ けんいち", "ーっゃ", "山口組", strings.Repeat("ab ", 200)} {
		f.Add(s, "CN")
	}
	f.Fuzz(func(t *testing.T, name, country string) {
		fuzzIndexOnce.Do(func() {
			lists, err := BuiltinLists()
			if err != nil {
				panic(err)
			}
			fuzzIndex = NewIndex(lists...)
		})
		hits := fuzzIndex.Search(Query{Name: name, Country: country}, Options{Threshold: ThresholdOf(0.01), Limit: 5})
		for i, h := range hits {
			if h.Score < 0 || h.Score > 1 {
				t.Fatalf("score %v", h.Score)
			}
			if i > 0 && h.Score > hits[i-1].Score {
				t.Fatal("hits not sorted")
			}
		}
		_ = ValidateQuery(Query{Name: name})
	})
}
