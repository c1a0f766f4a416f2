package screening

import (
	"strings"
	"sync"
	"testing"
)

func TestLiveListsReplace(t *testing.T) {
	a := &Watchlist{List: List{Name: "uflpa", EntityCount: 1}, Entities: []Entity{{ID: "u1", Name: "Old Cotton Company", ListName: "uflpa"}}}
	b := &Watchlist{List: List{Name: "cbp-wro", EntityCount: 1}, Entities: []Entity{{ID: "c1", Name: "Harbour Fishing Fleet", ListName: "cbp-wro"}}}
	live := NewLiveLists([]*Watchlist{a, b})
	newer := &Watchlist{List: List{Name: "uflpa", EntityCount: 1}, Entities: []Entity{{ID: "u2", Name: "New Polysilicon Works", ListName: "uflpa"}}}
	// Searches run while the list is replaced: each sees one whole state.
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				ix, lists := live.Current()
				if len(lists) != 2 {
					t.Errorf("lists %v", lists)
					return
				}
				ix.Search(Query{Name: "Harbour Fishing Fleet"}, Options{})
			}
		}()
	}
	if err := live.Replace(newer); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	ix, lists := live.Current()
	if hits := ix.Search(Query{Name: "New Polysilicon Works"}, Options{}); len(hits) == 0 || hits[0].Entity.ID != "u2" {
		t.Errorf("the newer edition is not searched: %v", summarize(hits))
	}
	if hits := ix.Search(Query{Name: "Old Cotton Company"}, Options{}); len(hits) != 0 {
		t.Errorf("the replaced edition is still searched: %v", summarize(hits))
	}
	if hits := ix.Search(Query{Name: "Harbour Fishing Fleet"}, Options{}); len(hits) == 0 {
		t.Error("the other list was lost")
	}
	if len(lists) != 2 || lists[0].Name != "uflpa" || lists[1].Name != "cbp-wro" {
		t.Errorf("lists %v", lists)
	}
	err := live.Replace(&Watchlist{List: List{Name: "ofac-sdn"}})
	if err == nil || !strings.Contains(err.Error(), "not in use") {
		t.Errorf("replacing a list not in use: %v", err)
	}
}
