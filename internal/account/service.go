package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Audit actions of staff account changes. A role is granted by creating a
// user with it; every grant, disable, enable and second-factor reset names
// who did it.
const (
	ActionUserCreate  = "account.user.create"
	ActionUserDisable = "account.user.disable"
	ActionUserEnable  = "account.user.enable"
	ActionUserReset2F = "account.user.reset_second_factor"
)

// KeyUnlocker opens a user's private key material with their password at
// sign-in, so it can be held for the length of the session. It returns nil
// when the user has no key. The grievance capability provides one so that
// case handlers can decrypt the reports wrapped to them.
type KeyUnlocker interface {
	Unlock(ctx context.Context, u User, password string) ([]byte, error)
}

// Service carries out account operations on a Store.
type Service struct {
	// Keys, when set, unlocks private keys at sign-in.
	Keys KeyUnlocker
	// Audit, when set, records user creation (the role granted),
	// disabling, enabling and second-factor resets before they take effect.
	Audit       AuditFunc
	Store       Store
	Hasher      *Hasher
	Clock       kernel.Clock
	Throttle    Throttle
	global      *gate
	IdleTimeout time.Duration // a session unused this long ends
	MaxSession  time.Duration // a session ends this long after sign-in, used or not

	// Invitations, when set up, sends the e-mails of invitations.
	Invitations Invitations

	tokens *tokenCache
}

// TokenCacheTTL is how long a checked API token is trusted without a new
// lookup on the same server.
const TokenCacheTTL = 10 * time.Second

// NewService returns a Service with production defaults.
func NewService(store Store, hasher *Hasher, clock kernel.Clock) *Service {
	return &Service{Store: store, Hasher: hasher, Clock: clock, Throttle: DefaultThrottle, global: newGate(DefaultThrottle.Global),
		IdleTimeout: 30 * time.Minute, MaxSession: 12 * time.Hour, tokens: newTokenCache(TokenCacheTTL, 10000)}
}

// SetThrottle replaces the sign-in throttle (tests and operators tune it).
func (s *Service) SetThrottle(t Throttle) {
	s.Throttle = t
	s.global = newGate(t.Global)
}

// ErrSecondFactor is returned by Login when the password was right and a
// TOTP or recovery code is needed (or was wrong).
var ErrSecondFactor = kernel.Errorf(kernel.Unauthorised, "enter the 6-digit code from your authenticator app, or a recovery code")

var errBadLogin = kernel.Errorf(kernel.Unauthorised, "wrong email or password")

// Login checks email, password and (when enrolled) a TOTP or recovery code.
// On success it returns the user and a new session token; the token is only
// ever returned here.
//
// Every attempt is first counted against the login name in the store, in
// one atomic statement, before the password is looked at: parallel attempts
// cannot all read the same count, and at most Throttle.Free wrong passwords
// are checked before the name locks. A name that belongs to no user is
// counted and locked the same way, so no answer says whether it exists.
func (s *Service) Login(ctx context.Context, email, password, code string) (User, string, error) {
	now := s.Clock.Now()
	if wait, ok := s.global.take(now); !ok {
		return User{}, "", kernel.Errorf(kernel.RateLimited, "this server is receiving too many sign-in attempts; try again in %s", roundWait(wait))
	}
	name := loginName(email)
	n, until, err := s.Store.BeginLoginAttempt(ctx, name, s.Throttle.rule(now))
	if err != nil {
		return User{}, "", fmt.Errorf("login: %w", err)
	}
	if n == 0 {
		return User{}, "", lockedError(until.Sub(now))
	}
	u, ok, err := s.checkPassword(ctx, email, password)
	if err != nil {
		return User{}, "", fmt.Errorf("login: %w", err)
	}
	if !ok {
		return User{}, "", s.recordFailure(ctx, name, n, now, errBadLogin)
	}
	if u.TOTPEnabled() {
		if code == "" {
			if err := s.Store.ReleaseLoginAttempt(ctx, name, n); err != nil {
				return User{}, "", fmt.Errorf("login: %w", err)
			}
			return User{}, "", ErrSecondFactor
		}
		ok, err := s.useSecondFactor(ctx, u, code, now)
		if err != nil {
			return User{}, "", fmt.Errorf("login: %w", err)
		}
		if !ok {
			return User{}, "", s.recordFailure(ctx, name, n, now, ErrSecondFactor)
		}
	}
	if err := s.Store.ClearLoginAttempts(ctx, name); err != nil {
		return User{}, "", fmt.Errorf("login: %w", err)
	}
	var secret []byte
	if s.Keys != nil {
		if secret, err = s.Keys.Unlock(ctx, u, password); err != nil {
			return User{}, "", fmt.Errorf("login: unlock keys: %w", err)
		}
	}
	token, err := s.startSession(ctx, u, secret)
	if err != nil {
		return User{}, "", err
	}
	return u, token, nil
}

// checkPassword reports whether email names an enabled user whose password
// this is. An unknown or malformed email spends the same hashing work as a
// known one.
func (s *Service) checkPassword(ctx context.Context, email, password string) (User, bool, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		s.Hasher.Burn(ctx, password)
		return User{}, false, nil
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if kernel.IsCode(err, kernel.NotFound) {
		s.Hasher.Burn(ctx, password)
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, err
	}
	ok, err := s.Hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return User{}, false, err
	}
	return u, ok && !u.Disabled, nil
}

// recordFailure locks the name when attempt n was one too many, and returns
// cause.
func (s *Service) recordFailure(ctx context.Context, name string, n int, now time.Time, cause error) error {
	d := s.Throttle.lockFor(n)
	if d == 0 {
		return cause
	}
	if err := s.Store.FailLoginAttempt(ctx, name, n, now.Add(d)); err != nil {
		return fmt.Errorf("login: record failure: %w", err)
	}
	return cause
}

// useSecondFactor accepts a TOTP code or a recovery code, each once: the
// store takes the TOTP step or removes the recovery code atomically, so of
// parallel sign-ins with one code only one succeeds.
func (s *Service) useSecondFactor(ctx context.Context, u User, code string, now time.Time) (bool, error) {
	if step, ok := VerifyTOTP(u.TOTPSecret, code, now, u.TOTPLastStep); ok {
		return s.Store.AcceptTOTPStep(ctx, u.OrgID, u.ID, step)
	}
	if rc := normaliseRecoveryCode(code); rc != "" {
		return s.Store.UseRecoveryCode(ctx, u.OrgID, u.ID, HashSecret(rc))
	}
	return false, nil
}

func (s *Service) startSession(ctx context.Context, u User, secret []byte) (string, error) {
	token, err := NewSessionToken()
	if err != nil {
		return "", err
	}
	var sealed []byte
	if secret != nil {
		if sealed, err = sealForSession(token, secret); err != nil {
			return "", err
		}
	}
	now := s.Clock.Now()
	if err := s.Store.CreateSession(ctx, Session{TokenHash: HashSecret(token), UserID: u.ID, OrgID: u.OrgID, CreatedAt: now, LastSeen: now, SealedKey: sealed}); err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return token, nil
}

// Principal is who is making a request: a user of one organisation.
type Principal struct {
	User User
	Org  Org
	// ViaToken is set when the request came with an API token; Scopes
	// are then the token's, and bound what the role allows.
	ViaToken bool
	Scopes   Scopes
	// Key is the private key material unlocked at sign-in (nil for API
	// tokens and users without a key). It lives only in memory for the
	// request.
	Key []byte
}

// Can reports whether the principal may read with perm: the role grants
// it and, through an API token, the token's scopes cover it.
func (p Principal) Can(perm Permission) bool { return p.CanRequest(perm, false) }

// CanRequest reports whether the principal may use perm for a request
// that changes something (change) or only reads. The role decides for a
// session; an API token needs, in addition, a scope covering the
// permission at that level, so a token never does more than its user's
// role allows today.
func (p Principal) CanRequest(perm Permission, change bool) bool {
	if !Allowed(p.User.Role, perm) {
		return false
	}
	return !p.ViaToken || p.Scopes.Covers(perm, change)
}

var errNoSession = kernel.Errorf(kernel.Unauthorised, "please sign in")

// Authenticate resolves a session token to its principal, ending sessions
// that have been idle too long or are too old.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, errNoSession
	}
	h := HashSecret(token)
	sess, err := s.Store.SessionByHash(ctx, h)
	if kernel.IsCode(err, kernel.NotFound) {
		return Principal{}, errNoSession
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	now := s.Clock.Now()
	if now.Sub(sess.LastSeen) > s.IdleTimeout || now.Sub(sess.CreatedAt) > s.MaxSession {
		_ = s.Store.DeleteSession(ctx, h)
		return Principal{}, errNoSession
	}
	p, err := s.principal(ctx, sess.OrgID, sess.UserID)
	if err != nil {
		return Principal{}, err
	}
	if len(sess.SealedKey) > 0 {
		if p.Key, err = openForSession(token, sess.SealedKey); err != nil {
			return Principal{}, errNoSession
		}
	}
	// Touch at most once a minute to keep writes low.
	if now.Sub(sess.LastSeen) > time.Minute {
		if err := s.Store.TouchSession(ctx, h, now); err != nil {
			return Principal{}, fmt.Errorf("authenticate: %w", err)
		}
	}
	return p, nil
}

func (s *Service) principal(ctx context.Context, orgID, userID string) (Principal, error) {
	u, err := s.Store.User(ctx, orgID, userID)
	if kernel.IsCode(err, kernel.NotFound) {
		return Principal{}, errNoSession
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if u.Disabled {
		return Principal{}, errNoSession
	}
	o, err := s.Store.OrgByID(ctx, orgID)
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	return Principal{User: u, Org: o}, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, HashSecret(token))
}

// AuthenticateToken resolves an API token to its principal: its user, as
// the user is now (a disabled user's tokens stop, a demoted user's lose
// what the new role lacks), with the token's scopes.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (Principal, error) {
	bad := kernel.Errorf(kernel.Unauthorised, "invalid, expired or revoked API token")
	if len(token) < len(APITokenPrefix)+10 {
		return Principal{}, bad
	}
	hash := HashSecret(token)
	now := s.Clock.Now()
	if p, ok := s.tokens.get(hash, now); ok {
		return p, nil
	}
	t, err := s.Store.APITokenByHash(ctx, hash)
	if kernel.IsCode(err, kernel.NotFound) {
		return Principal{}, bad
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate token: %w", err)
	}
	if t.State(now) != "active" {
		return Principal{}, bad
	}
	p, err := s.principal(ctx, t.OrgID, t.UserID)
	if err != nil {
		return Principal{}, bad
	}
	if now.Sub(t.LastUsedAt) > time.Minute {
		_ = s.Store.TouchAPIToken(ctx, t.ID, now)
	}
	p.ViaToken, p.Scopes = true, t.Scopes
	s.tokens.put(hash, t.ID, p, now, t.ExpiresAt)
	return p, nil
}

// Audit actions of API tokens.
const (
	ActionTokenCreate = "account.token.create"
	ActionTokenRevoke = "account.token.revoke"
)

// RevokeAPIToken revokes one of the user's tokens, audited; this server
// stops accepting it at once, others within TokenCacheTTL.
func (s *Service) RevokeAPIToken(ctx context.Context, orgID, userID, id string) error {
	if err := s.audit(ctx, orgID, "user:"+userID, ActionTokenRevoke, userID, map[string]string{"token": id}); err != nil {
		return err
	}
	if err := s.Store.RevokeAPIToken(ctx, orgID, userID, id, s.Clock.Now()); err != nil {
		return err
	}
	s.tokens.clear()
	return nil
}

// TokenRequest describes an API token to issue.
type TokenRequest struct {
	Name   string
	Scopes Scopes
	// ExpiresAt is when it stops working; zero for never. It must be in
	// the future and at most MaxTokenLifetime away.
	ExpiresAt time.Time
}

// MaxTokenLifetime bounds a token's expiry date.
const MaxTokenLifetime = 2 * 366 * 24 * time.Hour

// CreateAPIToken issues a token for the user, audited; the plain token is
// returned once and never stored. Scopes beyond the user's role are
// refused.
func (s *Service) CreateAPIToken(ctx context.Context, u User, nt TokenRequest) (APIToken, string, error) {
	name := strings.TrimSpace(nt.Name)
	if name == "" || len([]rune(name)) > 100 {
		return APIToken{}, "", kernel.Errorf(kernel.Invalid, "token name must be 1-100 characters")
	}
	scopes, err := ParseScopes(nt.Scopes.String())
	if err != nil {
		return APIToken{}, "", err
	}
	if err := checkGrantable(u.Role, scopes); err != nil {
		return APIToken{}, "", err
	}
	now := s.Clock.Now()
	if e := nt.ExpiresAt; !e.IsZero() && (!e.After(now) || e.Sub(now) > MaxTokenLifetime) {
		return APIToken{}, "", kernel.Errorf(kernel.Invalid, "the expiry date must be after today and at most two years away")
	}
	plain, err := NewAPIToken()
	if err != nil {
		return APIToken{}, "", err
	}
	t := APIToken{ID: kernel.NewID(), OrgID: u.OrgID, UserID: u.ID, Name: name, Hash: HashSecret(plain),
		Prefix: plain[:len(APITokenPrefix)+6], Scopes: scopes, ExpiresAt: nt.ExpiresAt.UTC(), CreatedAt: now}
	detail := map[string]string{"token": t.ID, "scopes": scopes.String()}
	if !t.ExpiresAt.IsZero() {
		detail["expires"] = t.ExpiresAt.Format(time.RFC3339)
	}
	if err := s.audit(ctx, u.OrgID, "user:"+u.ID, ActionTokenCreate, u.ID, detail); err != nil {
		return APIToken{}, "", err
	}
	if err := s.Store.CreateAPIToken(ctx, t); err != nil {
		return APIToken{}, "", fmt.Errorf("create API token: %w", err)
	}
	return t, plain, nil
}

// NewUser describes a user to create.
type NewUser struct {
	// By names who creates the user, for the audit log ("user:<id>",
	// "cli", "bootstrap").
	By       string
	OrgID    string
	Email    string
	Name     string
	Role     Role
	Password string
}

// CreateUser validates and stores a new user.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	email, err := NormaliseEmail(nu.Email)
	if err != nil {
		return User{}, err
	}
	if _, err := ParseRole(string(nu.Role)); err != nil {
		return User{}, kernel.Wrap(kernel.Invalid, err, "role")
	}
	if err := ValidatePassword(nu.Password, email, nu.Name, s.orgName(ctx, nu.OrgID)); err != nil {
		return User{}, kernel.Errorf(kernel.Invalid, "%v", err)
	}
	hash, err := s.Hasher.Hash(ctx, nu.Password)
	if err != nil {
		return User{}, err
	}
	now := s.Clock.Now()
	u := User{ID: kernel.NewID(), OrgID: nu.OrgID, Email: email, Name: nu.Name, Role: nu.Role,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := s.audit(ctx, nu.OrgID, nu.By, ActionUserCreate, u.ID, map[string]string{"role": string(nu.Role)}); err != nil {
		return User{}, err
	}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		if kernel.IsCode(err, kernel.Conflict) {
			return User{}, s.addressTaken(ctx, nu.OrgID, email, !strings.HasPrefix(nu.By, "user:"))
		}
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// SetPassword replaces a user's password and ends their sessions.
func (s *Service) SetPassword(ctx context.Context, orgID, userID, password string) error {
	u, err := s.Store.User(ctx, orgID, userID)
	if err != nil {
		return err
	}
	if err := ValidatePassword(password, u.Email, u.Name, s.orgName(ctx, orgID)); err != nil {
		return kernel.Errorf(kernel.Invalid, "%v", err)
	}
	if u.PasswordHash, err = s.Hasher.Hash(ctx, password); err != nil {
		return err
	}
	u.UpdatedAt = s.Clock.Now()
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if err := s.Store.ClearLoginAttempts(ctx, loginName(u.Email)); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	// A new password ends every way in that the old one opened: sessions
	// and API tokens.
	if err := s.Store.RevokeUserAPITokens(ctx, orgID, userID, s.Clock.Now()); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	s.tokens.clear()
	return s.Store.DeleteUserSessions(ctx, orgID, userID)
}

// AuditFunc writes one staff account change to the audit log: the
// organisation, who did it, the action, the object ("user:<id>") and codes
// describing it. The command line binds it to the audit package.
type AuditFunc func(ctx context.Context, orgID, actor, action, object string, detail map[string]string) error

func (s *Service) audit(ctx context.Context, orgID, by, action, userID string, detail map[string]string) error {
	if s.Audit == nil {
		return nil
	}
	if by == "" {
		by = "unknown"
	}
	return s.Audit(ctx, orgID, by, action, "user:"+userID, detail)
}

// SetDisabled disables or re-enables a user, audited under by; disabling
// ends their sessions.
func (s *Service) SetDisabled(ctx context.Context, orgID, userID string, disabled bool, by string) error {
	u, err := s.Store.User(ctx, orgID, userID)
	if err != nil {
		return err
	}
	action := ActionUserEnable
	if disabled {
		action = ActionUserDisable
	}
	if err := s.audit(ctx, orgID, by, action, userID, map[string]string{"role": string(u.Role)}); err != nil {
		return err
	}
	s.tokens.clear()
	u.Disabled, u.UpdatedAt = disabled, s.Clock.Now()
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("disable user: %w", err)
	}
	if disabled {
		// Enabling the user again does not bring their tokens back.
		if err := s.Store.RevokeUserAPITokens(ctx, orgID, userID, s.Clock.Now()); err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		return s.Store.DeleteUserSessions(ctx, orgID, userID)
	}
	return nil
}

// ResetSecondFactor removes a user's TOTP and recovery codes so they can
// enrol again (for a lost phone), audited under by, and ends their
// sessions.
func (s *Service) ResetSecondFactor(ctx context.Context, orgID, userID, by string) error {
	u, err := s.Store.User(ctx, orgID, userID)
	if err != nil {
		return err
	}
	if err := s.audit(ctx, orgID, by, ActionUserReset2F, userID, nil); err != nil {
		return err
	}
	u.TOTPSecret, u.TOTPPending, u.TOTPLastStep, u.RecoveryHashes = "", "", 0, nil
	u.UpdatedAt = s.Clock.Now()
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("reset second factor: %w", err)
	}
	return s.Store.DeleteUserSessions(ctx, orgID, userID)
}

// BeginTOTP starts enrolment: it stores a pending secret and returns it with
// its otpauth URI.
func (s *Service) BeginTOTP(ctx context.Context, u User) (secret, uri string, err error) {
	if u.TOTPEnabled() {
		return "", "", kernel.Errorf(kernel.Conflict, "a second factor is already enrolled; ask an admin to reset it first")
	}
	if secret, err = NewTOTPSecret(); err != nil {
		return "", "", err
	}
	u.TOTPPending, u.UpdatedAt = secret, s.Clock.Now()
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return "", "", fmt.Errorf("begin TOTP: %w", err)
	}
	return secret, TOTPURI(secret, "Upstream", u.Email), nil
}

// ConfirmTOTP finishes enrolment with a code from the app and returns the
// recovery codes, shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, orgID, userID, code string) ([]string, error) {
	u, err := s.Store.User(ctx, orgID, userID)
	if err != nil {
		return nil, err
	}
	if u.TOTPPending == "" {
		return nil, kernel.Errorf(kernel.Invalid, "start enrolment first")
	}
	step, ok := VerifyTOTP(u.TOTPPending, code, s.Clock.Now(), 0)
	if !ok {
		return nil, kernel.Errorf(kernel.Invalid, "that code is not right; check the time on your phone and try the next code")
	}
	codes, err := NewRecoveryCodes()
	if err != nil {
		return nil, err
	}
	u.RecoveryHashes = make([]string, len(codes))
	for i, c := range codes {
		u.RecoveryHashes[i] = HashSecret(c)
	}
	u.TOTPSecret, u.TOTPPending, u.TOTPLastStep, u.UpdatedAt = u.TOTPPending, "", step, s.Clock.Now()
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("confirm TOTP: %w", err)
	}
	return codes, nil
}

// EnsureOrg returns the organisation with slug, creating it when missing.
func (s *Service) EnsureOrg(ctx context.Context, slug, name string) (Org, bool, error) {
	if err := ValidateSlug(slug); err != nil {
		return Org{}, false, err
	}
	o, err := s.Store.OrgBySlug(ctx, slug)
	if err == nil {
		return o, false, nil
	}
	if !kernel.IsCode(err, kernel.NotFound) {
		return Org{}, false, err
	}
	o = Org{ID: kernel.NewID(), Slug: slug, Name: name, CreatedAt: s.Clock.Now(), RetentionDays: DefaultRetentionDays}
	if err := s.Store.CreateOrg(ctx, o); err != nil {
		if kernel.IsCode(err, kernel.Conflict) { // created concurrently by another server
			return s.EnsureOrg(ctx, slug, name)
		}
		return Org{}, false, fmt.Errorf("create organisation: %w", err)
	}
	return o, true, nil
}

// Bootstrap creates the first admin in a first organisation when no admin
// exists anywhere. It reports whether it created one.
func (s *Service) Bootstrap(ctx context.Context, slug, orgName, email, password string) (bool, error) {
	n, err := s.Store.CountAdmins(ctx)
	if err != nil {
		return false, fmt.Errorf("bootstrap: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	o, _, err := s.EnsureOrg(ctx, slug, orgName)
	if err != nil {
		return false, err
	}
	if _, err := s.CreateUser(ctx, NewUser{By: "bootstrap", OrgID: o.ID, Email: email, Name: "Administrator", Role: RoleAdmin, Password: password}); err != nil {
		if errors.Is(err, context.Canceled) {
			return false, err
		}
		return false, fmt.Errorf("bootstrap admin: %w", err)
	}
	return true, nil
}

// orgName is the organisation's name and slug, words a password guesser
// tries first; "" when it cannot be read (the password check then goes
// on without them).
func (s *Service) orgName(ctx context.Context, orgID string) string {
	o, err := s.Store.OrgByID(ctx, orgID)
	if err != nil {
		return ""
	}
	return o.Name + " " + o.Slug
}

// ErrAddressUnavailable is the answer for an e-mail address that has an
// account in another organisation. Addresses sign in across the whole
// server, so they are unique across organisations; saying "already exists"
// would tell an admin of one organisation who works with another (a case
// handler at a grievance mechanism, say). The words fit any address the
// server will not take and confirm nothing.
const ErrAddressUnavailable = "this e-mail address cannot be given an account here; check it, or use the person's address at your organisation (the server's operator can say more)"

// addressTaken is the error for a new user whose address is in use: named
// plainly to the operator (the command line, which sees every
// organisation) and when the account is in the same organisation, whose
// admins see it in their list anyway; ErrAddressUnavailable otherwise.
func (s *Service) addressTaken(ctx context.Context, orgID, email string, operator bool) error {
	u, err := s.Store.UserByEmail(ctx, email)
	switch {
	case err == nil && u.OrgID == orgID:
		return kernel.Errorf(kernel.Conflict, "%s already has an account in this organisation", email)
	case err == nil && operator:
		return kernel.Errorf(kernel.Conflict, "%s already has an account in another organisation", email)
	}
	return kernel.Errorf(kernel.Conflict, "%s", ErrAddressUnavailable)
}

// SetLanguage records the language a person reads the staff pages in (a
// language code the pages offer, checked by the caller that knows them),
// or "" to follow their browser.
func (s *Service) SetLanguage(ctx context.Context, orgID, userID, lang string) error {
	u, err := s.Store.User(ctx, orgID, userID)
	if err != nil {
		return err
	}
	if len(lang) > 35 {
		return kernel.Errorf(kernel.Invalid, "language: not a language code")
	}
	u.Language, u.UpdatedAt = lang, s.Clock.Now()
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	return nil
}
