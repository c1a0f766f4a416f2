package web

import (
	"net/http"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// sensitivityChoice is one point on the trade-off curve as the settings
// form shows it, with its figures on the held-out test series.
type sensitivityChoice struct {
	earlywarning.Sensitivity
	Timely, FalseAlarms, MeanDelay string
	Current                        bool
}

func (s *alertHandlers) sensitivityPage(w http.ResponseWriter, r *http.Request) {
	s.renderSensitivity(w, r, http.StatusOK, nil)
}

func (s *alertHandlers) renderSensitivity(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	cur, err := s.endpoints.DetectorSensitivity(r.Context(), principalOf(r).User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	var choices []sensitivityChoice
	for _, p := range earlywarning.Sensitivities() {
		// The points' words are the domain's English; each is a catalog
		// message of its own.
		p.Label, p.Description = loc.tr(escapeVerbs(p.Label)), loc.tr(escapeVerbs(p.Description))
		choices = append(choices, sensitivityChoice{Sensitivity: p, Current: p.Name == cur.Name,
			Timely:      loc.percent(p.HeldOut.Timely),
			FalseAlarms: loc.num(p.HeldOut.FalseAlarmsPer1000),
			MeanDelay:   loc.fixed1(p.HeldOut.MeanDelay)})
	}
	data := map[string]any{"Choices": choices, "Current": cur}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "alerts_sensitivity.html", data)
}

func (s *alertHandlers) sensitivitySave(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	name := r.FormValue("sensitivity")
	if name == "" {
		s.renderSensitivity(w, r, http.StatusBadRequest, map[string]any{"Error": s.tr(r, "Choose one of the sensitivities.")})
		return
	}
	if err := s.endpoints.SetDetectorSensitivity(r.Context(), p.User.OrgID, name, p.User.ID, s.clock.Now()); err != nil {
		if kernel.ErrorCode(err) == kernel.Invalid {
			s.renderSensitivity(w, r, http.StatusBadRequest, map[string]any{"Error": kernel.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	point, _ := earlywarning.SensitivityByName(name)
	s.done(w, r, "/alerts/sensitivity", s.tr(r, "Sensitivity saved: %v. The next detector run uses it.", s.tr(r, escapeVerbs(point.Label))))
}
