package web

import "net/http"

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

type userEnvelopeJSON struct {
	User userJSON `json:"user"`
}

// newUserJSON is the body of POST /api/v1/users.
type newUserJSON struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

func accountAPIDocs() []apiDoc {
	return []apiDoc{
		{pattern: "GET /api/v1/me", tag: "Account", summary: "Who is calling",
			description: "The user the token or session belongs to, and their organisation.",
			result:      meJSON{},
			example: `{"user": {"id": "0193a5c2-7d1e-7c3a-9b2f-1a2b3c4d5e6f", "email": "analyst@acme.example", "name": "Ana Lyst",
				"role": "analyst", "disabled": false, "totp_enrolled": true, "created_at": "2026-11-02T09:00:00Z"},
				"organisation": {"id": "0193a5c2-0000-7c3a-9b2f-1a2b3c4d5e6f", "slug": "acme", "name": "Acme"}}`},
		{pattern: "GET /api/v1/users", tag: "Account", summary: "List the organisation's users",
			description: "By email address.", result: usersJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "POST /api/v1/users", tag: "Account", summary: "Add a user",
			description: "Roles: admin, analyst, case_handler, viewer. The password must be at least 12 characters.",
			body:        newUserJSON{}, status: http.StatusCreated, result: userEnvelopeJSON{},
			errors:      []int{http.StatusBadRequest, http.StatusConflict},
			bodyExample: `{"email": "viewer@acme.example", "name": "Vi Ewer", "role": "viewer", "password": "a long pass phrase"}`},
	}
}
