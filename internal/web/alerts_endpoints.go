package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// AlertEndpointAdmin creates and deletes delivery endpoints and keeps the
// organisation's detector sensitivity and closure calendar;
// earlywarning.EndpointStore only
// lists endpoints, since that is all the alert rules need. The SQL store's
// early-warning repository implements both.
type AlertEndpointAdmin interface {
	CreateEndpoint(ctx context.Context, ep earlywarning.Endpoint, at time.Time) error
	DeleteEndpoint(ctx context.Context, orgID, id string) error
	DetectorSensitivity(ctx context.Context, orgID string) (earlywarning.Sensitivity, error)
	SetDetectorSensitivity(ctx context.Context, orgID, name, by string, at time.Time) error
	earlywarning.ClosureStore
}

// newWebhookSecret returns a fresh signing secret in the form shown to the
// admin; its bytes, as shown, are the HMAC key.
func newWebhookSecret() ([]byte, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "generating a webhook secret")
	}
	return []byte("whsec_" + hex.EncodeToString(b)), nil
}

// endpointInput is what an admin fills in for a new endpoint.
type endpointInput struct {
	Channel     string `json:"channel"`
	Target      string `json:"target"`
	MinSeverity string `json:"min_severity,omitempty"`
	Digest      bool   `json:"digest,omitempty"`
}

// createEndpoint stores a new endpoint and returns it with its secret,
// which is shown once and never again.
func (s *alertHandlers) createEndpoint(ctx context.Context, orgID string, in endpointInput) (earlywarning.Endpoint, error) {
	ep := earlywarning.Endpoint{ID: kernel.NewID(), OrgID: orgID, Channel: earlywarning.Channel(in.Channel), Target: in.Target,
		MinSeverity: earlywarning.Severity(in.MinSeverity), Digest: in.Digest}
	if ep.MinSeverity == "" {
		ep.MinSeverity = earlywarning.SeverityLow
	}
	if ep.Channel == earlywarning.ChannelWebhook {
		var err error
		if ep.Secret, err = newWebhookSecret(); err != nil {
			return ep, err
		}
	}
	if err := s.endpoints.CreateEndpoint(ctx, ep, s.clock.Now()); err != nil {
		return ep, err
	}
	return ep, nil
}

func (s *alertHandlers) endpointsPage(w http.ResponseWriter, r *http.Request) {
	s.renderEndpoints(w, r, http.StatusOK, nil)
}

func (s *alertHandlers) renderEndpoints(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	eps, err := s.alerts.Endpoints.Endpoints(r.Context(), principalOf(r).User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"Endpoints": eps, "Severities": []string{"low", "medium", "high", "critical"}}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "alerts_endpoints.html", data)
}

func (s *alertHandlers) endpointCreate(w http.ResponseWriter, r *http.Request) {
	ep, err := s.createEndpoint(r.Context(), principalOf(r).User.OrgID, endpointInput{Channel: r.FormValue("channel"),
		Target: r.FormValue("target"), MinSeverity: r.FormValue("min_severity"), Digest: r.FormValue("digest") == "on"})
	if err != nil {
		if code := kernel.ErrorCode(err); code == kernel.Invalid || code == kernel.Conflict {
			s.renderEndpoints(w, r, statusOf(code), map[string]any{"Error": kernel.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	extra := map[string]any{"Created": ep}
	if ep.Secret != nil {
		extra["NewSecret"] = string(ep.Secret)
	}
	s.renderEndpoints(w, r, http.StatusCreated, extra)
}

func (s *alertHandlers) endpointDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.endpoints.DeleteEndpoint(r.Context(), principalOf(r).User.OrgID, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/alerts/endpoints", "Delivery endpoint removed: no more alerts are sent to it.")
}

func (s *alertHandlers) apiEndpoints(w http.ResponseWriter, r *http.Request) {
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	eps, err := s.alerts.Endpoints.Endpoints(r.Context(), principalOf(r).User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	eps, links := pageInMemory(w, r, eps, lp, false, func(e earlywarning.Endpoint) []string { return []string{e.ID} })
	writeJSON(w, http.StatusOK, endpointListJSON{Endpoints: nonNil(eps), pageLinksJSON: links})
}

func (s *alertHandlers) apiEndpointCreate(w http.ResponseWriter, r *http.Request) {
	var in endpointInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ep, err := s.createEndpoint(r.Context(), principalOf(r).User.OrgID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := endpointCreatedJSON{Endpoint: ep}
	if ep.Secret != nil {
		out.Secret = string(ep.Secret) // shown this once only
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *alertHandlers) apiEndpointDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.endpoints.DeleteEndpoint(r.Context(), principalOf(r).User.OrgID, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
