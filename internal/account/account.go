package account

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Org is a tenant. Every stored row belongs to exactly one organisation.
type Org struct {
	ID        string
	Slug      string // URL name, e.g. "demo"; lower-case letters, digits and dashes
	Name      string
	CreatedAt time.Time
	// RetentionDays is how long closed grievance reports are kept before
	// they are purged; 0 keeps them. New organisations get three years.
	RetentionDays int
	// SupplierSearch offers reporters a search of the organisation's
	// supplier names on the intake form. Off by default: it shows those
	// names to anyone who has the reporting link.
	SupplierSearch bool
}

// DefaultRetentionDays is the retention of a new organisation.
const DefaultRetentionDays = 1095

// MaxRetentionDays bounds the setting (30 years).
const MaxRetentionDays = 30 * 366

// ValidateRetention checks a retention setting.
func ValidateRetention(days int) error {
	if days < 0 || days > MaxRetentionDays {
		return kernel.Errorf(kernel.Invalid, "retention must be between 0 (keep) and %d days", MaxRetentionDays)
	}
	return nil
}

// User is a member of staff of one organisation.
type User struct {
	ID           string
	OrgID        string
	Email        string // unique across organisations: it is the login name
	Name         string
	Role         Role
	PasswordHash string
	Disabled     bool
	// TOTPSecret is set once a second factor is enrolled and confirmed.
	TOTPSecret string
	// TOTPPending holds a secret during enrolment until a code confirms it.
	TOTPPending string
	// TOTPLastStep blocks replay of an accepted code.
	TOTPLastStep int64
	// RecoveryHashes are the hashes of unused recovery codes.
	RecoveryHashes []string
	// Language is the language code the person chose for the staff
	// pages; empty follows their browser.
	Language  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TOTPEnabled reports whether the user has a confirmed second factor.
func (u User) TOTPEnabled() bool { return u.TOTPSecret != "" }

// Session is a signed-in staff browser session. Only the hash of the token
// is stored.
type Session struct {
	TokenHash string
	UserID    string
	OrgID     string
	CreatedAt time.Time
	LastSeen  time.Time
	// SealedKey is the user's private key material (a case handler's
	// decryption key), sealed under a key derived from the session token.
	// The server stores only the token's hash, so a copy of the database
	// cannot open it; only a request carrying the cookie can.
	SealedKey []byte
}

// APIToken lets a program use the JSON API as its user, within its scopes
// and never beyond the user's role at the time of each request. Only its
// hash is stored.
type APIToken struct {
	ID     string
	OrgID  string
	UserID string
	Name   string
	Hash   string
	Prefix string // the first characters, shown to tell tokens apart
	Scopes Scopes
	// ExpiresAt is when the token stops working; zero for never.
	ExpiresAt  time.Time
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// State says whether the token works at now: "active", "expired" or
// "revoked".
func (t APIToken) State(now time.Time) string {
	switch {
	case !t.RevokedAt.IsZero():
		return "revoked"
	case !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt):
		return "expired"
	}
	return "active"
}

// Store keeps organisations, users, sessions and tokens. Every method that
// takes an orgID reads and writes only that organisation's rows. The lookups
// by email, session hash and token hash establish the tenant and so are the
// only ones without an orgID.
//
// Errors: kernel.NotFound when a row does not exist (in that organisation),
// kernel.Conflict on a duplicate slug, email or token.
type Store interface {
	CreateOrg(ctx context.Context, o Org) error
	OrgBySlug(ctx context.Context, slug string) (Org, error)
	OrgByID(ctx context.Context, id string) (Org, error)
	ListOrgs(ctx context.Context) ([]Org, error)
	SetRetention(ctx context.Context, orgID string, days int) error
	// SetSupplierSearch turns the intake form's supplier search on or off.
	SetSupplierSearch(ctx context.Context, orgID string, on bool) error
	// EmergencyGuidance lists the organisation's guidance texts.
	EmergencyGuidance(ctx context.Context, orgID string) ([]EmergencyGuidance, error)
	// SetEmergencyGuidance adds or replaces the text for its country and
	// language.
	SetEmergencyGuidance(ctx context.Context, g EmergencyGuidance) error
	// DeleteEmergencyGuidance removes one text; NotFound when there is none.
	DeleteEmergencyGuidance(ctx context.Context, orgID, country, lang string) error

	CreateUser(ctx context.Context, u User) error
	UserByEmail(ctx context.Context, email string) (User, error)
	User(ctx context.Context, orgID, id string) (User, error)
	ListUsers(ctx context.Context, orgID string) ([]User, error)
	UpdateUser(ctx context.Context, u User) error
	CountAdmins(ctx context.Context) (int, error)

	CreateSession(ctx context.Context, s Session) error
	SessionByHash(ctx context.Context, tokenHash string) (Session, error)
	TouchSession(ctx context.Context, tokenHash string, at time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
	DeleteUserSessions(ctx context.Context, orgID, userID string) error

	CreateAPIToken(ctx context.Context, t APIToken) error
	APITokenByHash(ctx context.Context, hash string) (APIToken, error)
	ListAPITokens(ctx context.Context, orgID, userID string) ([]APIToken, error)
	RevokeAPIToken(ctx context.Context, orgID, userID, id string, at time.Time) error
	TouchAPIToken(ctx context.Context, id string, at time.Time) error
	// RevokeUserAPITokens revokes every live token of the user.
	RevokeUserAPITokens(ctx context.Context, orgID, userID string, at time.Time) error

	// CreateInvitation stores an invitation, replacing unused ones to the
	// same address in the organisation.
	CreateInvitation(ctx context.Context, inv Invitation) error
	// InvitationByHash finds an invitation by its link's hash, used or not.
	InvitationByHash(ctx context.Context, tokenHash string) (Invitation, error)
	// AcceptInvitation marks the invitation used and creates u, in one
	// transaction: NotFound when it is used, replaced or expired at now
	// (so of parallel calls exactly one succeeds), Conflict when the
	// address has an account by now (the invitation stays unused).
	AcceptInvitation(ctx context.Context, tokenHash string, now time.Time, u User) error
	// ListInvitations returns the organisation's invitations that can
	// still be used at now, newest first.
	ListInvitations(ctx context.Context, orgID string, now time.Time) ([]Invitation, error)

	// BeginLoginAttempt counts an attempt against a login name atomically
	// and returns its number, or 0 and the end of the lock while the name
	// is locked.
	BeginLoginAttempt(ctx context.Context, nameHash string, r AttemptRule) (int, time.Time, error)
	// FailLoginAttempt locks the name until the given time, unless other
	// attempts have been counted since attempt n.
	FailLoginAttempt(ctx context.Context, nameHash string, n int, lockedUntil time.Time) error
	// ReleaseLoginAttempt takes back attempt n and its hold when it is
	// still the last.
	ReleaseLoginAttempt(ctx context.Context, nameHash string, n int) error
	ClearLoginAttempts(ctx context.Context, nameHash string) error
	// AcceptTOTPStep stores step as the last used one when it is later;
	// false means the code was used already.
	AcceptTOTPStep(ctx context.Context, orgID, userID string, step int64) (bool, error)
	// UseRecoveryCode removes an unused recovery code; false means it was
	// not (or no longer) there.
	UseRecoveryCode(ctx context.Context, orgID, userID, hash string) (bool, error)
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidateSlug checks an organisation slug.
func ValidateSlug(s string) error {
	if !slugRE.MatchString(s) {
		return kernel.Errorf(kernel.Invalid, "organisation slug %q must be 1-63 lower-case letters, digits or dashes", s)
	}
	return nil
}

// NormaliseEmail validates an email address and returns its canonical
// (lower-case, trimmed) form.
func NormaliseEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") {
		return "", kernel.Errorf(kernel.Invalid, "%q is not a valid email address", s)
	}
	return s, nil
}
