package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Accounts implements account.Store.
type Accounts struct{ db *DB }

// Accounts returns the account repository.
func (db *DB) Accounts() *Accounts { return &Accounts{db: db} }

var _ account.Store = (*Accounts)(nil)

func (a *Accounts) CreateOrg(ctx context.Context, o account.Org) error {
	_, err := a.db.write.ExecContext(ctx,
		"INSERT INTO orgs (id, slug, name, created_at, retention_days) VALUES ($1, $2, $3, $4, $5)",
		o.ID, o.Slug, o.Name, o.CreatedAt.UTC(), o.RetentionDays)
	return classify(err, "organisation "+o.Slug)
}

const orgColumns = "id, slug, name, created_at, retention_days, supplier_search"

func scanOrg(row interface{ Scan(...any) error }) (account.Org, error) {
	var o account.Org
	err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.CreatedAt, &o.RetentionDays, &o.SupplierSearch)
	o.CreatedAt = o.CreatedAt.UTC()
	return o, err
}

func (a *Accounts) org(ctx context.Context, where string, arg any) (account.Org, error) {
	o, err := scanOrg(a.db.read.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM orgs WHERE "+where+" = $1", arg))
	return o, classify(err, "organisation")
}

// ListOrgs returns every organisation, for jobs that run per organisation.
func (a *Accounts) ListOrgs(ctx context.Context) ([]account.Org, error) {
	rows, err := a.db.read.QueryContext(ctx, "SELECT "+orgColumns+" FROM orgs ORDER BY slug")
	if err != nil {
		return nil, classify(err, "organisations")
	}
	defer rows.Close()
	var out []account.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, classify(err, "organisations")
		}
		out = append(out, o)
	}
	return out, classify(rows.Err(), "organisations")
}

// SetRetention changes how long the organisation keeps closed reports.
func (a *Accounts) SetRetention(ctx context.Context, orgID string, days int) error {
	res, err := a.db.write.ExecContext(ctx, "UPDATE orgs SET retention_days = $2 WHERE id = $1", orgID, days)
	return affected(res, err, "organisation")
}

// SetSupplierSearch turns the intake form's supplier search on or off.
func (a *Accounts) SetSupplierSearch(ctx context.Context, orgID string, on bool) error {
	res, err := a.db.write.ExecContext(ctx, "UPDATE orgs SET supplier_search = $2 WHERE id = $1", orgID, on)
	return affected(res, err, "organisation")
}

// EmergencyGuidance lists the organisation's guidance, by country then
// language.
func (a *Accounts) EmergencyGuidance(ctx context.Context, orgID string) ([]account.EmergencyGuidance, error) {
	rows, err := a.db.read.QueryContext(ctx,
		"SELECT org_id, country, lang, body, updated_at FROM emergency_guidance WHERE org_id = $1 ORDER BY country, lang", orgID)
	if err != nil {
		return nil, classify(err, "emergency guidance")
	}
	defer rows.Close()
	var out []account.EmergencyGuidance
	for rows.Next() {
		var g account.EmergencyGuidance
		if err := rows.Scan(&g.OrgID, &g.Country, &g.Lang, &g.Text, &g.UpdatedAt); err != nil {
			return nil, classify(err, "emergency guidance")
		}
		g.UpdatedAt = g.UpdatedAt.UTC()
		out = append(out, g)
	}
	return out, classify(rows.Err(), "emergency guidance")
}

// SetEmergencyGuidance adds or replaces the text for its country and
// language.
func (a *Accounts) SetEmergencyGuidance(ctx context.Context, g account.EmergencyGuidance) error {
	_, err := a.db.write.ExecContext(ctx,
		`INSERT INTO emergency_guidance (org_id, country, lang, body, updated_at) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (org_id, country, lang) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
		g.OrgID, g.Country, g.Lang, g.Text, g.UpdatedAt.UTC())
	return classify(err, "emergency guidance")
}

// DeleteEmergencyGuidance removes one text.
func (a *Accounts) DeleteEmergencyGuidance(ctx context.Context, orgID, country, lang string) error {
	res, err := a.db.write.ExecContext(ctx, "DELETE FROM emergency_guidance WHERE org_id = $1 AND country = $2 AND lang = $3", orgID, country, lang)
	return affected(res, err, "emergency guidance")
}

func (a *Accounts) OrgBySlug(ctx context.Context, slug string) (account.Org, error) {
	return a.org(ctx, "slug", slug)
}

func (a *Accounts) OrgByID(ctx context.Context, id string) (account.Org, error) {
	return a.org(ctx, "id", id)
}

const userColumns = `id, org_id, email, name, role, password_hash, disabled, totp_secret, totp_pending,
	totp_last_step, recovery_hashes, created_at, updated_at, language`

func scanUser(row interface{ Scan(...any) error }) (account.User, error) {
	var u account.User
	var role, recovery string
	err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled, &u.TOTPSecret,
		&u.TOTPPending, &u.TOTPLastStep, &recovery, &u.CreatedAt, &u.UpdatedAt, &u.Language)
	if err != nil {
		return u, err
	}
	u.Role = account.Role(role)
	u.RecoveryHashes = strings.Fields(recovery)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

func (a *Accounts) CreateUser(ctx context.Context, u account.User) error {
	_, err := a.db.write.ExecContext(ctx, `INSERT INTO users (`+userColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		u.ID, u.OrgID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, u.TOTPSecret, u.TOTPPending,
		u.TOTPLastStep, strings.Join(u.RecoveryHashes, " "), u.CreatedAt.UTC(), u.UpdatedAt.UTC(), u.Language)
	return classify(err, "user "+u.Email)
}

func (a *Accounts) UserByEmail(ctx context.Context, email string) (account.User, error) {
	u, err := scanUser(a.db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = $1", email))
	return u, classify(err, "user")
}

func (a *Accounts) User(ctx context.Context, orgID, id string) (account.User, error) {
	u, err := scanUser(a.db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE org_id = $1 AND id = $2", orgID, id))
	return u, classify(err, "user")
}

func (a *Accounts) ListUsers(ctx context.Context, orgID string) ([]account.User, error) {
	rows, err := a.db.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE org_id = $1 ORDER BY email", orgID)
	if err != nil {
		return nil, classify(err, "users")
	}
	defer rows.Close()
	var out []account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, classify(err, "users")
		}
		out = append(out, u)
	}
	return out, classify(rows.Err(), "users")
}

func (a *Accounts) UpdateUser(ctx context.Context, u account.User) error {
	res, err := a.db.write.ExecContext(ctx, `UPDATE users SET name = $3, role = $4, password_hash = $5, disabled = $6,
		totp_secret = $7, totp_pending = $8, totp_last_step = $9, recovery_hashes = $10, updated_at = $11, language = $12
		WHERE org_id = $1 AND id = $2`,
		u.OrgID, u.ID, u.Name, string(u.Role), u.PasswordHash, u.Disabled, u.TOTPSecret, u.TOTPPending,
		u.TOTPLastStep, strings.Join(u.RecoveryHashes, " "), u.UpdatedAt.UTC(), u.Language)
	return affected(res, err, "user")
}

// affected turns "no row changed" into NotFound, so that writes scoped to
// another organisation fail loudly instead of silently doing nothing.
func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return classify(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return classify(err, what)
	}
	if n == 0 {
		return kernel.Errorf(kernel.NotFound, "%s not found", what)
	}
	return nil
}

func (a *Accounts) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := a.db.read.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = $1", string(account.RoleAdmin)).Scan(&n)
	return n, classify(err, "admins")
}

func (a *Accounts) CreateSession(ctx context.Context, s account.Session) error {
	_, err := a.db.write.ExecContext(ctx,
		"INSERT INTO sessions (token_hash, org_id, user_id, created_at, last_seen, sealed_key) VALUES ($1, $2, $3, $4, $5, $6)",
		s.TokenHash, s.OrgID, s.UserID, s.CreatedAt.UTC(), s.LastSeen.UTC(), base64.StdEncoding.EncodeToString(s.SealedKey))
	return classify(err, "session")
}

func (a *Accounts) SessionByHash(ctx context.Context, h string) (account.Session, error) {
	var s account.Session
	var sealed string
	err := a.db.read.QueryRowContext(ctx,
		"SELECT token_hash, org_id, user_id, created_at, last_seen, sealed_key FROM sessions WHERE token_hash = $1", h).
		Scan(&s.TokenHash, &s.OrgID, &s.UserID, &s.CreatedAt, &s.LastSeen, &sealed)
	s.CreatedAt, s.LastSeen = s.CreatedAt.UTC(), s.LastSeen.UTC()
	if err == nil && sealed != "" {
		if s.SealedKey, err = base64.StdEncoding.DecodeString(sealed); err != nil {
			return s, fmt.Errorf("session: sealed key: %w", err)
		}
	}
	return s, classify(err, "session")
}

func (a *Accounts) TouchSession(ctx context.Context, h string, at time.Time) error {
	res, err := a.db.write.ExecContext(ctx, "UPDATE sessions SET last_seen = $2 WHERE token_hash = $1", h, at.UTC())
	return affected(res, err, "session")
}

func (a *Accounts) DeleteSession(ctx context.Context, h string) error {
	_, err := a.db.write.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", h)
	return classify(err, "session")
}

func (a *Accounts) DeleteUserSessions(ctx context.Context, orgID, userID string) error {
	_, err := a.db.write.ExecContext(ctx, "DELETE FROM sessions WHERE org_id = $1 AND user_id = $2", orgID, userID)
	return classify(err, "sessions")
}

const tokenColumns = "id, org_id, user_id, name, hash, prefix, created_at, last_used_at, revoked_at, scopes, expires_at"

func scanToken(row interface{ Scan(...any) error }) (account.APIToken, error) {
	var t account.APIToken
	var used, revoked, expires sql.NullTime
	var scopes string
	err := row.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Hash, &t.Prefix, &t.CreatedAt, &used, &revoked, &scopes, &expires)
	if err != nil {
		return t, err
	}
	t.CreatedAt, t.LastUsedAt, t.RevokedAt, t.ExpiresAt = t.CreatedAt.UTC(), timeOf(used), timeOf(revoked), timeOf(expires)
	// A scope this version does not know (written by a newer one) is
	// left out: the token can do less, never more.
	for _, f := range strings.Fields(scopes) {
		if ss, err := account.ParseScopes(f); err == nil {
			t.Scopes = append(t.Scopes, ss...)
		}
	}
	return t, nil
}

func (a *Accounts) CreateAPIToken(ctx context.Context, t account.APIToken) error {
	_, err := a.db.write.ExecContext(ctx, "INSERT INTO api_tokens ("+tokenColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		t.ID, t.OrgID, t.UserID, t.Name, t.Hash, t.Prefix, t.CreatedAt.UTC(), nullTime(t.LastUsedAt), nullTime(t.RevokedAt),
		t.Scopes.String(), nullTime(t.ExpiresAt))
	return classify(err, "API token")
}

func (a *Accounts) APITokenByHash(ctx context.Context, h string) (account.APIToken, error) {
	t, err := scanToken(a.db.read.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE hash = $1", h))
	return t, classify(err, "API token")
}

func (a *Accounts) ListAPITokens(ctx context.Context, orgID, userID string) ([]account.APIToken, error) {
	rows, err := a.db.read.QueryContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE org_id = $1 AND user_id = $2 ORDER BY created_at", orgID, userID)
	if err != nil {
		return nil, classify(err, "API tokens")
	}
	defer rows.Close()
	var out []account.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, classify(err, "API tokens")
		}
		out = append(out, t)
	}
	return out, classify(rows.Err(), "API tokens")
}

func (a *Accounts) RevokeAPIToken(ctx context.Context, orgID, userID, id string, at time.Time) error {
	res, err := a.db.write.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $4 WHERE org_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL",
		orgID, userID, id, at.UTC())
	return affected(res, err, "API token")
}

func (a *Accounts) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	_, err := a.db.write.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", id, at.UTC())
	return classify(err, "API token")
}

// RevokeUserAPITokens revokes every live token of the user (a new password,
// a disabled account).
func (a *Accounts) RevokeUserAPITokens(ctx context.Context, orgID, userID string, at time.Time) error {
	_, err := a.db.write.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL",
		orgID, userID, at.UTC())
	return classify(err, "API tokens")
}

const invitationColumns = "id, org_id, email, name, role, token_hash, invited_by, created_at, expires_at, used_at"

func scanInvitation(row interface{ Scan(...any) error }) (account.Invitation, error) {
	var inv account.Invitation
	var role string
	var used sql.NullTime
	err := row.Scan(&inv.ID, &inv.OrgID, &inv.Email, &inv.Name, &role, &inv.TokenHash, &inv.InvitedBy, &inv.CreatedAt, &inv.ExpiresAt, &used)
	inv.Role, inv.UsedAt = account.Role(role), timeOf(used)
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	return inv, err
}

// CreateInvitation stores inv and, in the same transaction, retires the
// organisation's unused invitations to the same address, so that only the
// newest link works.
func (a *Accounts) CreateInvitation(ctx context.Context, inv account.Invitation) error {
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE invitations SET expires_at = $3 WHERE org_id = $1 AND email = $2 AND used_at IS NULL AND expires_at > $3",
			inv.OrgID, inv.Email, inv.CreatedAt.UTC()); err != nil {
			return classify(err, "invitations")
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO invitations ("+invitationColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			inv.ID, inv.OrgID, inv.Email, inv.Name, string(inv.Role), inv.TokenHash, inv.InvitedBy, inv.CreatedAt.UTC(), inv.ExpiresAt.UTC(), nullTime(inv.UsedAt))
		return classify(err, "invitation")
	})
}

func (a *Accounts) InvitationByHash(ctx context.Context, h string) (account.Invitation, error) {
	inv, err := scanInvitation(a.db.read.QueryRowContext(ctx, "SELECT "+invitationColumns+" FROM invitations WHERE token_hash = $1", h))
	return inv, classify(err, "invitation")
}

// AcceptInvitation uses the invitation and creates the user in one
// transaction. The conditional UPDATE is the single-use guard: a second
// caller, waiting on the row or coming later, finds it used and changes
// nothing.
func (a *Accounts) AcceptInvitation(ctx context.Context, h string, now time.Time, u account.User) error {
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE invitations SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND org_id = $3 AND email = $4",
			h, now.UTC(), u.OrgID, u.Email)
		if err := affected(res, err, "invitation"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			u.ID, u.OrgID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, u.TOTPSecret, u.TOTPPending,
			u.TOTPLastStep, strings.Join(u.RecoveryHashes, " "), u.CreatedAt.UTC(), u.UpdatedAt.UTC(), u.Language)
		return classify(err, "user "+u.Email)
	})
}

func (a *Accounts) ListInvitations(ctx context.Context, orgID string, now time.Time) ([]account.Invitation, error) {
	rows, err := a.db.read.QueryContext(ctx, "SELECT "+invitationColumns+" FROM invitations WHERE org_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC",
		orgID, now.UTC())
	if err != nil {
		return nil, classify(err, "invitations")
	}
	defer rows.Close()
	var out []account.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, classify(err, "invitations")
		}
		out = append(out, inv)
	}
	return out, classify(rows.Err(), "invitations")
}
