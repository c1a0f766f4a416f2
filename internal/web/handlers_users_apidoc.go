package web

import (
	"net/http"
	"time"
)

// The API views of the account routes.

type orgJSON struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type meJSON struct {
	User         userJSON `json:"user"`
	Organisation orgJSON  `json:"organisation"`
}

type usersJSON struct {
	Users []userJSON `json:"users"`
	pageLinksJSON
}

// newUserJSON is the body of POST /api/v1/users: an invitation. People
// choose their own password through the link the invitation e-mail
// carries.
type newUserJSON struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// invitationJSON is the answer to an invitation: the same whether or not
// the address has an account elsewhere on the server.
type invitationJSON struct {
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
}

// tokenJSON is one of the caller's API tokens, without its secret.
type tokenJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Prefix string `json:"prefix"`
	// Scopes are the areas and levels it may use, never beyond the
	// user's role.
	Scopes []string `json:"scopes"`
	// State is active, expired or revoked.
	State      string     `json:"state"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

type tokenListJSON struct {
	Tokens []tokenJSON `json:"tokens"`
	pageLinksJSON
}

type invitationEnvelopeJSON struct {
	Invitation invitationJSON `json:"invitation"`
}

func accountAPIDocs() []apiDoc {
	return []apiDoc{
		{pattern: "GET /api/v1/me", tag: "Account", summary: "Who is calling",
			description: "The user the token or session belongs to, and their organisation.",
			result:      meJSON{},
			example: `{"user": {"id": "0193a5c2-7d1e-7c3a-9b2f-1a2b3c4d5e6f", "email": "analyst@acme.example", "name": "Ana Lyst",
				"role": "analyst", "disabled": false, "totp_enrolled": true, "created_at": "2026-11-02T09:00:00Z"},
				"organisation": {"id": "0193a5c2-0000-7c3a-9b2f-1a2b3c4d5e6f", "slug": "acme", "name": "Acme"}}`},
		{pattern: "GET /api/v1/tokens", tag: "Account", summary: "Your API tokens",
			description: "The tokens of the calling user, newest first: name, the first characters, scopes, whether it is active, expired or revoked, " +
				"its expiry and when it was last used. Never the secret. Tokens are made and revoked on the account page.",
			result: tokenListJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "GET /api/v1/users", tag: "Account", summary: "List the organisation's users",
			description: "By email address.", result: usersJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "POST /api/v1/users", tag: "Account", summary: "Invite a user",
			description: "Roles: admin, analyst, case_handler, viewer. An e-mail goes to the address with a single-use link, valid for 7 days, " +
				"through which the person chooses their own password; the account exists once they have. The answer is the same whether " +
				"or not the address has an account at another organisation on this server (its owner is told by e-mail instead). " +
				"Needs e-mail to be set up on the server (503 otherwise).",
			body: newUserJSON{}, status: http.StatusAccepted, result: invitationEnvelopeJSON{},
			errors:      []int{http.StatusBadRequest, http.StatusConflict, http.StatusServiceUnavailable},
			bodyExample: `{"email": "viewer@acme.example", "name": "Vi Ewer", "role": "viewer"}`},
	}
}
