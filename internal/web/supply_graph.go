package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// maxGraphParties bounds a graph export through the API: larger graphs
// are narrowed with the filters, or exported from files with
// `upstream graph`. Beyond it the answer is an error, never a silently cut
// graph.
const maxGraphParties = 5000

// maxGraphDepth bounds ?depth= with ?from=.
const maxGraphDepth = 6

// apiGraph writes the organisation's stored supply graph as JSON (one
// object with parties and links), a CSV edge list or GraphML:
// ?format=json|csv|graphml&country=&commodity=&tier=&level=, or
// ?from=PARTY&depth=N for the parties within N links of one party (the
// other filters then narrow those).
func (s *supplyHandlers) apiGraph(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rq := parseRegisterQuery(q)
	var problems []paramProblem
	for i, msg := range rq.Problems {
		problems = append(problems, paramProblem{Param: rq.BadParams[i], Message: msg})
	}
	format := q.Get("format")
	switch format {
	case "":
		format = "json"
	case "json", "csv", "graphml":
	default:
		problems = append(problems, paramProblem{"format", "format " + strconv.Quote(format) + " is not json, csv or graphml"})
	}
	from := strings.TrimSpace(q.Get("from"))
	depth := 1
	if v := q.Get("depth"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxGraphDepth || from == "" {
			problems = append(problems, paramProblem{"depth", fmt.Sprintf("depth %s is not a number from 1 to %d given with from", strconv.Quote(v), maxGraphDepth)})
		} else {
			depth = n
		}
	}
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	orgID := principalOf(r).User.OrgID
	ctx := r.Context()
	f := rq.filter()
	// The parties, with their stored risk: from the register, which
	// applies the filters, page by page.
	risks := map[string]supplychain.PartyRisk{}
	parties := map[string]supplychain.Party{}
	var order []string
	add := func(p supplychain.Party, risk supplychain.PartyRisk) {
		if _, ok := parties[p.ID]; !ok {
			parties[p.ID], risks[p.ID] = p, risk
			order = append(order, p.ID)
		}
	}
	tooMany := func(n int) {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "the graph has %d or more parties and the API exports at most %d: narrow it with country, commodity, tier, level or from and depth, or export from files with `upstream graph`", n, maxGraphParties))
	}
	reportingReached := from == ""
	if from != "" {
		start, err := s.suppliers.GetParty(ctx, orgID, from)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		add(start, supplychain.PartyRisk{})
		frontier := []string{start.ID}
		for d := 0; d < depth && len(frontier) > 0; d++ {
			var next []string
			for _, id := range frontier {
				sups, buys, err := s.suppliers.PartyLinks(ctx, orgID, id)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				for _, l := range append(sups, buys...) {
					for _, other := range []string{l.Supplier, l.Buyer} {
						if other == supplychain.Reporting {
							reportingReached = true
							continue
						}
						if other == id {
							continue
						}
						if _, seen := parties[other]; seen {
							continue
						}
						p, err := s.suppliers.GetParty(ctx, orgID, other)
						if err != nil {
							s.fail(w, r, err)
							return
						}
						add(p, supplychain.PartyRisk{})
						next = append(next, other)
						if len(parties) > maxGraphParties {
							tooMany(len(parties))
							return
						}
					}
				}
			}
			frontier = next
		}
		// Their stored risk, and the register's filters.
		if s.riskReader != nil {
			for _, id := range order {
				if risk, err := s.riskReader.PartyRisk(ctx, orgID, id); err == nil {
					risks[id] = risk
				}
			}
		}
		order = filterParties(order, parties, risks, f)
	} else if f.Level == "" && f.Tier == 0 {
		// Every stored party, scored or not yet.
		const per = 1000
		for page := 0; ; page++ {
			ps, total, err := s.suppliers.ListParties(ctx, orgID, supplychain.PartyFilter{Country: f.Country, Commodity: f.Commodity, NamePrefix: f.NamePrefix}, kernel.Page{Limit: per, Offset: page * per})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if total > maxGraphParties {
				tooMany(total)
				return
			}
			for _, p := range ps {
				risk := supplychain.PartyRisk{}
				if s.riskReader != nil {
					if got, err := s.riskReader.PartyRisk(ctx, orgID, p.ID); err == nil {
						risk = got
					}
				}
				add(p, risk)
			}
			if len(ps) < per || (page+1)*per >= total {
				break
			}
		}
	} else {
		// Tier and level are stored risk: the register filters on them.
		const per = 1000
		for page := 0; ; page++ {
			entries, total, err := s.suppliers.Register(ctx, orgID, f, supplychain.SortName, kernel.Page{Limit: per, Offset: page * per})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if total > maxGraphParties {
				tooMany(total)
				return
			}
			for _, e := range entries {
				add(e.Party, e.Risk)
			}
			if len(entries) < per || (page+1)*per >= total {
				break
			}
		}
	}
	keep := map[string]bool{}
	for _, id := range order {
		keep[id] = true
	}
	e := supplychain.Export{Parties: []supplychain.ExportParty{}, Links: []supplychain.ExportLink{}}
	reporting := false
	for _, id := range order {
		p, risk := parties[id], risks[id]
		e.Parties = append(e.Parties, supplychain.ExportParty{ID: p.ID, Ref: p.Ref, Name: p.Name, Kind: p.Kind, Country: p.Country,
			Tier: risk.Tier, Level: risk.Level, Commodities: p.Commodities, Lat: p.Lat, Lng: p.Lng, OSID: p.OSID, LEI: p.LEI, GLN: p.GLN})
		sups, buys, err := s.suppliers.PartyLinks(ctx, orgID, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, l := range sups {
			if !keep[l.Supplier] || (f.Commodity != "" && l.Commodity != f.Commodity) {
				continue
			}
			e.Links = append(e.Links, supplychain.ExportLink{From: l.Supplier, To: id, Commodity: l.Commodity, Share: l.Share})
		}
		for _, l := range buys {
			if l.Buyer == supplychain.Reporting && reportingReached && (f.Commodity == "" || l.Commodity == f.Commodity) {
				reporting = true
				e.Links = append(e.Links, supplychain.ExportLink{From: id, To: supplychain.ReportingID, Commodity: l.Commodity, Share: l.Share})
			}
		}
	}
	if reporting {
		e.Parties = append([]supplychain.ExportParty{{ID: supplychain.ReportingID, Name: supplychain.ReportingName, Kind: supplychain.KindCompany}}, e.Parties...)
	}
	var buf bytes.Buffer
	var err error
	var contentType string
	switch format {
	case "json":
		contentType, err = "application/json", e.WriteJSON(&buf)
	case "csv":
		contentType, err = "text/csv; charset=utf-8", e.WriteCSV(&buf)
		w.Header().Set("Content-Disposition", `attachment; filename="supply-graph.csv"`)
	case "graphml":
		contentType, err = "application/graphml+xml", e.WriteGraphML(&buf)
		w.Header().Set("Content-Disposition", `attachment; filename="supply-graph.graphml"`)
	}
	if err != nil {
		s.fail(w, r, kernel.Wrap(kernel.Internal, err, "writing the supply graph"))
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// filterParties keeps the ids whose party and risk pass f (the start of a
// walk from one party is always kept).
func filterParties(ids []string, parties map[string]supplychain.Party, risks map[string]supplychain.PartyRisk, f supplychain.RegisterFilter) []string {
	out := ids[:0:0]
	for i, id := range ids {
		p, risk := parties[id], risks[id]
		switch {
		case i == 0:
		case f.Country != "" && p.Country != f.Country:
			continue
		case f.Commodity != "" && !containsString(p.Commodities, f.Commodity):
			continue
		case f.Tier > 0 && risk.Tier != f.Tier:
			continue
		case f.Level != "" && risk.Level != f.Level:
			continue
		}
		out = append(out, id)
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
