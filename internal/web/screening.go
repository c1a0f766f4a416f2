package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
)

// ScreeningDeps are what the screening pages and API need: the watchlists
// in use with their index, the review queue and the stored parties that
// "screen all suppliers" reads. Editions, when set, stores a newer edition
// of a built-in list an administrator uploads (it then replaces the list
// in Lists at once and again at every start).
type ScreeningDeps struct {
	Lists    *screening.LiveLists
	Editions ListEditions
	Reviews  *screening.ReviewService
	Parties  screening.PartySource
}

// ListEditions stores the file of a newer edition of a built-in list, as
// `upstream refdata replace` does.
type ListEditions interface {
	Put(ctx context.Context, dataset, origin string, content []byte, at time.Time) error
}

// reviewFilter reads the queue filters shared by the page and the API:
// status (pending, the default, confirmed, dismissed, changed or all),
// party and page.
func reviewFilter(q url.Values, orgID string, perPage int) (screening.ReviewFilter, string, int, error) {
	f := screening.ReviewFilter{OrgID: orgID, PartyID: q.Get("party")}
	status := q.Get("status")
	switch status {
	case "":
		status = string(screening.StatusPending)
		f.Status = screening.StatusPending
	case "all":
	case "changed":
		f.Changed = true
	default:
		f.Status = screening.ReviewStatus(status)
		if !f.Status.Valid() {
			return f, "", 0, kernel.Errorf(kernel.Invalid, "status %q is not one of pending, confirmed, dismissed, changed, all", status)
		}
	}
	page, n, err := pageOf(q, perPage)
	f.Page = page
	return f, status, n, err
}

const reviewsPerPage = 50

// listView is a watchlist as the queue page describes it.
type listView struct {
	screening.List
	Stale   bool
	AgeDays int // days since publication; meaningful when Published is set
}

// reviewView is a queue item with the reviewer's e-mail address in place
// of the user id.
type reviewView struct {
	screening.ReviewItem
	ReviewerName string
}

func (s *screeningHandlers) screeningPage(w http.ResponseWriter, r *http.Request) {
	s.renderQueue(w, r, http.StatusOK, nil)
}

func (s *screeningHandlers) renderQueue(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	p := principalOf(r)
	q := r.URL.Query()
	f, state, n, err := reviewFilter(q, p.User.OrgID, reviewsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.reviews.Store.ListReviewItems(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.reviews.Store.CountReviewItems(r.Context(), p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, _, err := userNames(r.Context(), s.users, p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]reviewView, len(items))
	for i, it := range items {
		views[i] = reviewView{ReviewItem: it}
		if d := it.Decision; d != nil {
			views[i].ReviewerName = d.Reviewer
			if n, ok := names[d.Reviewer]; ok {
				views[i].ReviewerName = n
			}
		}
	}
	_, inUse := s.lists.Current()
	lists := make([]listView, len(inUse))
	for i, l := range inUse {
		lists[i] = listView{List: l, Stale: screening.Stale(l, s.clock.Now())}
		if !l.Published.IsZero() {
			lists[i].AgeDays = int(s.clock.Now().Sub(l.Published).Hours() / 24)
		}
	}
	link := func(page int) string {
		v := url.Values{"status": {state}, "page": {strconv.Itoa(page)}}
		if f.PartyID != "" {
			v.Set("party", f.PartyID)
		}
		return "/screening?" + v.Encode()
	}
	data := map[string]any{"Items": views, "Status": state, "Party": f.PartyID, "Page": n, "Lists": lists,
		"Pending": counts[screening.StatusPending], "Confirmed": counts[screening.StatusConfirmed],
		"Dismissed":  counts[screening.StatusDismissed],
		"Statuses":   []string{"pending", "confirmed", "dismissed", "changed", "all"},
		"CanReview":  p.Can(account.PermScreeningReview),
		"CanReplace": s.editions != nil && p.Can(account.PermSettingsManage),
		"Datasets":   replaceableLists}
	if n > 1 {
		data["Prev"] = link(n - 1)
	}
	if len(items) == reviewsPerPage {
		data["Next"] = link(n + 1)
	}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "screening.html", data)
}

// screeningRun screens every stored party of the caller's organisation and
// shows the queue with what changed.
func (s *screeningHandlers) screeningRun(w http.ResponseWriter, r *http.Request) {
	sum, skipped, err := s.screenAll(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/screening", screenedMessage(sum, skipped))
}

// screenedMessage says what screening every supplier found.
func screenedMessage(sum screening.RecordSummary, skipped int) string {
	msg := fmt.Sprintf("Screened %s: %s, %s, %s", fmtCountOf(sum.Parties, "supplier", "suppliers"),
		fmtCountOf(sum.New, "new hit", "new hits"), fmtCountOf(sum.Changed, "decided hit changed", "decided hits changed"),
		fmtCountOf(sum.Missing, "hit no longer found", "hits no longer found"))
	if skipped > 0 {
		msg += fmt.Sprintf(", %s skipped (name empty or unusable)", fmtCountOf(skipped, "supplier", "suppliers"))
	}
	return msg + "."
}

// screenAllTimeout bounds one "screen all suppliers" request.
const screenAllTimeout = 10 * time.Minute

func (s *screeningHandlers) screenAll(r *http.Request) (screening.RecordSummary, int, error) {
	if s.parties == nil {
		return screening.RecordSummary{}, 0, kernel.Errorf(kernel.Unavailable, "the supplier register is not available on this server")
	}
	p := principalOf(r)
	ctx, cancel := context.WithTimeout(r.Context(), screenAllTimeout)
	defer cancel()
	index, lists := s.lists.Current()
	return s.reviews.ScreenParties(ctx, p.User.OrgID, p.User.ID, index, lists,
		s.parties, screening.Options{})
}

// screeningDecide confirms or dismisses a hit from the queue page; a
// mistake (a dismissal without reason) shows the queue again with the
// message.
func (s *screeningHandlers) screeningDecide(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	status := screening.ReviewStatus(r.FormValue("decision"))
	it, err := s.reviews.Decide(r.Context(), p.User.OrgID, r.PathValue("id"), status, r.FormValue("reason"), p.User.ID)
	if err != nil {
		if kernel.ErrorCode(err) == kernel.Invalid {
			s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": kernel.ErrorMessage(err), "ErrorItem": r.PathValue("id")})
			return
		}
		s.fail(w, r, err)
		return
	}
	back := url.Values{"status": {r.FormValue("status")}}
	if back.Get("status") == "" {
		back.Del("status")
	}
	msg := "Hit confirmed: " + it.PartyName + " is a true match for " + it.Entity + " (" + it.ListName + ")."
	if status == screening.StatusDismissed {
		msg = "Hit dismissed: " + it.PartyName + " is not " + it.Entity + " (" + it.ListName + ")."
	}
	s.done(w, r, "/screening?"+back.Encode(), msg)
}

// replaceableLists are the built-in lists an administrator may replace
// with a newer edition, as the upload form names them.
var replaceableLists = []struct{ ID, Label string }{
	{screening.DatasetUFLPA, "UFLPA Entity List"},
	{screening.DatasetCBP, "CBP WRO and Findings"},
}

// maxListUpload bounds an uploaded list file.
const maxListUpload = 64 << 20

// screeningReplaceList takes a newer edition of a built-in list from an
// administrator: the file is loaded completely by the list's own loader
// and refused with the reason if it does not load; otherwise it is stored
// (so it is used again after a restart) and replaces the list in use at
// once. The page then says what was loaded.
func (s *screeningHandlers) screeningReplaceList(w http.ResponseWriter, r *http.Request) {
	if s.editions == nil {
		s.fail(w, r, kernel.Errorf(kernel.Unavailable, "this server screens against list files named at start (UPSTREAM_WATCHLISTS); replace them there"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxListUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": "the upload could not be read (at most 64 MB): " + err.Error()})
		return
	}
	dataset := r.FormValue("dataset")
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": "choose the list file to upload"})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxListUpload+1))
	if err != nil {
		s.fail(w, r, kernel.Wrap(kernel.Invalid, err, "reading the upload"))
		return
	}
	if len(data) > maxListUpload {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": "the file is larger than 64 MB"})
		return
	}
	now := s.clock.Now()
	wl, err := screening.LoadReplacement(dataset, hdr.Filename, data, now)
	if err != nil {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": "the list was not replaced: " + kernel.ErrorMessage(err)})
		return
	}
	if err := s.editions.Put(r.Context(), dataset, hdr.Filename, data, now); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.lists.Replace(wl); err != nil {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": "the edition was stored but is not in use on this server: " + kernel.ErrorMessage(err)})
		return
	}
	entries := "entries"
	if wl.List.EntityCount == 1 {
		entries = "entry"
	}
	msg := fmt.Sprintf("%s replaced by %s: %s %s", wl.List.Name, hdr.Filename, fmtCount(wl.List.EntityCount), entries)
	if !wl.List.Published.IsZero() {
		msg += ", edition of " + wl.List.Published.Format("2006-01-02")
	}
	s.done(w, r, "/screening", msg+". Screen all suppliers again to check them against it.")
}
