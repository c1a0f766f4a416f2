package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// JobOSHLookup is the lease name of the Open Supply Hub look-up job.
const JobOSHLookup = "osh.lookup"

// OSHClient searches the Open Supply Hub API (opensupplyhub.org) for
// facilities by name and country with an operator's API token.
type OSHClient struct {
	BaseURL string // e.g. https://opensupplyhub.org
	Token   string
	HTTP    *http.Client
}

// OSHFacility is one facility the Open Supply Hub returned.
type OSHFacility struct {
	OSID, Name, Address, Country string
	Lat, Lng                     float64
	HasCoord                     bool
}

// oshPage is the part of the API's answer (a GeoJSON feature collection)
// the look-up reads.
type oshPage struct {
	Features []struct {
		ID       string `json:"id"`
		Geometry *struct {
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			OSID        string `json:"os_id"`
			Name        string `json:"name"`
			Address     string `json:"address"`
			CountryCode string `json:"country_code"`
		} `json:"properties"`
	} `json:"features"`
}

// maxOSHAnswer bounds an answer read from the API.
const maxOSHAnswer = 4 << 20

// Search returns the facilities the API finds for name in country.
func (c *OSHClient) Search(ctx context.Context, name, country string) ([]OSHFacility, error) {
	q := url.Values{"q": {name}, "pageSize": {"10"}}
	if country != "" {
		q.Set("countries", country)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.BaseURL, "/")+"/api/facilities/?"+q.Encode(), nil)
	if err != nil {
		return nil, kernel.Wrap(kernel.Invalid, err, "Open Supply Hub address")
	}
	req.Header.Set("Authorization", "Token "+c.Token)
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, kernel.Wrap(kernel.Unavailable, err, "Open Supply Hub")
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxOSHAnswer))
	if err != nil {
		return nil, kernel.Wrap(kernel.Unavailable, err, "Open Supply Hub")
	}
	switch {
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		return nil, kernel.Errorf(kernel.Unavailable, "Open Supply Hub refused the API token (HTTP %d): check UPSTREAM_OSH_TOKEN", res.StatusCode)
	case res.StatusCode != http.StatusOK:
		return nil, kernel.Errorf(kernel.Unavailable, "Open Supply Hub answered HTTP %d", res.StatusCode)
	}
	var page oshPage
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, kernel.Wrap(kernel.Unavailable, err, "Open Supply Hub answer not understood")
	}
	out := make([]OSHFacility, 0, len(page.Features))
	for _, f := range page.Features {
		o := OSHFacility{OSID: f.Properties.OSID, Name: f.Properties.Name, Address: f.Properties.Address, Country: f.Properties.CountryCode}
		if o.OSID == "" {
			o.OSID = f.ID
		}
		if g := f.Geometry; g != nil && len(g.Coordinates) == 2 {
			o.Lng, o.Lat, o.HasCoord = g.Coordinates[0], g.Coordinates[1], true
		}
		if o.OSID != "" && o.Name != "" {
			out = append(out, o)
		}
	}
	return out, nil
}

// OSHStore is what the look-up reads and writes; the SQL store's
// supply-chain repository implements it.
type OSHStore interface {
	FacilitiesToLookUp(ctx context.Context, orgID string, limit int) ([]supplychain.Party, error)
	RecordOSHLookup(ctx context.Context, orgID string, l supplychain.OSHLookup) error
	OSHProgress(ctx context.Context, orgID string) (looked, left int, err error)
}

// OSHLookup looks up, in the background, the facilities that have no OS
// ID: each by name and country, the candidates compared with the facility
// matcher; a candidate scored "same" gives the facility its OS ID, one
// scored "review" is kept for an analyst. Each run looks up at most Batch
// facilities per organisation, so a large list is worked through over
// several runs, and logs its progress.
type OSHLookup struct {
	Orgs    OrgLister
	Store   OSHStore
	Client  *OSHClient
	Matcher *facilitymatch.Matcher
	Clock   kernel.Clock
	Batch   int // default 200
}

// OSHResult counts what one run did.
type OSHResult struct {
	Looked, Attached, Review, Left int
}

// Run looks up one batch per organisation.
func (j *OSHLookup) Run(ctx context.Context) (OSHResult, error) {
	var r OSHResult
	batch := j.Batch
	if batch <= 0 {
		batch = 200
	}
	orgs, err := j.Orgs.ListOrgs(ctx)
	if err != nil {
		return r, err
	}
	var errs []error
	for _, o := range orgs {
		ps, err := j.Store.FacilitiesToLookUp(ctx, o.ID, batch)
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		for _, p := range ps {
			l, err := j.lookUp(ctx, p)
			if err != nil {
				// The service is down or refuses: stop this run, keep
				// the facility for the next.
				return r, errors.Join(append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))...)
			}
			if err := j.Store.RecordOSHLookup(ctx, o.ID, l); err != nil {
				errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
				break
			}
			r.Looked++
			switch facilitymatch.Decision(l.Decision) {
			case facilitymatch.Same:
				r.Attached++
			case facilitymatch.Review:
				r.Review++
			}
		}
		if _, left, err := j.Store.OSHProgress(ctx, o.ID); err == nil {
			r.Left += left
		}
	}
	return r, errors.Join(errs...)
}

func (j *OSHLookup) lookUp(ctx context.Context, p supplychain.Party) (supplychain.OSHLookup, error) {
	l := supplychain.OSHLookup{PartyID: p.ID, At: j.Clock.Now()}
	found, err := j.Client.Search(ctx, p.Name, p.Country)
	if err != nil {
		return l, err
	}
	rec := facilitymatch.Record{Name: p.Name, Address: p.Address, Country: p.Country, LEI: p.LEI, GLN: p.GLN}
	if p.Lat != nil && p.Lng != nil {
		rec.Lat, rec.Lng, rec.HasCoord = *p.Lat, *p.Lng, true
	}
	cands := make([]facilitymatch.Record, len(found))
	for i, f := range found {
		cands[i] = facilitymatch.Record{Name: f.Name, Address: f.Address, Country: f.Country, Lat: f.Lat, Lng: f.Lng, HasCoord: f.HasCoord}
	}
	i, pair := j.Matcher.Best(rec, cands)
	if i < 0 || pair.Decision == "" {
		return l, nil
	}
	f := found[i]
	l.OSID, l.Name, l.Address, l.Score, l.Decision, l.Reasons = f.OSID, f.Name, f.Address, pair.Score, string(pair.Decision), pair.Reasons
	return l, nil
}

// AddOSHLookupJob registers the look-up, every hour.
func (s *Scheduler) AddOSHLookupJob(j *OSHLookup) {
	s.Add(Job{Name: JobOSHLookup, Every: time.Hour, Run: func(ctx context.Context) error {
		r, err := j.Run(ctx)
		if r.Looked > 0 || r.Left > 0 {
			s.Log.Info("Open Supply Hub look-up", "looked_up", r.Looked, "os_ids_attached", r.Attached,
				"for_review", r.Review, "left", r.Left)
		}
		return err
	}})
}
