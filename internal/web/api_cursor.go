package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Cursor pagination, shared by every API list. A cursor is opaque to
// clients: it holds the sort key of the last item of a page (so the next
// page starts after that item however many rows were added or removed
// before it, unlike an offset) and a fingerprint of the list and its
// filters (so it cannot be replayed against another list or other filters,
// which would silently skip rows). It grants nothing: the next page is read
// with the caller's permissions like the first.

// pageLinksJSON is what every list answer says about the next page.
// Both are absent on the last page.
type pageLinksJSON struct {
	// Next is the path and query of the next page, also sent as a Link
	// header with rel="next".
	Next string `json:"next,omitempty"`
	// NextCursor is the cursor parameter of the next page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// listPage is a request for one page of an API list.
type listPage struct {
	Limit int
	// After is the sort key of the last item of the previous page; nil
	// for the first page.
	After []string
	// Offset is a legacy offset (page, offset) when no cursor is given.
	Offset int
	scope  string
}

// defaultListLimit and maxListLimit bound limit on every list.
const (
	defaultListLimit = 50
	maxListLimit     = kernel.MaxPageLimit
)

// listQueryReserved are the parameters that page a list rather than
// choose what is in it: they do not bind a cursor.
var listQueryReserved = map[string]bool{"cursor": true, "limit": true, "page": true, "per_page": true, "offset": true}

// cursorScope fingerprints the list a request reads: its path and every
// filter and sort parameter.
func cursorScope(r *http.Request) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		if !listQueryReserved[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	h.Write([]byte(r.URL.Path))
	for _, k := range keys {
		for _, v := range q[k] {
			h.Write([]byte{0})
			h.Write([]byte(k + "=" + v))
		}
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
}

type cursorToken struct {
	V int      `json:"v"`
	S string   `json:"s"`
	K []string `json:"k"`
}

// readListPage reads limit (1 to maxListLimit, defaultLimit when absent)
// and cursor. limitNames are the names limit goes by on this list ("limit"
// always; "per_page" too on the register).
func readListPage(r *http.Request, defaultLimit int, limitNames ...string) (listPage, []paramProblem) {
	q := r.URL.Query()
	lp := listPage{Limit: defaultLimit, scope: cursorScope(r)}
	var problems []paramProblem
	for _, name := range append([]string{"limit"}, limitNames...) {
		v := q.Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			problems = append(problems, paramProblem{name, fmt.Sprintf("%s %s is not a number from 1 to %d", name, strconv.Quote(v), maxListLimit)})
			continue
		}
		lp.Limit = n
	}
	if c := q.Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		var tok cursorToken
		if err == nil {
			err = json.Unmarshal(raw, &tok)
		}
		switch {
		case err != nil || tok.V != 1 || len(tok.K) == 0:
			problems = append(problems, paramProblem{"cursor", "cursor is not one this server gave: use the next link of the previous page, or leave cursor out for the first page"})
		case tok.S != lp.scope:
			problems = append(problems, paramProblem{"cursor", "cursor belongs to another list or other filters: keep the filters and sort of the first page, or leave cursor out to start again"})
		default:
			lp.After = tok.K
		}
	}
	return lp, problems
}

// nextPageLinks finishes a page: given the items read (up to Limit+1) and the
// key of the last item kept, it says whether there is a next page, sets
// its Link header, and returns the links for the answer body.
func nextPageLinks(w http.ResponseWriter, r *http.Request, lp listPage, more bool, lastKey []string) pageLinksJSON {
	if !more || len(lastKey) == 0 {
		return pageLinksJSON{}
	}
	raw, _ := json.Marshal(cursorToken{V: 1, S: lp.scope, K: lastKey})
	cursor := base64.RawURLEncoding.EncodeToString(raw)
	q := r.URL.Query()
	for k := range listQueryReserved {
		q.Del(k)
	}
	q.Set("limit", strconv.Itoa(lp.Limit))
	q.Set("cursor", cursor)
	next := r.URL.Path + "?" + q.Encode()
	w.Header().Add("Link", "<"+next+`>; rel="next"`)
	return pageLinksJSON{Next: next, NextCursor: cursor}
}

// cutPage cuts items (read with one extra) to lp.Limit, and says whether
// there were more.
func cutPage[T any](items []T, lp listPage) ([]T, bool) {
	if len(items) > lp.Limit {
		return items[:lp.Limit], true
	}
	return items, false
}

// pageInMemory pages a whole list held in memory: it orders the items by
// key (compared value by value as text, which the keys are chosen to
// suit; newest first when desc), keeps those after lp.After, and cuts to
// lp.Limit. For the short lists of an organisation (users, endpoints,
// programmes) that the stores give whole.
func pageInMemory[T any](w http.ResponseWriter, r *http.Request, items []T, lp listPage, desc bool, key func(T) []string) ([]T, pageLinksJSON) {
	cmp := func(a, b []string) int {
		if desc {
			return compareKeys(b, a)
		}
		return compareKeys(a, b)
	}
	keys := make([][]string, len(items))
	idx := make([]int, len(items))
	for i, it := range items {
		keys[i], idx[i] = key(it), i
	}
	sort.SliceStable(idx, func(a, b int) bool { return cmp(keys[idx[a]], keys[idx[b]]) < 0 })
	out := make([]T, 0, min(lp.Limit, len(items)))
	var last []string
	more := false
	for _, i := range idx {
		if lp.After != nil && cmp(keys[i], lp.After) <= 0 {
			continue
		}
		if len(out) == lp.Limit {
			more = true
			break
		}
		out = append(out, items[i])
		last = keys[i]
	}
	return out, nextPageLinks(w, r, lp, more, last)
}

// sortableTime writes t so that text order is time order.
func sortableTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

func compareKeys(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// cursorParams are the paging parameters every list documents.
func cursorParams(defaultLimit int) []apiParam {
	return []apiParam{
		{name: "limit", description: fmt.Sprintf("Items per page, 1 to %d (%d when absent).", maxListLimit, defaultLimit),
			schema: map[string]any{"type": "integer", "minimum": 1, "maximum": maxListLimit}},
		{name: "cursor", description: "Where the page starts: the next_cursor of the previous page (or follow its next link, which keeps the filters). " +
			"Leave it out for the first page. A cursor is bound to the list and its filters and sort."},
	}
}

// store returns the Page a store reads for lp: one item more than
// asked, to know whether a next page exists.
func (lp listPage) store() kernel.Page {
	return kernel.Page{Limit: lp.Limit + 1, Offset: lp.Offset, After: lp.After}
}
