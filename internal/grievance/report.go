package grievance

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Channel is how a report arrived.
type Channel string

const (
	ChannelWeb       Channel = "web"
	ChannelSMS       Channel = "sms"
	ChannelMessaging Channel = "messaging"
	ChannelInPerson  Channel = "in_person" // entered by a handler on the reporter's behalf
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelWeb, ChannelSMS, ChannelMessaging, ChannelInPerson:
		return true
	}
	return false
}

// Severity is the handler's triage assessment. A new report is
// Unassessed, unless the reporter says someone is in danger now.
type Severity string

const (
	SeverityUnassessed Severity = "unassessed"
	SeverityLow        Severity = "low"
	SeverityMedium     Severity = "medium"
	SeverityHigh       Severity = "high"
	SeverityCritical   Severity = "critical" // risk to life or liberty now
)

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool {
	switch s {
	case SeverityUnassessed, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical:
		return true
	}
	return false
}

// Triage holds the only report fields stored in clear: coarse enough for
// routing, deadlines and early-warning counts, never enough to identify a
// reporter on their own.
type Triage struct {
	Categories []Category
	SupplierID string // optional link to a supply-chain party
	Country    string // ISO 3166 alpha-2, optional
	Received   Day
	Channel    Channel
	Severity   Severity
}

// Validate checks the triage fields. Normalising the country and resolving
// the supplier are the caller's job (internal/country, internal/supplychain).
func (t Triage) Validate() error {
	if len(t.Categories) == 0 {
		return kernel.Errorf(kernel.Invalid, "a report needs at least one category")
	}
	for _, c := range t.Categories {
		if !c.Valid() {
			return kernel.Errorf(kernel.Invalid, "unknown category %q", truncate(string(c), 40))
		}
	}
	if t.Country != "" && !isAlpha2(t.Country) {
		return kernel.Errorf(kernel.Invalid, "country must be an ISO 3166 alpha-2 code")
	}
	if t.SupplierID != "" && !kernel.ValidID(t.SupplierID) {
		return kernel.Errorf(kernel.Invalid, "supplier id is not valid")
	}
	if t.Received.IsZero() {
		return kernel.Errorf(kernel.Invalid, "a report needs the day it was received")
	}
	if !t.Channel.Valid() {
		return kernel.Errorf(kernel.Invalid, "unknown channel")
	}
	if !t.Severity.Valid() {
		return kernel.Errorf(kernel.Invalid, "unknown severity")
	}
	return nil
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// Sealed column names: the associated data of each sealed field is
// "grievance_report:<column>:<report id>" (see vault.Field).
const (
	TableReport        = "grievance_report"
	ColumnNarrative    = "narrative"
	ColumnContact      = "contact"
	ColumnIdentity     = "identity"
	TableAttachment    = "grievance_attachment"
	ColumnAttachMeta   = "meta"
	ColumnAttachBody   = "content"
	TableMessage       = "grievance_message"
	ColumnMessageBody  = "body"
	TableRemedy        = "grievance_remedy"
	ColumnRemedyText   = "description"
	ColumnRemedyReply  = "reporter_comment"
	ColumnEvidence     = "evidence_note"
	ColumnEvidenceMeta = "evidence_meta"
	ColumnEvidenceFile = "evidence_file"
)

// Limits on what a reporter can send, so intake stays cheap and bounded.
const (
	MaxNarrativeBytes  = 32 << 10
	MaxContactBytes    = 1 << 10
	MaxIdentityBytes   = 1 << 10
	MaxMessageBytes    = 8 << 10
	MaxAttachmentBytes = 5 << 20
	MaxAttachments     = 5
)

// Submission is what a reporter sends, in clear, before sealing. It lives
// only in memory during intake.
type Submission struct {
	Triage      Triage
	Narrative   string
	Contact     string // optional: how the reporter wants to be reached
	Identity    string // optional: name, employee number, anything identifying
	Attachments []Attachment
	Consents    []Consent // answers given on the form; their Day is set by intake
}

// Attachment is a file from the reporter, in clear, before sealing.
type Attachment struct {
	Name      string
	MediaType string // checked by the caller against the allowed types
	Content   []byte
}

// Validate checks sizes and text encoding. Text must be valid UTF-8; the
// web layer renders everything inert, so markup is not rejected here.
func (s Submission) Validate() error {
	if err := s.Triage.Validate(); err != nil {
		return err
	}
	fields := []struct {
		name, v string
		max     int
	}{
		{"the description", s.Narrative, MaxNarrativeBytes},
		{"the contact details", s.Contact, MaxContactBytes},
		{"the identity details", s.Identity, MaxIdentityBytes},
	}
	for _, f := range fields {
		if len(f.v) > f.max {
			return kernel.Errorf(kernel.Invalid, "%s is too long (at most %d KB)", f.name, f.max>>10)
		}
		if !utf8.ValidString(f.v) {
			return kernel.Errorf(kernel.Invalid, "%s contains characters that could not be read", f.name)
		}
	}
	if s.Narrative == "" && len(s.Attachments) == 0 {
		return ErrNothingReported
	}
	if len(s.Attachments) > MaxAttachments {
		return kernel.Errorf(kernel.Invalid, "at most %d files can be attached", MaxAttachments)
	}
	for _, c := range s.Consents {
		if !slices.Contains(Purposes(), c.Purpose) {
			return kernel.Errorf(kernel.Invalid, "unknown consent purpose")
		}
	}
	for _, a := range s.Attachments {
		if len(a.Content) == 0 || len(a.Content) > MaxAttachmentBytes {
			return kernel.Errorf(kernel.Invalid, "each file must be between 1 byte and %d MB", MaxAttachmentBytes>>20)
		}
		if len(a.Name) > 255 || !utf8.ValidString(a.Name) || strings.ContainsRune(a.Name, 0) || len(a.MediaType) > 100 {
			return kernel.Errorf(kernel.Invalid, "a file name or type is not valid")
		}
	}
	return nil
}

// Report is a report as stored: clear triage and workflow fields, sealed
// fields as ciphertext. Nothing in it says who the reporter is.
type Report struct {
	ID      string
	OrgID   string
	Locator string // the receipt's locator, unique among the organisation's live reports
	Triage  Triage
	Case    Case

	// Sealed fields, each made by vault.Seal for Field{TableReport, column, ID}.
	Narrative []byte
	Contact   []byte
	Identity  []byte

	// Purged is set by ReportStore.PurgeReport: keys and sealed data are
	// gone and only the clear triage row remains, for aggregate counts.
	Purged bool

	// Version increases with every update, for optimistic concurrency.
	Version int
}

// SealedAttachment is an attachment as stored. Its name and media type are
// sealed together in Meta so the file type says nothing either.
type SealedAttachment struct {
	ID       string
	ReportID string
	Meta     []byte // sealed: Field{TableAttachment, ColumnAttachMeta, ID}
	Content  []byte // sealed: Field{TableAttachment, ColumnAttachBody, ID}
}

// Opened is a report's sealed fields in clear, for a handler or for the
// reporter who holds the receipt.
type Opened struct {
	Narrative string
	Contact   string
	Identity  string
}
