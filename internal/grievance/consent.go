package grievance

import (
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Purpose is something done with a report that needs the reporter's
// consent.
type Purpose string

const (
	// PurposeReferral: passing the case to a support service (shelter,
	// legal aid, health care).
	PurposeReferral Purpose = "referral"
	// PurposeShareSupplier: raising the matter with the supplier concerned.
	PurposeShareSupplier Purpose = "share_with_supplier"
	// PurposeShareAuthorities: reporting to labour inspectors or police.
	PurposeShareAuthorities Purpose = "share_with_authorities"
	// PurposeRevealIdentity: showing the reporter's identity details to
	// anyone beyond the case handlers.
	PurposeRevealIdentity Purpose = "reveal_identity"
	// PurposeAnonymisedStats: including the report in published statistics.
	PurposeAnonymisedStats Purpose = "anonymised_statistics"
)

// Purposes lists every purpose.
func Purposes() []Purpose {
	return []Purpose{PurposeReferral, PurposeShareSupplier, PurposeShareAuthorities, PurposeRevealIdentity, PurposeAnonymisedStats}
}

// Consent is the reporter's answer for one purpose, as given at intake or
// later through the follow-up page. The latest answer for a purpose counts;
// a report without one has not consented.
type Consent struct {
	Purpose Purpose
	Granted bool
	Day     Day
}

// OverrideReason says why a handler acts without consent. Overrides are for
// danger to life or a legal duty, and each is audited with its reason.
type OverrideReason string

const (
	OverrideRiskToLife   OverrideReason = "risk_to_life"  // someone is in immediate danger
	OverrideChildAtRisk  OverrideReason = "child_at_risk" // a child is at risk of harm
	OverrideLegalDuty    OverrideReason = "legal_duty"    // the law obliges the organisation to report
	OverrideCourtOrdered OverrideReason = "court_ordered" // a court or authority orders disclosure
)

// Valid reports whether r is a known override reason.
func (r OverrideReason) Valid() bool {
	return slices.Contains([]OverrideReason{OverrideRiskToLife, OverrideChildAtRisk, OverrideLegalDuty, OverrideCourtOrdered}, r)
}

// Consented reports the reporter's latest answer for a purpose; false when
// there is none.
func Consented(consents []Consent, p Purpose) bool {
	latest := Consent{}
	found := false
	for _, c := range consents {
		if c.Purpose == p && (!found || !c.Day.Before(latest.Day)) {
			latest, found = c, true
		}
	}
	return found && latest.Granted
}

// Authorise decides whether an action for purpose p may go ahead: with
// the reporter's consent, or with an override reason (which the caller must
// audit, with the reason, before acting). It returns Forbidden without
// either, and Invalid for an unknown purpose or reason.
func Authorise(consents []Consent, p Purpose, override OverrideReason) (overridden bool, err error) {
	if !slices.Contains(Purposes(), p) {
		return false, kernel.Errorf(kernel.Invalid, "unknown purpose")
	}
	if Consented(consents, p) {
		return false, nil
	}
	if override == "" {
		return false, kernel.Errorf(kernel.Forbidden, "the reporter has not consented to %s; record an override reason only if someone is in danger or the law requires it", p)
	}
	if !override.Valid() {
		return false, kernel.Errorf(kernel.Invalid, "unknown override reason")
	}
	return true, nil
}
