package web

import (
	"cmp"
	"fmt"
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
	data := map[string]any{"Users": users, "Roles": account.Roles}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "users.html", data)
}

func (s *accountHandlers) userCreate(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	u, err := s.accounts.CreateUser(r.Context(), account.NewUser{By: actorOf(p), OrgID: p.User.OrgID, Email: r.FormValue("email"),
		Name: r.FormValue("name"), Role: account.Role(r.FormValue("role")), Password: r.FormValue("password")})
	if err != nil {
		if code := kernel.ErrorCode(err); code == kernel.Invalid || code == kernel.Conflict {
			s.renderUsers(w, r, statusOf(code), map[string]any{"Error": kernel.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/admin/users", fmt.Sprintf("%s (%s) added as %s.", cmp.Or(u.Name, u.Email), u.Email, roleLabel(u.Role)))
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
		s.renderUsers(w, r, http.StatusBadRequest, map[string]any{"Error": "you cannot disable your own account"})
		return
	}
	if err := s.accounts.SetDisabled(r.Context(), p.User.OrgID, id, disabled, actorOf(p)); err != nil {
		s.fail(w, r, err)
		return
	}
	who := s.userName(r, id)
	msg := who + " is enabled and can sign in again."
	if disabled {
		msg = who + " is disabled: they cannot sign in, and their API tokens no longer work."
	}
	s.done(w, r, "/admin/users", msg)
}

func (s *accountHandlers) userReset2FA(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := s.accounts.ResetSecondFactor(r.Context(), p.User.OrgID, r.PathValue("id"), actorOf(p)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/admin/users", "The second factor of "+s.userName(r, r.PathValue("id"))+" is reset: they sign in with their password and set up a new one.")
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
	u, err := s.accounts.CreateUser(r.Context(), account.NewUser{By: actorOf(p), OrgID: p.User.OrgID, Email: in.Email, Name: in.Name,
		Role: account.Role(in.Role), Password: in.Password})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, userEnvelopeJSON{User: toUserJSON(u)})
}
