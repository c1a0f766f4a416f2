package grievance_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestConsent(t *testing.T) {
	d1, _ := grievance.ParseDay("2026-11-01")
	d2, _ := grievance.ParseDay("2026-11-05")
	withdrawn := []grievance.Consent{
		{Purpose: grievance.PurposeReferral, Granted: true, Day: d1},
		{Purpose: grievance.PurposeReferral, Granted: false, Day: d2},
	}
	granted := []grievance.Consent{
		{Purpose: grievance.PurposeReferral, Granted: false, Day: d1},
		{Purpose: grievance.PurposeReferral, Granted: true, Day: d2},
		{Purpose: grievance.PurposeShareSupplier, Granted: true, Day: d1},
	}
	cases := []struct {
		name       string
		consents   []grievance.Consent
		purpose    grievance.Purpose
		override   grievance.OverrideReason
		overridden bool
		code       kernel.Code
	}{
		{"no record", nil, grievance.PurposeReferral, "", false, kernel.Forbidden},
		{"granted", granted, grievance.PurposeReferral, "", false, ""},
		{"granted for another purpose only", granted, grievance.PurposeShareAuthorities, "", false, kernel.Forbidden},
		{"withdrawn later", withdrawn, grievance.PurposeReferral, "", false, kernel.Forbidden},
		{"override", withdrawn, grievance.PurposeReferral, grievance.OverrideRiskToLife, true, ""},
		{"override not needed", granted, grievance.PurposeReferral, grievance.OverrideLegalDuty, false, ""},
		{"unknown override", nil, grievance.PurposeReferral, "because", false, kernel.Invalid},
		{"unknown purpose", granted, "marketing", "", false, kernel.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			over, err := grievance.Authorise(c.consents, c.purpose, c.override)
			if kernel.ErrorCode(err) != c.code || over != c.overridden {
				t.Fatalf("got %v, %v", over, err)
			}
		})
	}
}
