package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Invitation is an admin's offer of an account at their organisation to an
// e-mail address. The person completes it through a single-use link sent to
// that address, choosing their own password. Only the hash of the link's
// secret is stored.
type Invitation struct {
	ID        string
	OrgID     string
	Email     string
	Name      string
	Role      Role
	TokenHash string
	InvitedBy string // audit actor of the admin, "user:<id>"
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// InvitationLifetime is how long an invitation link works.
const InvitationLifetime = 7 * 24 * time.Hour

// Mailer sends one plain-text e-mail.
type Mailer interface {
	SendMail(ctx context.Context, to, subject, body string) error
}

// Invitations is what sending invitations needs: a mail server, and the
// address people reach the server at, for the link. Either missing turns
// invitations off.
type Invitations struct {
	Mail     Mailer
	LinkBase string // e.g. https://upstream.example.org
}

// ActionUserInvite is the audit action of an invitation (the role offered).
const ActionUserInvite = "account.user.invite"

// ErrInvitationsOff says why no invitation can be sent. It is the same for
// every address.
var ErrInvitationsOff = kernel.Errorf(kernel.Unavailable,
	"invitations need e-mail: ask the server's operator to set UPSTREAM_SMTP_ADDR, UPSTREAM_SMTP_FROM and UPSTREAM_PUBLIC_URL, or to add the person with 'upstream user add'")

var errInvitationGone = kernel.Errorf(kernel.NotFound,
	"this invitation link does not work any more: it was used already, a newer invitation replaced it, or it is more than 7 days old. Ask for a new one")

// NewInvitation describes an invitation to send.
type NewInvitation struct {
	By    string // audit actor: "user:<id>"
	OrgID string
	Email string
	Name  string
	Role  Role
}

// Invite offers an account to an address. The admin's answer is the same
// whether or not the address already has an account elsewhere on the
// server: the invitation is stored and an e-mail goes to the address either
// way. A free address receives the link; an address with an account at
// another organisation receives a note saying so instead, and no link, so
// nobody but its owner learns that it is taken. An address already in the
// admin's own organisation is named (it is in their list anyway).
// A newer invitation to the same address replaces older ones.
func (s *Service) Invite(ctx context.Context, ni NewInvitation) (Invitation, error) {
	email, err := NormaliseEmail(ni.Email)
	if err != nil {
		return Invitation{}, err
	}
	if _, err := ParseRole(string(ni.Role)); err != nil {
		return Invitation{}, kernel.Wrap(kernel.Invalid, err, "role")
	}
	name := strings.TrimSpace(ni.Name)
	if name == "" || len([]rune(name)) > 100 {
		return Invitation{}, kernel.Errorf(kernel.Invalid, "name must be 1-100 characters")
	}
	if s.Invitations.Mail == nil || s.Invitations.LinkBase == "" {
		return Invitation{}, ErrInvitationsOff
	}
	org, err := s.Store.OrgByID(ctx, ni.OrgID)
	if err != nil {
		return Invitation{}, fmt.Errorf("invite: %w", err)
	}
	existing, err := s.Store.UserByEmail(ctx, email)
	taken := err == nil
	switch {
	case err != nil && !kernel.IsCode(err, kernel.NotFound):
		return Invitation{}, fmt.Errorf("invite: %w", err)
	case taken && existing.OrgID == ni.OrgID:
		return Invitation{}, kernel.Errorf(kernel.Conflict, "%s already has an account in this organisation", email)
	}
	secret, err := randomString(32)
	if err != nil {
		return Invitation{}, err
	}
	now := s.Clock.Now()
	inv := Invitation{ID: kernel.NewID(), OrgID: ni.OrgID, Email: email, Name: name, Role: ni.Role, TokenHash: HashSecret(secret),
		InvitedBy: ni.By, CreatedAt: now, ExpiresAt: now.Add(InvitationLifetime)}
	if s.Audit != nil {
		if err := s.Audit(ctx, ni.OrgID, ni.By, ActionUserInvite, "invitation:"+inv.ID, map[string]string{"role": string(ni.Role)}); err != nil {
			return Invitation{}, err
		}
	}
	if err := s.Store.CreateInvitation(ctx, inv); err != nil {
		return Invitation{}, fmt.Errorf("invite: %w", err)
	}
	subject, body := invitationMail(org.Name, name, ni.Role, strings.TrimRight(s.Invitations.LinkBase, "/")+"/invitations/"+secret, taken)
	if err := s.Invitations.Mail.SendMail(ctx, email, subject, body); err != nil {
		return Invitation{}, kernel.Wrap(kernel.Unavailable, err, "the invitation e-mail could not be sent; try again later")
	}
	return inv, nil
}

// invitationMail is the e-mail an invited address receives: the link, or,
// for an address that has an account elsewhere on this server, a note
// without one.
func invitationMail(org, name string, role Role, link string, taken bool) (subject, body string) {
	if taken {
		return "Your Upstream address and " + org,
			"Hello,\n\nSomeone at " + org + " invited this address to Upstream as " + roleWords(role) + ". " +
				"This address already has an account on this Upstream server, and an address can belong to one organisation only, " +
				"so no account was made.\n\nIf you expected this, tell them to invite another address of yours. " +
				"If not, you need do nothing; " + org + " was not told that the address has an account.\n"
	}
	return "Your invitation to " + org + " on Upstream",
		"Hello " + name + ",\n\n" + org + " invites you to Upstream as " + roleWords(role) + ". " +
			"Open this link to choose your password; it works once, for 7 days:\n\n" + link + "\n\n" +
			"If you did not expect this, ignore this e-mail: without the link nobody can use the invitation.\n"
}

func roleWords(r Role) string {
	switch r {
	case RoleAdmin:
		return "an administrator"
	case RoleAnalyst:
		return "an analyst"
	case RoleCaseHandler:
		return "a case handler"
	}
	return "a viewer"
}

// Invitation returns the invitation of a link's secret while it can still
// be used, with its organisation.
func (s *Service) Invitation(ctx context.Context, secret string) (Invitation, Org, error) {
	if len(secret) < 20 {
		return Invitation{}, Org{}, errInvitationGone
	}
	inv, err := s.Store.InvitationByHash(ctx, HashSecret(secret))
	if kernel.IsCode(err, kernel.NotFound) {
		return Invitation{}, Org{}, errInvitationGone
	}
	if err != nil {
		return Invitation{}, Org{}, fmt.Errorf("invitation: %w", err)
	}
	if !inv.UsedAt.IsZero() || !s.Clock.Now().Before(inv.ExpiresAt) {
		return Invitation{}, Org{}, errInvitationGone
	}
	o, err := s.Store.OrgByID(ctx, inv.OrgID)
	if err != nil {
		return Invitation{}, Org{}, fmt.Errorf("invitation: %w", err)
	}
	return inv, o, nil
}

// AcceptInvitation makes the account of an invitation with the password the
// person chose. Using the invitation and creating the user are one step in
// the store: of parallel attempts with one link, exactly one makes an
// account. A password refused for weakness leaves the link usable.
func (s *Service) AcceptInvitation(ctx context.Context, secret, name, password string) (User, error) {
	inv, org, err := s.Invitation(ctx, secret)
	if err != nil {
		return User{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = inv.Name
	}
	if len([]rune(name)) > 100 {
		return User{}, kernel.Errorf(kernel.Invalid, "name must be at most 100 characters")
	}
	if err := ValidatePassword(password, inv.Email, name, org.Name+" "+org.Slug); err != nil {
		return User{}, kernel.Errorf(kernel.Invalid, "%v", err)
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return User{}, err
	}
	now := s.Clock.Now()
	u := User{ID: kernel.NewID(), OrgID: inv.OrgID, Email: inv.Email, Name: name, Role: inv.Role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	switch err := s.Store.AcceptInvitation(ctx, inv.TokenHash, now, u); {
	case kernel.IsCode(err, kernel.NotFound):
		return User{}, errInvitationGone
	case kernel.IsCode(err, kernel.Conflict):
		// The address got an account since the invitation was sent.
		return User{}, kernel.Errorf(kernel.Conflict, "%s", ErrAddressUnavailable)
	case err != nil:
		return User{}, fmt.Errorf("accept invitation: %w", err)
	}
	// Audited once the account exists: of parallel attempts, only the one
	// that made it is recorded.
	if err := s.audit(ctx, inv.OrgID, "invitation:"+inv.ID, ActionUserCreate, u.ID, map[string]string{"role": string(inv.Role)}); err != nil {
		return User{}, err
	}
	return u, nil
}
