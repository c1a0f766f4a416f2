package screening

import (
	"sync"
	"sync/atomic"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// LiveLists are the watchlists a server screens against and the index over
// them. A newer edition of one list replaces it while searches go on:
// readers take the current index and lists together; a replacement builds
// a new index beside the old one and swaps the pair, so a search never
// sees half of a change.
type LiveLists struct {
	mu  sync.Mutex // serialises replacements
	cur atomic.Pointer[liveState]
}

type liveState struct {
	wls   []*Watchlist
	index *Index
	lists []List
}

// NewLiveLists indexes the given lists.
func NewLiveLists(wls []*Watchlist) *LiveLists {
	l := &LiveLists{}
	l.cur.Store(newLiveState(wls))
	return l
}

func newLiveState(wls []*Watchlist) *liveState {
	st := &liveState{wls: wls, index: NewIndex(wls...), lists: make([]List, len(wls))}
	for i, wl := range wls {
		st.lists[i] = wl.List
	}
	return st
}

// Current returns the index and the lists in use.
func (l *LiveLists) Current() (*Index, []List) {
	st := l.cur.Load()
	return st.index, st.lists
}

// Replace puts wl in place of the list of the same name and re-indexes.
// A list of a name not in use is refused: replacing adds no list.
func (l *LiveLists) Replace(wl *Watchlist) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.cur.Load()
	wls := make([]*Watchlist, len(old.wls))
	copy(wls, old.wls)
	found := false
	for i, w := range wls {
		if w.List.Name == wl.List.Name {
			wls[i], found = wl, true
		}
	}
	if !found {
		return kernel.Errorf(kernel.Invalid, "the list %s is not in use here, so it cannot be replaced", wl.List.Name)
	}
	l.cur.Store(newLiveState(wls))
	return nil
}
