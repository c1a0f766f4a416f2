package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestSurveysAPI: an analyst's token designs a survey and adds a question
// of its own, as the pages do, with the same refusals naming the field; a
// viewer's token reads the design, sites named with the code and link
// posted there, and no answers; a viewer may not design.
func TestSurveysAPI(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g, parties := surveyFixture(t, db)
		analyst := g.apiToken(t, account.RoleAnalyst, "suppliers:write")
		viewer := g.apiToken(t, account.RoleViewer, "cases:read")
		design := `{"title": "Recruitment fees 2026", "languages": ["en", "es"], "questions": ["own_documents", "recruitment_fee", "anything_else"],
			"sites": ["` + parties["M"].ID + `"], "opens": "2026-11-20", "closes": "2026-12-03", "rounds": 2, "every_days": 60}`

		for _, bad := range []struct{ body, field string }{
			{strings.Replace(design, `"2026-11-20"`, `"20/11/2026"`, 1), "opens"},
			{strings.Replace(design, `"own_documents"`, `"own_passport"`, 1), "questions"},
		} {
			if status, body := g.apiCall(t, "POST", "/api/v1/surveys", bad.body, analyst); status != http.StatusBadRequest ||
				!strings.Contains(body, `"field":"`+bad.field+`"`) {
				t.Errorf("a bad %s: %d %s", bad.field, status, body)
			}
		}
		if status, body := g.apiCall(t, "POST", "/api/v1/surveys", design, g.apiToken(t, account.RoleAnalyst, "suppliers:read")); status != http.StatusForbidden {
			t.Errorf("a read token designed a survey: %d %s", status, body)
		}
		status, body := g.apiCall(t, "POST", "/api/v1/surveys", design, analyst)
		var made surveyEnvelopeJSON
		if status != http.StatusCreated || json.Unmarshal([]byte(body), &made) != nil {
			t.Fatalf("design: %d %s", status, body)
		}
		sv := made.Survey
		if len(sv.Questions) != 3 || len(sv.Rounds) != 2 || sv.Rounds[1].Opens != "2027-01-19" || len(sv.Sites) != 1 ||
			sv.Sites[0].Name != "Dhaka Garments Ltd (BD)" || !strings.HasSuffix(sv.Sites[0].Link, "/survey/acme/"+sv.Sites[0].Code) {
			t.Errorf("the design: %+v", sv)
		}

		question := `{"kind": "yes_no", "text": {"en": "Can you leave the dormitory after work?", "es": "¿Puede salir del dormitorio después del trabajo?"},
			"indicator": "restriction_of_movement", "concern": {"values": ["no"]}}`
		if status, body := g.apiCall(t, "POST", "/api/v1/surveys/"+sv.ID+"/questions", strings.Replace(question, `"es": "¿Puede salir del dormitorio después del trabajo?"`, `"es": ""`, 1), analyst); status != http.StatusBadRequest {
			t.Errorf("a question not worded in Spanish: %d %s", status, body)
		}
		if status, body := g.apiCall(t, "POST", "/api/v1/surveys/"+sv.ID+"/questions", `{"kind": "essay", "text": {"en": "?"}}`, analyst); status != http.StatusBadRequest ||
			!strings.Contains(body, `"field":"kind"`) {
			t.Errorf("an unknown kind: %d %s", status, body)
		}
		status, body = g.apiCall(t, "POST", "/api/v1/surveys/"+sv.ID+"/questions", question, analyst)
		if status != http.StatusCreated || !strings.Contains(body, "Can you leave the dormitory") {
			t.Fatalf("add a question: %d %s", status, body)
		}

		// The viewer reads the list and the design.
		status, body = g.apiCall(t, "GET", "/api/v1/surveys", "", viewer)
		if status != http.StatusOK || !strings.Contains(body, `"title":"Recruitment fees 2026"`) || !strings.Contains(body, `"questions":4`) {
			t.Errorf("the list: %d %s", status, body)
		}
		status, body = g.apiCall(t, "GET", "/api/v1/surveys/"+sv.ID, "", viewer)
		if status != http.StatusOK || !strings.Contains(body, `"key":"q4"`) || !strings.Contains(body, `"indicator":"restriction_of_movement"`) {
			t.Errorf("the design: %d %s", status, body)
		}
		if status, body := g.apiCall(t, "POST", "/api/v1/surveys", design, g.apiToken(t, account.RoleViewer, "cases:read")); status != http.StatusForbidden {
			t.Errorf("a viewer designed a survey: %d %s", status, body)
		}
		if status, _ := g.apiCall(t, "GET", "/api/v1/surveys/00000000-0000-7000-8000-000000000000", "", viewer); status != http.StatusNotFound {
			t.Errorf("an unknown survey: %d", status)
		}
		// The page shows the question the API added.
		_, session := g.login(t, g.users[account.RoleAnalyst].Email, testPassword, "")
		if page, _ := io.ReadAll(g.do(t, "GET", "/surveys/"+sv.ID, "", session, nil).Body); !strings.Contains(string(page), "Can you leave the dormitory after work?") {
			t.Error("the survey page lacks the question added through the API")
		}
	})
}
