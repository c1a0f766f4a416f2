package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	f := screening.ReviewFilter{OrgID: orgID, PartyID: q.Get("party"), ListName: q.Get("list"), Sort: screening.ReviewSort(q.Get("sort"))}
	switch f.Sort {
	case screening.SortRecent, screening.SortScore, screening.SortSupplier:
	default:
		return f, "", 0, kernel.Errorf(kernel.Invalid, "sort %q is not one of score, supplier", f.Sort)
	}
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
// of the user id. Open items (pending, or changed since their decision)
// can be decided from the page.
type reviewView struct {
	screening.ReviewItem
	ReviewerName string
	Open         bool
}

// reviewGroup is one supplier's run of hits on a page grouped by
// supplier, or a single hit when sorted by score.
type reviewGroup struct {
	PartyID, PartyName string
	Items              []reviewView
}

// statusChoices are the queue's status filters, as the page names them.
var statusChoices = []struct{ Value, Label string }{
	{"pending", "pending"}, {"confirmed", "confirmed"}, {"dismissed", "dismissed"},
	{"changed", translatable("changed since their decision")}, {"all", translatable("all")},
}

func (s *screeningHandlers) screeningPage(w http.ResponseWriter, r *http.Request) {
	s.renderQueue(w, r, http.StatusOK, nil)
}

func (s *screeningHandlers) renderQueue(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	p := principalOf(r)
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		// After a form's mistake the queue is shown as it was filtered.
		q = url.Values{"status": {r.FormValue("status")}, "list": {r.FormValue("list")}, "sort": {r.FormValue("sort")}, "party": {r.FormValue("party")}}
	}
	if q.Get("sort") == "" {
		q.Set("sort", string(screening.SortSupplier))
	}
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
	var groups []reviewGroup
	for _, it := range items {
		v := reviewView{ReviewItem: it, Open: it.Status == screening.StatusPending || it.Changed}
		if d := it.Decision; d != nil {
			v.ReviewerName = "someone no longer in the organisation"
			if n, ok := names[d.Reviewer]; ok {
				v.ReviewerName = n
			}
		}
		if k := len(groups); f.Sort == screening.SortSupplier && k > 0 && groups[k-1].PartyID == it.PartyID {
			groups[k-1].Items = append(groups[k-1].Items, v)
			continue
		}
		groups = append(groups, reviewGroup{PartyID: it.PartyID, PartyName: it.PartyName, Items: []reviewView{v}})
	}
	_, inUse := s.lists.Current()
	lists := make([]listView, len(inUse))
	for i, l := range inUse {
		lists[i] = listView{List: l, Stale: screening.Stale(l, s.clock.Now())}
		if !l.Published.IsZero() {
			lists[i].AgeDays = int(s.clock.Now().Sub(l.Published).Hours() / 24)
		}
	}
	link := func(page int, sort screening.ReviewSort) string {
		v := url.Values{"status": {state}, "sort": {string(sort)}}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if f.PartyID != "" {
			v.Set("party", f.PartyID)
		}
		if f.ListName != "" {
			v.Set("list", f.ListName)
		}
		return "/screening?" + v.Encode()
	}
	data := map[string]any{"Items": items, "Groups": groups, "Grouped": f.Sort == screening.SortSupplier,
		"Status": state, "Party": f.PartyID, "Page": n, "Lists": lists, "List": f.ListName, "Sort": string(f.Sort),
		"SortByScore": link(1, screening.SortScore), "SortBySupplier": link(1, screening.SortSupplier),
		"Pending": counts[screening.StatusPending], "Confirmed": counts[screening.StatusConfirmed],
		"Dismissed":  counts[screening.StatusDismissed],
		"Statuses":   statusChoices,
		"CanReview":  p.Can(account.PermScreeningReview),
		"CanReplace": s.editions != nil && p.Can(account.PermSettingsManage),
		"Datasets":   replaceableLists}
	if n > 1 {
		data["Prev"] = link(n-1, f.Sort)
	}
	if len(items) == reviewsPerPage {
		data["Next"] = link(n+1, f.Sort)
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
	s.done(w, r, "/screening", screenedMessage(s.localeOf(r), sum, skipped))
}

// screenedMessage says what screening every supplier found, in the
// reader's language.
func screenedMessage(loc *locale, sum screening.RecordSummary, skipped int) string {
	parties, found := loc.countOf(sum.Parties, "supplier", "suppliers"), loc.countOf(sum.New, "new hit", "new hits")
	changed, missing := loc.countOf(sum.Changed, "decided hit changed", "decided hits changed"), loc.countOf(sum.Missing, "hit no longer found", "hits no longer found")
	if skipped > 0 {
		return loc.tr("Screened %v: %v, %v, %v, %v skipped (name empty or unusable).", parties, found, changed, missing,
			loc.countOf(skipped, "supplier", "suppliers"))
	}
	return loc.tr("Screened %v: %v, %v, %v.", parties, found, changed, missing)
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
			s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": kernel.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	back := url.Values{"status": {r.FormValue("status")}}
	if back.Get("status") == "" {
		back.Del("status")
	}
	loc := s.localeOf(r)
	msg := loc.tr("Hit confirmed: %v is a true match for %v (%v).", it.PartyName, it.Entity, loc.label(it.ListName))
	if status == screening.StatusDismissed {
		msg = loc.tr("Hit dismissed: %v is not %v (%v).", it.PartyName, it.Entity, loc.label(it.ListName))
	}
	s.done(w, r, "/screening?"+back.Encode(), msg)
}

// replaceableLists are the built-in lists an administrator may replace
// with a newer edition, as the upload form names them.
var replaceableLists = []struct{ ID, Label string }{
	{screening.DatasetUFLPA, "UFLPA Entity List"},
	{screening.DatasetCBP, translatable("CBP WRO and Findings")},
}

// maxListUpload bounds an uploaded list file.
const maxListUpload = 64 << 20

// readListFile reads an uploaded list file, or reports that it is larger
// than maxListUpload; the page and the API say so each in their own way.
func readListFile(file io.Reader) (data []byte, tooLarge bool, err error) {
	data, err = io.ReadAll(io.LimitReader(file, maxListUpload+1))
	if err != nil {
		return nil, false, kernel.Wrap(kernel.Invalid, err, "reading the upload")
	}
	return data, len(data) > maxListUpload, nil
}

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
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"ListError": "the upload could not be read (at most 64 MB): " + err.Error()})
		return
	}
	dataset := r.FormValue("dataset")
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"ListError": "choose the list file to upload"})
		return
	}
	defer file.Close()
	data, tooLarge, err := readListFile(file)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if tooLarge {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"ListError": "the file is larger than 64 MB"})
		return
	}
	l, err := s.replaceList(r, dataset, hdr.Filename, data)
	if kernel.IsCode(err, kernel.Invalid) {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"ListError": kernel.ErrorMessage(err)})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	name, entries := loc.label(l.Name), loc.countOf(l.EntityCount, "entry", "entries")
	msg := loc.tr("%v replaced by %v: %v. Screen all suppliers again to check them against it.", name, hdr.Filename, entries)
	if !l.Published.IsZero() {
		msg = loc.tr("%v replaced by %v: %v, edition of %v. Screen all suppliers again to check them against it.", name, hdr.Filename, entries,
			l.Published.Format(time.DateOnly))
	}
	s.done(w, r, "/screening", msg)
}

// screeningBulk confirms or dismisses the ticked hits of the queue page
// with one reason, each decision audited as if made one by one. A
// dismissal without a reason changes nothing and says so.
func (s *screeningHandlers) screeningBulk(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "the form could not be read"))
		return
	}
	p := principalOf(r)
	status := screening.ReviewStatus(r.PostForm.Get("decision"))
	ids := r.PostForm["hit"]
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	var problem string
	switch {
	case status != screening.StatusConfirmed && status != screening.StatusDismissed:
		problem = "choose Confirm or Dismiss"
	case len(ids) == 0:
		problem = "tick the hits to decide: nothing was changed"
	case len(ids) > reviewsPerPage:
		problem = fmt.Sprintf("decide at most %d hits at once: nothing was changed", reviewsPerPage)
	case status == screening.StatusDismissed && reason == "":
		problem = "say why the ticked hits are not matches: nothing was changed"
	}
	if problem != "" {
		s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": problem})
		return
	}
	loc := s.localeOf(r)
	var names []string
	for i, id := range ids {
		it, err := s.reviews.Decide(r.Context(), p.User.OrgID, id, status, reason, p.User.ID)
		if err != nil {
			if i > 0 && kernel.ErrorCode(err) == kernel.Invalid {
				s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": fmt.Sprintf("%s decided; then: %s", fmtCountOf(i, "hit was", "hits were"), kernel.ErrorMessage(err))})
				return
			}
			if kernel.ErrorCode(err) == kernel.Invalid {
				s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": kernel.ErrorMessage(err)})
				return
			}
			s.fail(w, r, err)
			return
		}
		names = append(names, loc.tr("%v as %v", it.PartyName, it.Entity))
	}
	decided := strings.Join(names, "; ")
	msg := loc.tr("%v confirmed as true matches: %v.", loc.countOf(len(ids), "hit", "hits"), decided)
	if status == screening.StatusDismissed {
		msg = loc.tr("%v dismissed: %v.", loc.countOf(len(ids), "hit", "hits"), decided)
	}
	if strings.HasSuffix(decided, ".") { // "Co., Ltd.", not "Co., Ltd.."
		msg = strings.TrimSuffix(msg, ".")
	}
	back := url.Values{}
	for _, k := range []string{"status", "list", "sort", "party"} {
		if v := r.PostForm.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	s.done(w, r, "/screening?"+back.Encode(), msg)
}
