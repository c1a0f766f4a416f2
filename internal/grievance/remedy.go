package grievance

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/currency"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// RemedyType says what kind of remedy is offered. It is stored in clear for
// outcome reporting; the details are sealed.
type RemedyType string

const (
	RemedyCompensation     RemedyType = "compensation"
	RemedyBackPay          RemedyType = "back_pay"
	RemedyReinstatement    RemedyType = "reinstatement"
	RemedyDocumentReturn   RemedyType = "document_return"
	RemedyDebtCancellation RemedyType = "debt_cancellation"
	RemedyRepatriation     RemedyType = "repatriation"
	RemedyHealthSupport    RemedyType = "health_support" // medical or psychosocial care
	RemedyApology          RemedyType = "apology"
	RemedyPolicyChange     RemedyType = "policy_change"
	RemedyLandRestitution  RemedyType = "land_restitution"
	RemedyRestoration      RemedyType = "environmental_restoration"
	RemedyOther            RemedyType = "other"
)

// RemedyTypes lists every remedy type.
func RemedyTypes() []RemedyType {
	return []RemedyType{RemedyCompensation, RemedyBackPay, RemedyReinstatement, RemedyDocumentReturn,
		RemedyDebtCancellation, RemedyRepatriation, RemedyHealthSupport, RemedyApology,
		RemedyPolicyChange, RemedyLandRestitution, RemedyRestoration, RemedyOther}
}

// RemedyStatus is where a remedy stands.
type RemedyStatus string

const (
	RemedyProposed    RemedyStatus = "proposed"
	RemedyAccepted    RemedyStatus = "accepted"
	RemedyContested   RemedyStatus = "contested"
	RemedyImplemented RemedyStatus = "implemented"
	RemedyWithdrawn   RemedyStatus = "withdrawn"
)

// Money is an amount in minor units (cents) of an ISO 4217 currency.
type Money struct {
	Minor    int64
	Currency string
}

// MinorDigits is the number of decimals of a currency's minor unit (2 for
// USD, 0 for JPY, 3 for KWD), from the Unicode CLDR data in
// golang.org/x/text; an unknown code is taken to have 2.
func MinorDigits(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// String shows the amount in the currency's own units, as people read
// it: 3600000 US cents is "USD 36,000.00", 36000 yen "JPY 36,000".
func (m Money) String() string {
	d := MinorDigits(m.Currency)
	n := m.Minor
	if n < 0 {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	for len(s) <= d {
		s = "0" + s
	}
	whole := s[:len(s)-d]
	var b strings.Builder
	if m.Minor < 0 {
		b.WriteByte('-')
	}
	for i := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if d > 0 {
		b.WriteString("." + s[len(s)-d:])
	}
	if m.Currency == "" {
		return b.String()
	}
	return m.Currency + " " + b.String()
}

// Remedy is one remedy proposed on a case.
type Remedy struct {
	ID       string
	ReportID string
	Type     RemedyType
	Amount   Money // zero when not monetary
	Status   RemedyStatus

	Proposed    Day
	ProposedBy  string // handler user id
	Responded   Day    // when the reporter accepted or contested
	Implemented Day
	VerifiedBy  string // handler user id who verified implementation

	// Sealed with the report's data key.
	Description     []byte // Field{TableRemedy, ColumnRemedyText, ID}
	ReporterComment []byte // Field{TableRemedy, ColumnRemedyReply, ID}
	// The evidence recorded when the remedy was implemented: the
	// handler's note, and a file's name and type and the file itself.
	EvidenceNote []byte // Field{TableRemedy, ColumnEvidence, ID}
	EvidenceMeta []byte // Field{TableRemedy, ColumnEvidenceMeta, ID}; empty without a file
	EvidenceFile []byte // Field{TableRemedy, ColumnEvidenceFile, ID}; loaded only by RemedyStore.RemedyEvidence

	Version int
}

// Evidence is what a handler records when a remedy is carried out: what
// was done and how it was checked, the day it was done, and optionally a
// file (a payment receipt, a signed statement, a photo).
type Evidence struct {
	Note string
	Day  Day
	File *Attachment
}

// Check validates the evidence for a remedy proposed on proposed, on
// today: a note, a day neither before the proposal nor in the future, and
// a file within the attachment limits.
func (e Evidence) Check(proposed, today Day) error {
	if strings.TrimSpace(e.Note) == "" {
		return kernel.Errorf(kernel.Invalid, "evidence: say what was done and how you checked it")
	}
	if err := checkText("the evidence note", e.Note, MaxMessageBytes); err != nil {
		return err
	}
	switch {
	case e.Day.IsZero():
		return kernel.Errorf(kernel.Invalid, "evidence: give the day the remedy was carried out")
	case e.Day.After(today):
		return kernel.Errorf(kernel.Invalid, "evidence: the day the remedy was carried out cannot be in the future")
	case !proposed.IsZero() && e.Day.Before(proposed):
		return kernel.Errorf(kernel.Invalid, "evidence: the remedy was proposed on %s; it cannot have been carried out before", proposed)
	}
	if a := e.File; a != nil {
		if len(a.Content) == 0 || len(a.Content) > MaxAttachmentBytes {
			return kernel.Errorf(kernel.Invalid, "evidence: the file must be between 1 byte and %d MB", MaxAttachmentBytes>>20)
		}
		if len(a.Name) > 255 || !utf8.ValidString(a.Name) || strings.ContainsRune(a.Name, 0) || len(a.MediaType) > 100 {
			return kernel.Errorf(kernel.Invalid, "evidence: the file's name or type is not valid")
		}
	}
	return nil
}

// ProposeRemedy makes a new remedy record. The case must be in remediation.
func ProposeRemedy(c Case, reportID string, t RemedyType, amount Money, handlerID string, description []byte, today Day) (Remedy, error) {
	if c.Stage != StageRemediation {
		return Remedy{}, kernel.Errorf(kernel.Invalid, "remedies can be proposed only while the case is in remediation")
	}
	if !slices.Contains(RemedyTypes(), t) {
		return Remedy{}, kernel.Errorf(kernel.Invalid, "unknown remedy type")
	}
	if amount.Minor < 0 {
		return Remedy{}, kernel.Errorf(kernel.Invalid, "a remedy amount cannot be negative")
	}
	if amount.Minor > 0 && !isCurrency(amount.Currency) {
		return Remedy{}, kernel.Errorf(kernel.Invalid, "an amount needs an ISO 4217 currency code")
	}
	if handlerID == "" {
		return Remedy{}, kernel.Errorf(kernel.Invalid, "a remedy needs the handler who proposes it")
	}
	return Remedy{
		ID: kernel.NewRandomID(), ReportID: reportID, Type: t, Amount: amount, Status: RemedyProposed,
		Proposed: today, ProposedBy: handlerID, Description: description,
	}, nil
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Respond records the reporter's answer to a proposed remedy: accepted, or
// contested with a comment (sealed by the caller). Only a proposed remedy
// can be answered, and a contest needs a comment.
func (r Remedy) Respond(accept bool, comment []byte, today Day) (Remedy, error) {
	if r.Status != RemedyProposed {
		return r, kernel.Errorf(kernel.Invalid, "this remedy is %s and can no longer be answered", r.Status)
	}
	if !accept && len(comment) == 0 {
		return r, kernel.Errorf(kernel.Invalid, "please say why you contest the remedy")
	}
	r.Status = RemedyAccepted
	if !accept {
		r.Status = RemedyContested
	}
	r.Responded = today
	r.ReporterComment = comment
	return r, nil
}

// Implement records that the remedy was carried out, verified by a handler.
// An accepted remedy can be implemented; so can a proposed one the reporter
// never answered (many reporters never return), which the record shows by
// its empty Responded day. A contested remedy cannot: propose another.
func (r Remedy) Implement(verifiedBy string, today Day) (Remedy, error) {
	return r.ImplementOn(verifiedBy, today)
}

// ImplementOn is Implement for a remedy carried out on day.
func (r Remedy) ImplementOn(verifiedBy string, day Day) (Remedy, error) {
	if r.Status != RemedyAccepted && r.Status != RemedyProposed {
		return r, kernel.Errorf(kernel.Invalid, "a %s remedy cannot be marked implemented", r.Status)
	}
	if verifiedBy == "" {
		return r, kernel.Errorf(kernel.Invalid, "implementation must be verified by a handler")
	}
	r.Status = RemedyImplemented
	r.Implemented = day
	r.VerifiedBy = verifiedBy
	return r, nil
}

// Withdraw takes back a remedy that was not implemented.
func (r Remedy) Withdraw() (Remedy, error) {
	if r.Status == RemedyImplemented || r.Status == RemedyWithdrawn {
		return r, kernel.Errorf(kernel.Invalid, "a %s remedy cannot be withdrawn", r.Status)
	}
	r.Status = RemedyWithdrawn
	return r, nil
}
