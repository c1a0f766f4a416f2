package screening

import (
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestLoadReplacement(t *testing.T) {
	at := time.Date(2026, 11, 25, 15, 4, 0, 0, time.UTC)
	tests := []struct {
		name, dataset string
		data          []byte
		wantList      string
		wantErr       bool
	}{
		{"UFLPA CSV", DatasetUFLPA, uflpaCSV, "uflpa", false},
		{"CBP CSV", DatasetCBP, cbpCSV, "cbp-wro", false},
		{"CBP file as UFLPA", DatasetUFLPA, cbpCSV, "", true},
		{"UFLPA file as CBP", DatasetCBP, uflpaCSV, "", true},
		{"unknown dataset", "watchlist-ofac", uflpaCSV, "", true},
		{"empty file", DatasetCBP, nil, "", true},
		{"header only", DatasetUFLPA, []byte("name,aliases,uflpa_section,date_added\n"), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wl, err := LoadReplacement(tc.dataset, "new.csv", tc.data, at)
			if tc.wantErr {
				if err == nil || kernel.ErrorCode(err) != kernel.Invalid {
					t.Fatalf("want an Invalid error, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if wl.List.Name != tc.wantList || len(wl.Entities) == 0 || wl.List.Published.IsZero() || wl.List.SHA256 == "" {
				t.Fatalf("list %+v with %d entities", wl.List, len(wl.Entities))
			}
		})
	}
	repl, err := LoadReplacement(DatasetCBP, "cbp-new.csv", cbpCSV, at)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := DefaultLists(map[string]*Watchlist{DatasetCBP: repl})
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) != 2 || lists[0].List.Name != "uflpa" || lists[1] != repl {
		t.Fatalf("default lists with a replacement: %v, %v", lists[0].List, lists[1].List)
	}
}
