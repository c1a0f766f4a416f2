package web

import (
	"cmp"
	"net/http"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func (s *accountHandlers) usersPage(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, nil)
}

func (s *accountHandlers) renderUsers(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	p := principalOf(r)
	users, err := s.accounts.Store.ListUsers(r.Context(), p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	invitations, err := s.accounts.Store.ListInvitations(r.Context(), p.User.OrgID, s.clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"Users": users, "Roles": account.Roles, "Invitations": invitations}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "users.html", data)
}

// userCreate invites a person: the answer is the same whether or not the
// address has an account at another organisation.
func (s *accountHandlers) userCreate(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	inv, err := s.accounts.Invite(r.Context(), account.NewInvitation{By: actorOf(p), OrgID: p.User.OrgID, Email: r.FormValue("email"),
		Name: r.FormValue("name"), Role: account.Role(r.FormValue("role"))})
	if err != nil {
		if code := kernel.ErrorCode(err); code == kernel.Invalid || code == kernel.Conflict || code == kernel.Unavailable {
			s.renderUsers(w, r, statusOf(code), map[string]any{"Error": kernel.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	s.done(w, r, "/admin/users", loc.tr("An invitation to join as %v is on its way to %v (%v). They choose their own password through the link it carries, which works for 7 days; until then they cannot sign in.",
		loc.tr(escapeVerbs(roleLabel(inv.Role))), inv.Name, inv.Email))
}

func (s *accountHandlers) userDisable(w http.ResponseWriter, r *http.Request) {
	s.setDisabled(w, r, true)
}
func (s *accountHandlers) userEnable(w http.ResponseWriter, r *http.Request) {
	s.setDisabled(w, r, false)
}

func (s *accountHandlers) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	p := principalOf(r)
	id := r.PathValue("id")
	if disabled && id == p.User.ID {
		s.renderUsers(w, r, http.StatusBadRequest, map[string]any{"Error": s.tr(r, "you cannot disable your own account")})
		return
	}
	if err := s.accounts.SetDisabled(r.Context(), p.User.OrgID, id, disabled, actorOf(p)); err != nil {
		s.fail(w, r, err)
		return
	}
	who := s.userName(r, id)
	msg := s.tr(r, "%v is enabled and can sign in again.", who)
	if disabled {
		msg = s.tr(r, "%v is disabled: they cannot sign in, and their API tokens no longer work.", who)
	}
	s.done(w, r, "/admin/users", msg)
}

func (s *accountHandlers) userReset2FA(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := s.accounts.ResetSecondFactor(r.Context(), p.User.OrgID, r.PathValue("id"), actorOf(p)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/admin/users", s.tr(r, "The second factor of %v is reset: they sign in with their password and set up a new one.", s.userName(r, r.PathValue("id"))))
}

// userName names a user of the caller's organisation for a message, or
// "The user" when they cannot be read.
func (s *accountHandlers) userName(r *http.Request, id string) string {
	u, err := s.accounts.Store.User(r.Context(), principalOf(r).User.OrgID, id)
	if err != nil {
		return "The user"
	}
	return cmp.Or(u.Name, u.Email)
}

// actorOf names the principal in the audit log, saying when it acted
// through an API token.
func actorOf(p account.Principal) string {
	if p.ViaToken {
		return "user:" + p.User.ID + " (API token)"
	}
	return "user:" + p.User.ID
}

// userJSON is the API view of a user: never hashes or secrets.
type userJSON struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled"`
	TOTP      bool      `json:"totp_enrolled"`
	CreatedAt time.Time `json:"created_at"`
}

func toUserJSON(u account.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Disabled: u.Disabled,
		TOTP: u.TOTPEnabled(), CreatedAt: u.CreatedAt}
}

func (s *accountHandlers) apiMe(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	writeJSON(w, http.StatusOK, meJSON{User: toUserJSON(p.User), Organisation: orgJSON{ID: p.Org.ID, Slug: p.Org.Slug, Name: p.Org.Name}})
}

// apiTokens lists the caller's own API tokens, as the account page does.
func (s *accountHandlers) apiTokens(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	tokens, err := s.accounts.Store.ListAPITokens(r.Context(), p.User.OrgID, p.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, links := pageInMemory(w, r, tokens, lp, true, func(t account.APIToken) []string { return []string{sortableTime(t.CreatedAt), t.ID} })
	now := s.clock.Now()
	out := make([]tokenJSON, len(page))
	for i, t := range page {
		out[i] = tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: []string{}, State: t.State(now), CreatedAt: t.CreatedAt}
		for _, sc := range t.Scopes {
			out[i].Scopes = append(out[i].Scopes, string(sc))
		}
		if !t.ExpiresAt.IsZero() {
			e := t.ExpiresAt
			out[i].ExpiresAt = &e
		}
		if !t.LastUsedAt.IsZero() {
			u := t.LastUsedAt
			out[i].LastUsedAt = &u
		}
	}
	writeJSON(w, http.StatusOK, tokenListJSON{Tokens: out, pageLinksJSON: links})
}

func (s *accountHandlers) apiUsers(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	users, err := s.accounts.Store.ListUsers(r.Context(), p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, links := pageInMemory(w, r, users, lp, false, func(u account.User) []string { return []string{u.Email, u.ID} })
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = toUserJSON(u)
	}
	writeJSON(w, http.StatusOK, usersJSON{Users: out, pageLinksJSON: links})
}

func (s *accountHandlers) apiUserCreate(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	var in newUserJSON
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	inv, err := s.accounts.Invite(r.Context(), account.NewInvitation{By: actorOf(p), OrgID: p.User.OrgID, Email: in.Email, Name: in.Name,
		Role: account.Role(in.Role)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, invitationEnvelopeJSON{Invitation: invitationJSON{Email: inv.Email, Name: inv.Name, Role: string(inv.Role), ExpiresAt: inv.ExpiresAt}})
}

// invitationPage is where an invited person chooses their password.
func (s *accountHandlers) invitationPage(w http.ResponseWriter, r *http.Request) {
	s.renderInvitation(w, r, http.StatusOK, nil)
}

func (s *accountHandlers) renderInvitation(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	w.Header().Set("Cache-Control", "no-store")
	inv, org, err := s.accounts.Invitation(r.Context(), r.PathValue("token"))
	if err != nil {
		if kernel.IsCode(err, kernel.NotFound) {
			s.render(w, r, http.StatusNotFound, "invitation.html", map[string]any{"Gone": kernel.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"Invitation": inv, "Org": org.Name, "Role": roleLabel(inv.Role)}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "invitation.html", data)
}

// invitationAccept makes the account with the password the person chose.
func (s *accountHandlers) invitationAccept(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.FormValue("password") != r.FormValue("password2") {
		s.renderInvitation(w, r, http.StatusBadRequest, map[string]any{"Error": s.tr(r, "the two passwords differ; type the same one twice")})
		return
	}
	u, err := s.accounts.AcceptInvitation(r.Context(), r.PathValue("token"), r.FormValue("name"), r.FormValue("password"))
	switch code := kernel.ErrorCode(err); {
	case err == nil:
		s.render(w, r, http.StatusOK, "invitation.html", map[string]any{"Done": u.Email})
	case code == kernel.NotFound || code == kernel.Conflict:
		s.render(w, r, statusOf(code), "invitation.html", map[string]any{"Gone": kernel.ErrorMessage(err)})
	case code == kernel.Invalid:
		s.renderInvitation(w, r, http.StatusBadRequest, map[string]any{"Error": kernel.ErrorMessage(err)})
	default:
		s.fail(w, r, err)
	}
}
