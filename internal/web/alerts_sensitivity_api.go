package web

import (
	"net/http"
	"strings"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// The detector's sensitivity through the API: the same choice, with the
// same permission (settings), as the sensitivity page.

// sensitivityPointJSON is one point of the detector's trade-off curve,
// with its figures on the held-out test series.
type sensitivityPointJSON struct {
	Name        string  `json:"name"`
	Label       string  `json:"label"`
	Description string  `json:"description"`
	Threshold   float64 `json:"threshold"`
	// Timely is the share of rises detected within three days.
	Timely             float64 `json:"timely"`
	FalseAlarmsPer1000 float64 `json:"false_alarms_per_1000"`
	MeanDelayDays      float64 `json:"mean_delay_days"`
}

type alertSensitivityJSON struct {
	// Current names the point in use.
	Current string                 `json:"current"`
	Choices []sensitivityPointJSON `json:"choices"`
}

type alertSensitivityInput struct {
	Sensitivity string `json:"sensitivity"`
}

func (s *alertHandlers) apiSensitivity(w http.ResponseWriter, r *http.Request) {
	cur, err := s.endpoints.DetectorSensitivity(r.Context(), principalOf(r).User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := alertSensitivityJSON{Current: cur.Name}
	for _, p := range earlywarning.Sensitivities() {
		out.Choices = append(out.Choices, sensitivityPointJSON{Name: p.Name, Label: p.Label, Description: p.Description, Threshold: p.Threshold,
			Timely: p.HeldOut.Timely, FalseAlarmsPer1000: p.HeldOut.FalseAlarmsPer1000, MeanDelayDays: p.HeldOut.MeanDelay})
	}
	writeJSON(w, http.StatusOK, out)
}

// apiSensitivitySet chooses the point the next detector run uses.
func (s *alertHandlers) apiSensitivitySet(w http.ResponseWriter, r *http.Request) {
	var in alertSensitivityInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := earlywarning.SensitivityByName(in.Sensitivity); err != nil || strings.TrimSpace(in.Sensitivity) == "" {
		var names []string
		for _, p := range earlywarning.Sensitivities() {
			names = append(names, p.Name)
		}
		s.fail(w, r, kernel.InvalidField("sensitivity", "sensitivity %q is not one of %s", in.Sensitivity, strings.Join(names, ", ")))
		return
	}
	p := principalOf(r)
	if err := s.endpoints.SetDetectorSensitivity(r.Context(), p.User.OrgID, in.Sensitivity, p.User.ID, s.clock.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiSensitivity(w, r)
}
