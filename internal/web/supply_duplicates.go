package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// DuplicateReview is the possible-duplicates queue and the merges made by
// imports and analysts. Merging and undoing recompute the organisation's
// risk before they return. The command line wires the SQL store and the
// assessment service behind it.
type DuplicateReview interface {
	OpenPairs(ctx context.Context, orgID string, page kernel.Page) ([]supplychain.DuplicatePair, int, error)
	Merges(ctx context.Context, orgID string, page kernel.Page) ([]supplychain.Merge, int, error)
	MergePair(ctx context.Context, orgID, a, b, actor string) (supplychain.Merge, error)
	KeepApart(ctx context.Context, orgID, a, b, actor string) (supplychain.DuplicatePair, error)
	UndoMerge(ctx context.Context, orgID, id, actor string) (supplychain.Merge, error)
}

// OSHSuggestions gives the Open Supply Hub look-ups that wait for an
// analyst. When the DuplicateReview also implements it the duplicates
// page lists them.
type OSHSuggestions interface {
	OSHReviews(ctx context.Context, orgID string, limit int) ([]supplychain.OSHLookup, error)
	// DecideOSHSuggestion accepts (the facility gets the candidate's OS
	// ID) or rejects a suggestion; kernel.Conflict when it was decided
	// already, kernel.NotFound when there is none.
	DecideOSHSuggestion(ctx context.Context, orgID, partyID string, accept bool, actor string) (supplychain.OSHLookup, error)
}

type oshView struct {
	PartyID                     string // for the forms only
	Name, Href, Candidate, OSID string
	Percent                     int
	Why                         []string
}

// pairsPerPage and mergesShown bound the duplicates page.
const (
	pairsPerPage = 25
	mergesShown  = 50
)

// facilitySide is one facility of a pair as the page shows it.
type facilitySide struct {
	Name, Address, Country, Href, Where string
}

type pairView struct {
	AID, BID string // for the forms only
	A, B     facilitySide
	Percent  int
	Why      []string
}

type mergeView struct {
	ID                 string // for the undo form only
	FromName, IntoName string
	IntoHref           string
	When, How, State   string
	Why                []string
	CanUndo            bool
}

// duplicatesPage lists the possible duplicates side by side, with the
// score in words and a merge and a keep-apart button each, and the
// latest merges with an undo button.
func (h *supplyHandlers) duplicatesPage(w http.ResponseWriter, r *http.Request) {
	h.renderDuplicates(w, r, http.StatusOK, nil)
}

func (h *supplyHandlers) renderDuplicates(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	if h.duplicates == nil {
		h.fail(w, r, kernel.Errorf(kernel.Unavailable, "the possible-duplicates queue is not available on this server"))
		return
	}
	p := principalOf(r)
	org := p.User.OrgID
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	pairs, total, err := h.duplicates.OpenPairs(r.Context(), org, kernel.Page{Limit: pairsPerPage, Offset: (page - 1) * pairsPerPage})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	views := make([]pairView, 0, len(pairs))
	for _, pr := range pairs {
		a, err := h.side(r.Context(), org, pr.A, supplychain.Origin{})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		b, err := h.side(r.Context(), org, pr.B, pr.Origin)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		views = append(views, pairView{AID: pr.A, BID: pr.B, A: a, B: b, Percent: scorePercent(pr.Score), Why: explainMatch(pr.Reasons)})
	}
	merges, _, err := h.duplicates.Merges(r.Context(), org, kernel.Page{Limit: mergesShown})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := map[string]string{}
	if h.users != nil {
		if names, _, err = userNames(r.Context(), h.users, org); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	mviews := make([]mergeView, len(merges))
	for i, m := range merges {
		mviews[i] = describeMergeView(m, names)
	}
	var osh []oshView
	if sg, ok := h.duplicates.(OSHSuggestions); ok {
		ls, err := sg.OSHReviews(r.Context(), org, mergesShown)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, l := range ls {
			p, err := h.suppliers.GetParty(r.Context(), org, l.PartyID)
			if kernel.IsCode(err, kernel.NotFound) {
				continue // merged away since
			}
			if err != nil {
				h.fail(w, r, err)
				return
			}
			cand := l.Name
			if l.Address != "" {
				cand += ", " + l.Address
			}
			osh = append(osh, oshView{PartyID: p.ID, Name: p.Name, Href: "/suppliers/" + url.PathEscape(p.ID), Candidate: cand, OSID: l.OSID,
				Percent: scorePercent(l.Score), Why: explainMatch(l.Reasons)})
		}
	}
	data := map[string]any{
		"OSH": osh, "Pairs": views, "Total": total, "Page": page, "Merges": mviews,
		"Prev": page - 1, "Next": nextPage(page, pairsPerPage, total),
		"Notice": doneNotice(r.URL.Query()),
	}
	for k, v := range extra {
		data[k] = v
	}
	h.render(w, r, status, "supply_duplicates.html", data)
}

func nextPage(page, per, total int) int {
	if page*per < total {
		return page + 1
	}
	return 0
}

func scorePercent(score float64) int { return int(score*100 + 0.5) }

// side reads one facility of a pair for the page.
func (h *supplyHandlers) side(ctx context.Context, org, id string, o supplychain.Origin) (facilitySide, error) {
	p, err := h.suppliers.GetParty(ctx, org, id)
	if err != nil {
		return facilitySide{}, err
	}
	s := facilitySide{Name: p.Name, Address: p.Address, Country: countryName(p.Country), Href: "/suppliers/" + url.PathEscape(p.ID)}
	if w := o.Where(); w != "" {
		s.Where = "read from " + w
	}
	return s, nil
}

func describeMergeView(m supplychain.Merge, names map[string]string) mergeView {
	v := mergeView{ID: m.ID, FromName: m.FromName, IntoName: m.IntoName, IntoHref: "/suppliers/" + url.PathEscape(m.Into),
		When: m.At.Format("2006-01-02 15:04") + " UTC", Why: explainMatch(m.Reasons)}
	switch m.Rule {
	case supplychain.RuleAnalyst:
		v.How = "merged by " + userName(names, m.Actor) + fmt.Sprintf(" from the queue (%d%% alike)", scorePercent(m.Score))
	default:
		v.How = fmt.Sprintf("merged automatically by an import (%d%% alike)", scorePercent(m.Score))
	}
	if w := m.Origin.Where(); w != "" {
		v.How += "; read from " + w
	}
	switch {
	case !m.UndoneAt.IsZero():
		v.State = "undone on " + m.UndoneAt.Format("2006-01-02 15:04") + " UTC by " + userName(names, m.UndoneBy) + "; kept apart since"
	case m.SupersededBy != "":
		v.State = "imported again and merged again later (see above)"
	default:
		v.CanUndo = true
	}
	return v
}

func userName(names map[string]string, id string) string {
	switch {
	case id == "":
		return "an import"
	case id == "cli":
		return "the command line"
	}
	if n, ok := names[id]; ok {
		return n
	}
	return "a former user"
}

// doneNotice is the confirmation the page shows after a redirect from
// one of its forms.
func doneNotice(q url.Values) string {
	a, b := q.Get("a"), q.Get("b")
	switch q.Get("done") {
	case "merged":
		return fmt.Sprintf("Merged “%s” into “%s”: its links now belong to “%s”, and risk was recomputed. You can undo this below.", b, a, a)
	case "kept":
		return fmt.Sprintf("Kept “%s” and “%s” apart: imports will not merge them.", a, b)
	case "undone":
		return fmt.Sprintf("Undone: “%s” and “%s” are two facilities again, with their links as before the merge; risk was recomputed.", b, a)
	case "os-id-accepted":
		return fmt.Sprintf("“%s” now has the Open Supply Hub ID %s.", a, b)
	case "os-id-rejected":
		return fmt.Sprintf("Rejected the Open Supply Hub suggestion %s for “%s”: the facility keeps no OS ID and will not be looked up again.", b, a)
	}
	return ""
}

// oshAccept gives a facility the OS ID the background look-up suggested.
func (h *supplyHandlers) oshAccept(w http.ResponseWriter, r *http.Request) {
	h.decideOSH(w, r, true)
}

// oshReject records that the suggested Open Supply Hub facility is
// another place.
func (h *supplyHandlers) oshReject(w http.ResponseWriter, r *http.Request) {
	h.decideOSH(w, r, false)
}

func (h *supplyHandlers) decideOSH(w http.ResponseWriter, r *http.Request, accept bool) {
	sg, ok := h.duplicates.(OSHSuggestions)
	if !ok {
		h.fail(w, r, kernel.Errorf(kernel.Unavailable, "Open Supply Hub suggestions are not available on this server"))
		return
	}
	p := principalOf(r)
	party := r.PostFormValue("party")
	if party == "" {
		h.renderDuplicates(w, r, http.StatusBadRequest, map[string]any{"Error": "choose a suggestion from the list"})
		return
	}
	l, err := sg.DecideOSHSuggestion(r.Context(), p.User.OrgID, party, accept, p.User.ID)
	if err != nil {
		h.pairError(w, r, err)
		return
	}
	fac, err := h.suppliers.GetParty(r.Context(), p.User.OrgID, party)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	done := "os-id-rejected"
	if accept {
		done = "os-id-accepted"
	}
	http.Redirect(w, r, "/suppliers/duplicates?"+url.Values{"done": {done}, "a": {fac.Name}, "b": {l.OSID}}.Encode(), http.StatusSeeOther)
}

// duplicatesMerge merges a queued pair on an analyst's decision.
func (h *supplyHandlers) duplicatesMerge(w http.ResponseWriter, r *http.Request) {
	h.decidePair(w, r, true)
}

// duplicatesKeepApart records that a queued pair are two places.
func (h *supplyHandlers) duplicatesKeepApart(w http.ResponseWriter, r *http.Request) {
	h.decidePair(w, r, false)
}

func (h *supplyHandlers) decidePair(w http.ResponseWriter, r *http.Request, merge bool) {
	if h.duplicates == nil {
		h.fail(w, r, kernel.Errorf(kernel.Unavailable, "the possible-duplicates queue is not available on this server"))
		return
	}
	p := principalOf(r)
	a, b := r.PostFormValue("a"), r.PostFormValue("b")
	if a == "" || b == "" {
		h.renderDuplicates(w, r, http.StatusBadRequest, map[string]any{"Error": "choose a pair of facilities from the list"})
		return
	}
	var into, from string
	done := "kept"
	if merge {
		m, err := h.duplicates.MergePair(r.Context(), p.User.OrgID, a, b, p.User.ID)
		if err != nil {
			h.pairError(w, r, err)
			return
		}
		into, from, done = m.IntoName, m.FromName, "merged"
	} else {
		if _, err := h.duplicates.KeepApart(r.Context(), p.User.OrgID, a, b, p.User.ID); err != nil {
			h.pairError(w, r, err)
			return
		}
		pa, err := h.suppliers.GetParty(r.Context(), p.User.OrgID, a)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		pb, err := h.suppliers.GetParty(r.Context(), p.User.OrgID, b)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		into, from = pa.Name, pb.Name
	}
	http.Redirect(w, r, "/suppliers/duplicates?"+url.Values{"done": {done}, "a": {into}, "b": {from}}.Encode(), http.StatusSeeOther)
}

// pairError shows the page again with what went wrong when the pair was
// decided meanwhile or is gone; anything else is an error page.
func (h *supplyHandlers) pairError(w http.ResponseWriter, r *http.Request, err error) {
	switch kernel.ErrorCode(err) {
	case kernel.Conflict, kernel.NotFound:
		h.renderDuplicates(w, r, http.StatusConflict, map[string]any{"Error": kernel.ErrorMessage(err)})
	default:
		h.fail(w, r, err)
	}
}

// mergeUndo takes a merge back.
func (h *supplyHandlers) mergeUndo(w http.ResponseWriter, r *http.Request) {
	if h.duplicates == nil {
		h.fail(w, r, kernel.Errorf(kernel.Unavailable, "the possible-duplicates queue is not available on this server"))
		return
	}
	p := principalOf(r)
	m, err := h.duplicates.UndoMerge(r.Context(), p.User.OrgID, r.PathValue("id"), p.User.ID)
	if err != nil {
		h.pairError(w, r, err)
		return
	}
	http.Redirect(w, r, "/suppliers/duplicates?"+url.Values{"done": {"undone"}, "a": {m.IntoName}, "b": {m.FromName}}.Encode(), http.StatusSeeOther)
}

// matchReason reads the matcher's terse reasons ("name 0.80").
var (
	reasonScore   = regexp.MustCompile(`^(name|address) ([01]\.\d+)$`)
	reasonCountry = regexp.MustCompile(`^countries differ \(([A-Z]{2}) / ([A-Z]{2})\)$`)
)

// explainMatch says the matcher's reasons in words for people.
func explainMatch(reasons []string) []string {
	out := make([]string, 0, len(reasons))
	for _, r := range reasons {
		if m := reasonScore.FindStringSubmatch(r); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			what := "names"
			if m[1] == "address" {
				what = "addresses"
			}
			out = append(out, fmt.Sprintf("%s %d%% alike", what, scorePercent(v)))
			continue
		}
		if m := reasonCountry.FindStringSubmatch(r); m != nil {
			out = append(out, "in different countries ("+countryName(m[1])+" and "+countryName(m[2])+")")
			continue
		}
		switch {
		case r == "same OS ID":
			r = "the same Open Supply Hub ID"
		case r == "different OS ID":
			r = "different Open Supply Hub IDs"
		case r == "same GLN":
			r = "the same GS1 location number (GLN)"
		case r == "different GLN":
			r = "different GS1 location numbers (GLN)"
		case r == "same LEI":
			r = "owned by the same legal entity (LEI)"
		case strings.HasPrefix(r, "same numbers in address"):
			r = "the same numbers in both addresses" + strings.TrimPrefix(r, "same numbers in address")
		case strings.HasPrefix(r, "unit numbers differ"):
			r = "different unit numbers" + strings.TrimPrefix(r, "unit numbers differ")
		case r == "address numbers differ":
			r = "different numbers in the addresses"
		case strings.HasPrefix(r, "same postcode "):
			r = "the same postcode (" + strings.TrimPrefix(r, "same postcode ") + ")"
		case r == "postcodes differ":
			r = "different postcodes"
		case r == "same address under another name":
			r = "the same address under another name"
		}
		out = append(out, r)
	}
	return out
}
