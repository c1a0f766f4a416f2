package web

import (
	"net/http"
	"time"

	"github.com/upstream-platform/upstream/internal/screening"
)

// screeningListJSON is one watchlist in use: which edition, from where,
// how large, and whether it is out of date.
type screeningListJSON struct {
	Name     string `json:"name"`
	Source   string `json:"source"`
	Entities int    `json:"entities"`
	SHA256   string `json:"sha256"`
	// Published is the edition's publication date; null when the file
	// states none.
	Published *time.Time `json:"published"`
	// Stale says the edition is older than screening expects of it.
	Stale bool `json:"stale"`
}

type screeningListsJSON struct {
	Lists []screeningListJSON `json:"lists"`
	pageLinksJSON
}

// apiScreeningLists lists the watchlists screening uses now, by name.
func (s *screeningHandlers) apiScreeningLists(w http.ResponseWriter, r *http.Request) {
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	_, inUse := s.lists.Current()
	page, links := pageInMemory(w, r, inUse, lp, false, func(l screening.List) []string { return []string{l.Name, l.SHA256} })
	out := make([]screeningListJSON, len(page))
	for i, l := range page {
		out[i] = screeningListJSON{Name: l.Name, Source: l.Source, Entities: l.EntityCount, SHA256: l.SHA256, Stale: screening.Stale(l, s.clock.Now())}
		if !l.Published.IsZero() {
			p := l.Published
			out[i].Published = &p
		}
	}
	writeJSON(w, http.StatusOK, screeningListsJSON{Lists: out, pageLinksJSON: links})
}
