package web

import (
	"math"
	"net/http"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
)

// maxScreenBatch caps the names of one POST /api/v1/screen request; larger
// jobs belong to `upstream screen` or "screen all suppliers".
const maxScreenBatch = 1000

type screenQuery struct {
	ID          string   `json:"id,omitempty"`
	Name        string   `json:"name"`
	Country     string   `json:"country,omitempty"`
	Identifiers []string `json:"identifiers,omitempty"`
}

// screenRequest is either one name (name, country, identifiers) or a batch
// (queries), with optional threshold (0..1) and limit of hits per name.
type screenRequest struct {
	ID          string        `json:"id,omitempty"`
	Name        string        `json:"name,omitempty"`
	Country     string        `json:"country,omitempty"`
	Identifiers []string      `json:"identifiers,omitempty"`
	Queries     []screenQuery `json:"queries,omitempty"`
	Threshold   *float64      `json:"threshold,omitempty"` // absent: the default; 0 reports every candidate
	Limit       int           `json:"limit,omitempty"`
}

type hitJSON struct {
	EntityID    string   `json:"entity_id"`
	EntityName  string   `json:"entity_name"`
	MatchedName string   `json:"matched_name"`
	List        string   `json:"list"`
	Kind        string   `json:"kind,omitempty"`
	Countries   []string `json:"countries,omitempty"`
	Score       float64  `json:"score"`
	Reasons     []string `json:"reasons"`
}

type resultJSON struct {
	Query screenQuery `json:"query"`
	Hits  []hitJSON   `json:"hits"`
}

func hitsJSON(hits []screening.Hit) []hitJSON {
	out := make([]hitJSON, len(hits))
	for i, h := range hits {
		out[i] = hitJSON{EntityID: h.Entity.ID, EntityName: h.Entity.Name, MatchedName: h.MatchedName, List: h.Entity.ListName,
			Kind: string(h.Entity.Kind), Countries: h.Entity.Countries, Score: math.Round(h.Score*1000) / 1000, Reasons: h.Reasons}
		if out[i].Reasons == nil {
			out[i].Reasons = []string{}
		}
	}
	return out
}

func toQuery(q screenQuery) screening.Query {
	return screening.Query{ID: q.ID, Name: q.Name, Country: q.Country, Identifiers: q.Identifiers}
}

// apiScreen screens one name, or a batch of up to 1,000, against the lists
// in use and returns the hits with their reasons.
func (s *screeningHandlers) apiScreen(w http.ResponseWriter, r *http.Request) {
	var req screenRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if t := req.Threshold; t != nil && (*t < 0 || *t > 1 || math.IsNaN(*t)) {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "threshold must be between 0 and 1"))
		return
	}
	if req.Limit < 0 || req.Limit > 100 {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "limit must be between 1 and 100 (0 means 10)"))
		return
	}
	opts := screening.Options{Threshold: req.Threshold, Limit: req.Limit}
	single := req.Name != "" || req.Country != "" || req.ID != "" || len(req.Identifiers) > 0
	switch {
	case single && req.Queries != nil:
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "give either name (one query) or queries (a batch), not both"))
	case single:
		q := screenQuery{ID: req.ID, Name: req.Name, Country: req.Country, Identifiers: req.Identifiers}
		index, _ := s.lists.Current()
		hits, err := index.Screen(toQuery(q), opts)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, resultJSON{Query: q, Hits: hitsJSON(hits)})
	case len(req.Queries) == 0:
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "give a name to screen, or queries: a list of {name, country}"))
	case len(req.Queries) > maxScreenBatch:
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "at most %d queries per request; use `upstream screen` for larger files", maxScreenBatch))
	default:
		qs := make([]screening.Query, len(req.Queries))
		for i, q := range req.Queries {
			if err := screening.ValidateQuery(toQuery(q)); err != nil {
				s.fail(w, r, kernel.Wrap(kernel.Invalid, err, "queries[%d]: %s", i, kernel.ErrorMessage(err)))
				return
			}
			qs[i] = toQuery(q)
		}
		index, _ := s.lists.Current()
		results := index.SearchBatch(qs, opts)
		out := make([]resultJSON, len(results))
		for i, res := range results {
			out[i] = resultJSON{Query: req.Queries[i], Hits: hitsJSON(res.Hits)}
		}
		writeJSON(w, http.StatusOK, screenBatchJSON{Results: out})
	}
}

type decisionJSON struct {
	Status   string    `json:"status"`
	Reason   string    `json:"reason"`
	Reviewer string    `json:"reviewer"`
	At       time.Time `json:"at"`
}

type reviewJSON struct {
	ID        string        `json:"id"`
	PartyID   string        `json:"party_id"`
	PartyName string        `json:"party_name"`
	List      string        `json:"list"`
	ListSHA   string        `json:"list_sha256"`
	EntityID  string        `json:"entity_id"`
	Entity    string        `json:"entity_name"`
	Matched   string        `json:"matched_name"`
	Score     float64       `json:"score"`
	Reasons   []string      `json:"reasons"`
	Status    string        `json:"status"`
	Decision  *decisionJSON `json:"decision"`
	Changed   bool          `json:"changed"`
	Missing   bool          `json:"missing"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

func reviewOf(it screening.ReviewItem) reviewJSON {
	v := reviewJSON{ID: it.ID, PartyID: it.PartyID, PartyName: it.PartyName, List: it.ListName, ListSHA: it.ListSHA,
		EntityID: it.EntityID, Entity: it.Entity, Matched: it.Matched, Score: it.Score, Reasons: it.Reasons,
		Status: string(it.Status), Changed: it.Changed, Missing: it.Missing, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	if v.Reasons == nil {
		v.Reasons = []string{}
	}
	if d := it.Decision; d != nil {
		v.Decision = &decisionJSON{Status: string(d.Status), Reason: d.Reason, Reviewer: d.Reviewer, At: d.At}
	}
	return v
}

func (s *screeningHandlers) apiReviews(w http.ResponseWriter, r *http.Request) {
	lp, problems := readListPage(r, reviewsPerPage)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	f, status, n, err := reviewFilter(r.URL.Query(), principalOf(r).User.OrgID, lp.Limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if lp.After == nil {
		lp.Offset = f.Page.Offset
	}
	f.Page = lp.store()
	items, err := s.reviews.Store.ListReviewItems(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, more := cutPage(items, lp)
	out := make([]reviewJSON, len(items))
	var last []string
	for i, it := range items {
		out[i] = reviewOf(it)
		last = screening.ReviewKey(it, f.Sort)
	}
	links := nextPageLinks(w, r, lp, more, last)
	writeJSON(w, http.StatusOK, reviewListJSON{Status: status, Page: n, Items: out, pageLinksJSON: links})
}

func (s *screeningHandlers) apiReview(w http.ResponseWriter, r *http.Request) {
	it, err := s.reviews.Store.ReviewItem(r.Context(), principalOf(r).User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reviewOf(it))
}

func (s *screeningHandlers) apiReviewDecide(w http.ResponseWriter, r *http.Request) {
	var req reviewDecisionInput
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalOf(r)
	it, err := s.reviews.Decide(r.Context(), p.User.OrgID, r.PathValue("id"), screening.ReviewStatus(req.Status), req.Reason, p.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reviewOf(it))
}

func (s *screeningHandlers) apiScreeningRun(w http.ResponseWriter, r *http.Request) {
	sum, skipped, err := s.screenAll(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, screeningRunJSON{Parties: sum.Parties, Hits: sum.Hits, New: sum.New,
		Changed: sum.Changed, Missing: sum.Missing, Skipped: skipped})
}
