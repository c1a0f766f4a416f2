package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
)

// ScreeningDeps are what the screening pages and API need: the index over
// the watchlists in use, those lists, the review queue and the stored
// parties that "screen all suppliers" reads.
type ScreeningDeps struct {
	Index   *screening.Index
	Lists   []screening.List
	Reviews *screening.ReviewService
	Parties screening.PartySource
}

// screeningRoutes: anyone who reads suppliers may screen names and see the
// queue; confirming, dismissing and filing hits need the review permission.
func (s *Server) screeningRoutes() []route {
	return []route{
		{"GET /screening", signedIn, account.PermSuppliersRead, s.screeningPage},
		{"POST /screening/run", signedIn, account.PermScreeningReview, s.screeningRun},
		{"POST /screening/{id}/decide", signedIn, account.PermScreeningReview, s.screeningDecide},

		{"POST /api/v1/screen", signedIn, account.PermSuppliersRead, s.apiScreen},
		{"GET /api/v1/screening/reviews", signedIn, account.PermSuppliersRead, s.apiReviews},
		{"GET /api/v1/screening/reviews/{id}", signedIn, account.PermSuppliersRead, s.apiReview},
		{"POST /api/v1/screening/reviews/{id}/decision", signedIn, account.PermScreeningReview, s.apiReviewDecide},
		{"POST /api/v1/screening/run", signedIn, account.PermScreeningReview, s.apiScreeningRun},
	}
}

// screeningOff answers when the server runs without screening.
func (s *Server) screeningOff(w http.ResponseWriter, r *http.Request, needQueue bool) bool {
	if s.Screening == nil || s.Screening.Index == nil || needQueue && s.Screening.Reviews == nil {
		s.fail(w, r, kernel.Errorf(kernel.Unavailable, "watchlist screening is not available on this server"))
		return true
	}
	return false
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
	Stale bool
}

// reviewView is a queue item with the reviewer's e-mail address in place
// of the user id.
type reviewView struct {
	screening.ReviewItem
	ReviewerName string
}

func (s *Server) screeningPage(w http.ResponseWriter, r *http.Request) {
	s.renderQueue(w, r, http.StatusOK, nil)
}

func (s *Server) renderQueue(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	if s.screeningOff(w, r, true) {
		return
	}
	p := principalOf(r)
	q := r.URL.Query()
	f, state, n, err := reviewFilter(q, p.User.OrgID, reviewsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.Screening.Reviews.Store.ListReviewItems(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.Screening.Reviews.Store.CountReviewItems(r.Context(), p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, _, err := s.userNames(r.Context(), p.User.OrgID)
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
	lists := make([]listView, len(s.Screening.Lists))
	for i, l := range s.Screening.Lists {
		lists[i] = listView{List: l, Stale: screening.Stale(l, s.clock.Now())}
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
		"Dismissed": counts[screening.StatusDismissed],
		"Statuses":  []string{"pending", "confirmed", "dismissed", "changed", "all"},
		"CanReview": p.Can(account.PermScreeningReview), "Done": q.Get("done")}
	if q.Get("ran") != "" {
		data["Ran"] = map[string]string{"Parties": q.Get("parties"), "New": q.Get("new"), "Changed": q.Get("changed"),
			"Missing": q.Get("missing"), "Skipped": q.Get("skipped")}
	}
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
func (s *Server) screeningRun(w http.ResponseWriter, r *http.Request) {
	if s.screeningOff(w, r, true) {
		return
	}
	sum, skipped, err := s.screenAll(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := url.Values{"ran": {"1"}, "parties": {strconv.Itoa(sum.Parties)}, "new": {strconv.Itoa(sum.New)},
		"changed": {strconv.Itoa(sum.Changed)}, "missing": {strconv.Itoa(sum.Missing)}, "skipped": {strconv.Itoa(skipped)}}
	http.Redirect(w, r, "/screening?"+v.Encode(), http.StatusSeeOther)
}

// screenAllTimeout bounds one "screen all suppliers" request.
const screenAllTimeout = 10 * time.Minute

func (s *Server) screenAll(r *http.Request) (screening.RecordSummary, int, error) {
	if s.Screening.Parties == nil {
		return screening.RecordSummary{}, 0, kernel.Errorf(kernel.Unavailable, "the supplier register is not available on this server")
	}
	p := principalOf(r)
	ctx, cancel := context.WithTimeout(r.Context(), screenAllTimeout)
	defer cancel()
	return s.Screening.Reviews.ScreenParties(ctx, p.User.OrgID, p.User.ID, s.Screening.Index, s.Screening.Lists,
		s.Screening.Parties, screening.Options{})
}

// screeningDecide confirms or dismisses a hit from the queue page; a
// mistake (a dismissal without reason) shows the queue again with the
// message.
func (s *Server) screeningDecide(w http.ResponseWriter, r *http.Request) {
	if s.screeningOff(w, r, true) {
		return
	}
	p := principalOf(r)
	status := screening.ReviewStatus(r.FormValue("decision"))
	_, err := s.Screening.Reviews.Decide(r.Context(), p.User.OrgID, r.PathValue("id"), status, r.FormValue("reason"), p.User.ID)
	if err != nil {
		if kernel.ErrorCode(err) == kernel.Invalid {
			s.renderQueue(w, r, http.StatusBadRequest, map[string]any{"Error": kernel.ErrorMessage(err), "ErrorItem": r.PathValue("id")})
			return
		}
		s.fail(w, r, err)
		return
	}
	back := url.Values{"status": {r.FormValue("status")}, "done": {string(status)}}
	if back.Get("status") == "" {
		back.Del("status")
	}
	http.Redirect(w, r, "/screening?"+back.Encode(), http.StatusSeeOther)
}
