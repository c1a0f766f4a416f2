package web

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

var (
	impactReaders    = []string{"admin", "analyst", "case_handler", "viewer"}
	impactWriters    = []string{"admin", "analyst"}
	caseHandlerRoles = []string{"case_handler"}
)

var impactAuth = map[string][]string{
	"GET /impact":                                 impactReaders,
	"POST /impact/programmes":                     impactWriters,
	"GET /impact/programmes/{id}":                 impactReaders,
	"POST /impact/programmes/{id}/model":          impactWriters,
	"POST /impact/programmes/{id}/steps":          impactWriters,
	"POST /impact/programmes/{id}/steps/{step}":   impactWriters,
	"POST /impact/programmes/{id}/links":          impactWriters,
	"POST /impact/programmes/{id}/indicators":     impactWriters,
	"POST /impact/programmes/{id}/observations":   impactWriters,
	"GET /impact/programmes/{id}/entry":           impactWriters,
	"POST /impact/programmes/{id}/entry":          impactWriters,
	"POST /impact/programmes/{id}/sroi":           impactWriters,
	"GET /impact/programmes/{id}/sroi/{analysis}": impactReaders,
	"GET /impact/programmes/{id}/report.csv":      impactReaders,

	"GET /api/v1/programmes":                                       impactReaders,
	"POST /api/v1/programmes":                                      impactWriters,
	"GET /api/v1/programmes/{id}":                                  impactReaders,
	"PUT /api/v1/programmes/{id}/model":                            impactWriters,
	"POST /api/v1/programmes/{id}/observations":                    impactWriters,
	"POST /api/v1/programmes/{id}/observations/csv":                impactWriters,
	"GET /api/v1/programmes/{id}/progress":                         impactReaders,
	"GET /api/v1/programmes/{id}/indicators/{code}/breakdown":      impactReaders,
	"GET /api/v1/programmes/{id}/indicators/{code}/breakdown/full": caseHandlerRoles,
	"POST /api/v1/programmes/{id}/sroi":                            impactWriters,
	"GET /api/v1/programmes/{id}/sroi":                             impactReaders,

	"POST /api/v1/survivors":                                      caseHandlerRoles,
	"GET /api/v1/survivors/{subject}/consent":                     caseHandlerRoles,
	"POST /api/v1/survivors/{subject}/consent":                    caseHandlerRoles,
	"GET /api/v1/programmes/{id}/survivor-outcomes":               caseHandlerRoles,
	"POST /api/v1/programmes/{id}/survivor-outcomes":              caseHandlerRoles,
	"POST /api/v1/programmes/{id}/survivor-outcomes/observations": caseHandlerRoles,
}

// impactFixture is the web fixture with impact measurement wired to the
// same database, the demo programme seeded, and a session per role.
type impactFixture struct {
	*fixture
	svc      *impact.Service
	prog     *impact.Programme
	sessions map[string]string
}

func newImpactFixture(t *testing.T, db *sqlstore.DB) *impactFixture {
	t.Helper()
	return impactOn(t, newFixture(t, db), db)
}

// impactOn wires impact measurement to the fixture's database and seeds
// the demo programme.
func impactOn(t *testing.T, f *fixture, db *sqlstore.DB) *impactFixture {
	t.Helper()
	svc := &impact.Service{Store: db.Impact(), Clock: f.clock}
	f.deps.Impact = svc
	f.deps.ImpactRecords = db.Impact()
	prog, err := impact.SeedDemo(context.Background(), svc, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	fx := &impactFixture{fixture: f, svc: svc, prog: prog, sessions: map[string]string{}}
	for role, u := range f.users {
		_, s := f.login(t, u.Email, testPassword, "")
		if s == "" {
			t.Fatalf("login %s failed", role)
		}
		fx.sessions[string(role)] = s
	}
	return fx
}

// call sends a request with a raw body and content type as a role.
func (f *impactFixture) call(t *testing.T, role, method, path, ctype string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, "http://upstream.test"+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if s := f.sessions[role]; s != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func multipartBody(t *testing.T, field, name, content string, extra map[string]string) (string, io.Reader) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range extra {
		mw.WriteField(k, v)
	}
	if field != "" {
		fw, err := mw.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

const smallModel = `{"programme": "Safe livelihoods",
 "nodes": [
  {"id": "fund", "kind": "input", "title": "Fund"},
  {"id": "train", "kind": "activity", "title": "Train"},
  {"id": "trained", "kind": "output", "title": "People trained"},
  {"id": "work", "kind": "outcome", "title": "In work"}],
 "links": [{"from": "fund", "to": "train"}, {"from": "train", "to": "trained"}, {"from": "trained", "to": "work"}],
 "indicators": [{"code": "T", "name": "Trained", "unit": "people", "node": "trained", "direction": "higher",
   "baseline": {"value": 0, "date": "2026-01-01"}, "target": {"value": 10, "date": "2026-12-31"}, "aggregation": "sum", "cumulative": false}]}`

func TestImpactAPI(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) { testImpactAPI(t, db) })
}

func testImpactAPI(t *testing.T, db *sqlstore.DB) {
	f := newImpactFixture(t, db)
	pid := f.prog.ID
	var created struct {
		Programme impact.Programme `json:"programme"`
	}
	res, body := f.call(t, "analyst", "POST", "/api/v1/programmes", "application/json", strings.NewReader(`{"model": `+smallModel+`}`))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	json.Unmarshal(body, &created)
	newID := created.Programme.ID

	badModel := strings.Replace(smallModel, `{"from": "trained", "to": "work"}`, `{"from": "fund", "to": "work"}`, 1)
	tests := []struct {
		name, role, method, path, ctype, body string
		status                                int
		want, notWant                         []string
	}{
		{"list", "viewer", "GET", "/api/v1/programmes", "", "", 200, []string{impact.DemoProgrammeName, "Safe livelihoods"}, nil},
		{"get", "viewer", "GET", "/api/v1/programmes/" + pid, "", "", 200, []string{`"DEMO-TRAINED"`, `"age_group"`}, nil},
		{"get unknown", "viewer", "GET", "/api/v1/programmes/0190d8a0-0000-7000-8000-000000000000", "", "", 404, nil, nil},
		{"create with a broken model names the nodes", "analyst", "POST", "/api/v1/programmes", "application/json", `{"model": ` + badModel + `}`,
			400, []string{`"errors"`, `"field": "model"`, `link input \"fund\" → outcome \"work\": skips a step`, `outcome \"work\": not reached from any activity`}, nil},
		{"create without a model", "analyst", "POST", "/api/v1/programmes", "application/json", `{}`, 400, []string{"model: missing"}, nil},
		{"put model", "admin", "PUT", "/api/v1/programmes/" + newID + "/model", "application/json",
			strings.Replace(smallModel, `"title": "Train"`, `"title": "Train and mentor"`, 1), 200, []string{"Train and mentor"}, nil},
		{"put a model that drops an indicator with observations", "admin", "PUT", "/api/v1/programmes/" + pid + "/model", "application/json",
			smallModel, 400, []string{"does not fit the observations already stored", "DEMO-"}, nil},
		{"add observations", "analyst", "POST", "/api/v1/programmes/" + newID + "/observations", "application/json",
			`{"observations": [{"indicator": "T", "period": "2026Q1", "value": 4, "disaggregation": {"sex": "female"}}, {"indicator": "T", "period": "2026Q1", "value": 3, "disaggregation": {"sex": "male"}}]}`,
			201, []string{`"stored": 2`}, nil},
		{"add the same observation again", "analyst", "POST", "/api/v1/programmes/" + newID + "/observations", "application/json",
			`{"observations": [{"indicator": "T", "period": "2026Q1", "value": 4, "disaggregation": {"sex": "female"}}]}`, 400, []string{"given twice"}, nil},
		{"observation with an unknown period", "analyst", "POST", "/api/v1/programmes/" + newID + "/observations", "application/json",
			`{"observations": [{"indicator": "T", "period": "2026X9", "value": 1}]}`, 400, []string{"2026X9"}, nil},
		{"observation for a disaggregation that does not exist", "analyst", "POST", "/api/v1/programmes/" + newID + "/observations", "application/json",
			`{"observations": [{"indicator": "T", "period": "2026Q2", "value": 1, "disaggregation": {"caste": "x"}}]}`, 400, []string{`disaggregation \"caste\" does not exist`}, nil},
		{"observation of a ratio without its denominator", "analyst", "POST", "/api/v1/programmes/" + pid + "/observations", "application/json",
			`{"observations": [{"indicator": "DEMO-TRAINED", "period": "2027Q1", "value": 1}, {"indicator": "DEMO-EMPLOYED-6M", "period": "2027Q1", "value": 1}]}`,
			400, []string{"observations[1]: denominator: missing"}, nil},
		{"progress", "viewer", "GET", "/api/v1/programmes/" + newID + "/progress", "", "", 200, []string{`"outputs"`, `"value": 7`}, nil},
		{"progress within a bad period", "viewer", "GET", "/api/v1/programmes/" + newID + "/progress?within=Q1", "", "", 400, []string{"within:"}, nil},
		{"breakdown suppresses small groups", "viewer", "GET", "/api/v1/programmes/" + newID + "/indicators/T/breakdown?by=sex", "", "", 200,
			[]string{`"suppressed": true`, `"suppressed_below": 5`}, []string{`"value": 4`, `"value": 3`}},
		{"full breakdown for case access", "case_handler", "GET", "/api/v1/programmes/" + newID + "/indicators/T/breakdown/full?by=sex", "", "", 200,
			[]string{`"value": 4`, `"value": 3`}, []string{`"suppressed": true`}},
		{"breakdown needs a dimension", "viewer", "GET", "/api/v1/programmes/" + newID + "/indicators/T/breakdown", "", "", 400, []string{"by: missing"}, nil},
		{"breakdown by an unknown dimension", "viewer", "GET", "/api/v1/programmes/" + newID + "/indicators/T/breakdown?by=caste", "", "", 400, []string{"caste"}, nil},
		{"breakdown of an unknown indicator", "viewer", "GET", "/api/v1/programmes/" + newID + "/indicators/NOPE/breakdown?by=sex", "", "", 404, nil, nil},
		{"sroi analyse", "analyst", "POST", "/api/v1/programmes/" + newID + "/sroi", "application/json",
			`{"currency": "GBP", "discount_rate": 0.035, "inputs": [{"stakeholder": "Funder", "value": 150000}], "outcomes": [{"stakeholder": "Survivors", "outcome": "work", "quantity": 40, "proxy": {"value": 6000}, "deadweight": 0.25, "displacement": 0.1, "attribution": 0.3, "drop_off": 0.2, "duration_years": 3}]}`,
			201, []string{`"ratio_display"`, `"sensitivity"`, `"present_value"`, `"payback_months"`}, nil},
		{"sroi percentage given as 25", "analyst", "POST", "/api/v1/programmes/" + newID + "/sroi", "application/json",
			`{"currency": "GBP", "discount_rate": 0.035, "inputs": [{"stakeholder": "Funder", "value": 150000}], "outcomes": [{"stakeholder": "Survivors", "outcome": "work", "quantity": 40, "proxy": {"value": 6000}, "deadweight": 25, "displacement": 0.1, "attribution": 0.3, "drop_off": 0.2, "duration_years": 3}]}`,
			400, []string{"outcomes[0].deadweight"}, nil},
		{"sroi list", "viewer", "GET", "/api/v1/programmes/" + newID + "/sroi", "", "", 200, []string{`"analyses"`, `"ratio_rounded"`}, nil},
		{"sroi list of unknown programme", "viewer", "GET", "/api/v1/programmes/0190d8a0-0000-7000-8000-000000000000/sroi", "", "", 404, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rd io.Reader
			if tc.body != "" {
				rd = strings.NewReader(tc.body)
			}
			res, body := f.call(t, tc.role, tc.method, tc.path, tc.ctype, rd)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("response lacks %q:\n%s", w, body)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(string(body), w) {
					t.Errorf("response has %q:\n%s", w, body)
				}
			}
		})
	}
}

func TestImpactCSVImport(t *testing.T) {
	t.Parallel() // its own database and server
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	path := "/api/v1/programmes/" + f.prog.ID + "/observations/csv"
	tests := []struct {
		name, csv string
		status    int
		want      []string
	}{
		{"bad rows are listed with line and column", "indicator,period,value,sex\nDEMO-TRAINED,2027Q1,5,female\nDEMO-TRAINED,2027Q5,x,martian\n",
			400, []string{`"errors"`, `"line": 3`, `"field": "period"`, `"field": "value"`, `"field": "sex"`}},
		{"unknown column", "indicator,period,value,caste\n", 400, []string{`"field": "caste"`}},
		{"good file", "indicator,period,value,sex\nDEMO-TRAINED,2027Q1,5,female\nDEMO-TRAINED,2027Q1,6,male\n", 201, []string{`"stored": 2`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctype, body := multipartBody(t, "file", "obs.csv", tc.csv, nil)
			res, out := f.call(t, "analyst", "POST", path, ctype, body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("response lacks %q:\n%s", w, out)
				}
			}
		})
	}
	obs, _ := f.svc.Store.Observations(context.Background(), f.org.ID, f.prog.ID, impact.DemoTrained)
	if n := len(obs); n != 16+2 {
		t.Fatalf("%d observations stored; a refused file must store nothing", n)
	}
}

func TestImpactSurvivorRecords(t *testing.T) {
	t.Parallel() // its own database and server
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	res, body := f.call(t, "case_handler", "POST", "/api/v1/survivors", "application/json", strings.NewReader(`{}`))
	if res.StatusCode != 201 {
		t.Fatalf("new subject: %d %s", res.StatusCode, body)
	}
	var ns struct{ Subject string }
	json.Unmarshal(body, &ns)
	consent := "/api/v1/survivors/" + ns.Subject + "/consent"
	outcomes := "/api/v1/programmes/" + f.prog.ID + "/survivor-outcomes"
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     []string
	}{
		{"no decisions allow nothing", "GET", consent, "", 200, []string{`"outcome_measurement": false`}},
		{"grant", "POST", consent, `{"purpose": "outcome_measurement", "granted": true, "note": "written form"}`, 201, []string{`"outcome_measurement": true`, `"recorded_by"`}},
		{"unknown purpose", "POST", consent, `{"purpose": "marketing", "granted": true}`, 400, []string{"marketing"}},
		{"granted missing", "POST", consent, `{"purpose": "research"}`, 400, []string{"granted: missing"}},
		{"a name instead of a pseudonym", "GET", "/api/v1/survivors/Jane%20Doe/consent", "", 400, []string{"not a pseudonymous id"}},
		{"add records", "POST", outcomes, `{"records": [{"subject": "` + ns.Subject + `", "indicator": "DEMO-EMPLOYED-6M", "period": "2026Q1", "value": 1, "disaggregation": {"sex": "female"}}]}`, 201, []string{`"stored": 1`}},
		{"record with a name", "POST", outcomes, `{"records": [{"subject": "Jane", "indicator": "DEMO-EMPLOYED-6M", "period": "2026Q1", "value": 1}]}`, 400, []string{"records[0]", "pseudonymous"}},
		{"record with an unknown category", "POST", outcomes, `{"records": [{"subject": "` + ns.Subject + `", "indicator": "DEMO-WAGE", "period": "2026Q1", "value": 1, "disaggregation": {"sex": "x"}}]}`, 400, []string{"records[0]", `category \"x\"`}},
		{"list records", "GET", outcomes, "", 200, []string{ns.Subject}},
		{"add a record without consent", "POST", outcomes, `{"records": [{"subject": "0190d8a0-0000-7000-8000-0000000000aa", "indicator": "DEMO-EMPLOYED-6M", "period": "2026Q1", "value": 1, "disaggregation": {"sex": "female"}}]}`, 201, nil},
		{"records become observations with consent only", "POST", outcomes + "/observations", `{"indicator": "DEMO-EMPLOYED-6M", "period": "2027Q1"}`, 400, []string{"no survivor records"}},
		{"add records for a new period", "POST", outcomes, `{"records": [{"subject": "` + ns.Subject + `", "indicator": "DEMO-EMPLOYED-6M", "period": "2027Q1", "value": 1, "disaggregation": {"sex": "female"}}, {"subject": "0190d8a0-0000-7000-8000-0000000000aa", "indicator": "DEMO-EMPLOYED-6M", "period": "2027Q1", "value": 0, "disaggregation": {"sex": "female"}}]}`, 201, []string{`"stored": 2`}},
		{"only consented records are counted", "POST", outcomes + "/observations", `{"indicator": "DEMO-EMPLOYED-6M", "period": "2027Q1"}`, 201, []string{`"observations": 1`, `"records_used": 1`, `"records_excluded": 1`}},
		{"records of a period already observed are refused", "POST", outcomes + "/observations", `{"indicator": "DEMO-EMPLOYED-6M", "period": "2026Q1"}`, 400, []string{"DEMO-EMPLOYED-6M"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rd io.Reader
			if tc.body != "" {
				rd = strings.NewReader(tc.body)
			}
			res, out := f.call(t, "case_handler", tc.method, tc.path, "application/json", rd)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("response lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestImpactOtherOrganisation checks that a programme is invisible to,
// and cannot be changed by, another organisation's staff.
func TestImpactOtherOrganisation(t *testing.T) {
	t.Parallel() // its own database and server
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	other, err := impact.SeedDemo(context.Background(), f.svc, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	_ = other
	ctx := context.Background()
	org2, _, err := f.accounts.EnsureOrg(ctx, "beta", "Beta")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := impact.SeedDemo(ctx, f.svc, org2.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, ctype, body string }{
		{"GET", "/api/v1/programmes/" + theirs.ID, "", ""},
		{"GET", "/impact/programmes/" + theirs.ID, "", ""},
		{"GET", "/api/v1/programmes/" + theirs.ID + "/progress", "", ""},
		{"PUT", "/api/v1/programmes/" + theirs.ID + "/model", "application/json", smallModel},
		{"POST", "/api/v1/programmes/" + theirs.ID + "/observations", "application/json", `{"observations": [{"indicator": "DEMO-TRAINED", "period": "2027Q1", "value": 1}]}`},
		{"POST", "/api/v1/programmes/" + theirs.ID + "/sroi", "application/json", `{"currency": "GBP", "discount_rate": 0, "inputs": [{"stakeholder": "F", "value": 1}], "outcomes": []}`},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			res, body := f.call(t, "admin", tc.method, tc.path, tc.ctype, strings.NewReader(tc.body))
			if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
		})
	}
	res, body := f.call(t, "admin", "GET", "/api/v1/programmes", "", nil)
	if res.StatusCode != 200 || strings.Contains(string(body), theirs.ID) {
		t.Fatalf("list shows another organisation's programme: %s", body)
	}
}

func TestImpactPages(t *testing.T) {
	t.Parallel() // its own database and server
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	pid := f.prog.ID
	analyses, _ := f.svc.Store.Analyses(context.Background(), f.org.ID, pid)
	form := func(v url.Values) (string, io.Reader) {
		return "application/x-www-form-urlencoded", strings.NewReader(v.Encode())
	}
	type step struct {
		name, role, method, path string
		body                     func() (string, io.Reader)
		status                   int
		want, notWant            []string
	}
	steps := []step{
		{"list", "viewer", "GET", "/impact", nil, 200, []string{impact.DemoProgrammeName, `href="/static/impact.css"`}, []string{"Add a programme"}},
		{"list for a writer has the form", "analyst", "GET", "/impact", nil, 200, []string{"Add a programme"}, nil},
		{"programme page", "viewer", "GET", "/impact/programmes/" + pid, nil, 200, []string{
			`<svg class="logic-model"`, `aria-labelledby="lm-title lm-desc"`, "Causal links, with their assumptions and evidence",
			"Outputs: what the programme delivered", "Outcomes: what changed for people", `class="results results-output"`, `class="results results-outcome"`,
			`<svg class="chart"`, "by period</caption>", "By sex, all periods", "Demo data"}, []string{"Upload observations", "<script", "(DEMO-"}},
		{"programme page for a writer has the forms", "analyst", "GET", "/impact/programmes/" + pid, nil, 200,
			[]string{`enctype="multipart/form-data"`, "Analyse a social return on investment", "Edit the logic model", "Add a step", "Replace the whole logic model",
				"One row per figure, under a header row that names these columns:", "by its code in files:", ", <code>DEMO-TRAINED</code>",
				"<dt><code>age_group</code></dt><dd>optional: the age group the figure is for, one of 0-14,"}, []string{"(DEMO-"}},
		{"sroi page", "viewer", "GET", "/impact/programmes/" + pid + "/sroi/" + analyses[0].ID, nil, 200,
			[]string{`<svg class="chart tornado"`, "Sensitivity of the ratio to each assumption", analyses[0].Result.RatioDisplay, "Break-even 1:1", "Deadweight"}, nil},
		{"csv report", "viewer", "GET", "/impact/programmes/" + pid + "/report.csv", nil, 200, []string{
			"section,item,field,value", "indicator,DEMO-TRAINED,current,118", "indicator,DEMO-EMPLOYED-6M,level,outcome", "period,DEMO-TRAINED,2026Q1,24",
			"sroi," + analyses[0].ID + ",ratio," + strconv.FormatFloat(analyses[0].Result.Ratio, 'g', -1, 64), "sensitivity,deadweight,ratio_down,"}, []string{"female"}},
		{"sroi page of unknown analysis", "viewer", "GET", "/impact/programmes/" + pid + "/sroi/nope", nil, 404, nil, nil},
		{"create without a name", "analyst", "POST", "/impact/programmes", func() (string, io.Reader) { return form(url.Values{"name": {""}}) }, 400,
			[]string{"name: missing"}, nil},
		{"create with a broken model", "analyst", "POST", "/impact/programmes", func() (string, io.Reader) {
			return form(url.Values{"name": {"X"}, "model": {strings.Replace(smallModel, `"kind": "outcome"`, `"kind": "result"`, 1)}})
		}, 400, []string{"Problems with the logic model", `node &#34;work&#34;: kind &#34;result&#34;`}, nil},
		{"replace model with a cycle", "analyst", "POST", "/impact/programmes/" + pid + "/model", func() (string, io.Reader) {
			m := impact.DemoModel()
			m.Links = append(m.Links, impact.Link{From: "income", To: "employed"})
			b, _ := json.Marshal(m)
			return form(url.Values{"model": {string(b)}})
		}, 400, []string{"The model was not saved", "cycle"}, nil},
		{"upload with bad rows", "analyst", "POST", "/impact/programmes/" + pid + "/observations", func() (string, io.Reader) {
			return multipartBody(t, "file", "q.csv", "indicator,period,value\nDEMO-TRAINED,2027Q1,lots\n", nil)
		}, 400, []string{"Problems in the file", "q.csv: nothing was stored", `&#34;lots&#34; is not a number`}, nil},
		{"sroi with a missing proxy", "analyst", "POST", "/impact/programmes/" + pid + "/sroi", func() (string, io.Reader) {
			return multipartBody(t, "", "", "", map[string]string{"map": `{"currency": "USD", "discount_rate": 0.035, "inputs": [{"stakeholder": "F", "value": 100}], "outcomes": [{"stakeholder": "S", "outcome": "o", "quantity": 1, "deadweight": 0, "displacement": 0, "attribution": 0, "drop_off": 0, "duration_years": 1}]}`})
		}, 400, []string{"proxy"}, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			var ctype string
			var body io.Reader
			if st.body != nil {
				ctype, body = st.body()
			}
			res, out := f.call(t, st.role, st.method, st.path, ctype, body)
			if res.StatusCode != st.status {
				t.Fatalf("status %d, want %d:\n%s", res.StatusCode, st.status, out)
			}
			for _, w := range st.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range st.notWant {
				if strings.Contains(string(out), w) {
					t.Errorf("page has %q", w)
				}
			}
		})
	}

	t.Run("create, upload and analyse through the forms", func(t *testing.T) {
		ctype, body := form(url.Values{"name": {"Forest restoration"}, "model": {smallModel}})
		res, out := f.call(t, "analyst", "POST", "/impact/programmes", ctype, body)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, out)
		}
		loc := res.Header.Get("Location")
		ctype, body = multipartBody(t, "file", "q.csv", "indicator,period,value,sex\nT,2026Q1,6,female\nT,2026Q1,2,male\n", nil)
		res, out = f.call(t, "analyst", "POST", loc+"/observations", ctype, body)
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(flashOf(t, res), "2 observations stored from q.csv") {
			t.Fatalf("upload: %d %q %s", res.StatusCode, flashOf(t, res), out)
		}
		ctype, body = multipartBody(t, "mapfile", "map.json", `{"currency": "USD", "discount_rate": 0, "inputs": [{"stakeholder": "F", "value": 100}], "outcomes": [{"stakeholder": "S", "outcome": "o", "quantity": 1, "proxy": {"value": 300}, "deadweight": 0, "displacement": 0, "attribution": 0, "drop_off": 0, "duration_years": 1}]}`, nil)
		res, out = f.call(t, "analyst", "POST", loc+"/sroi", ctype, body)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sroi: %d %s", res.StatusCode, out)
		}
		res, out = f.call(t, "viewer", "GET", res.Header.Get("Location"), "", nil)
		if res.StatusCode != 200 || !strings.Contains(string(out), "3.00:1") {
			t.Fatalf("sroi page: %d", res.StatusCode)
		}
		res, out = f.call(t, "viewer", "GET", loc, "", nil)
		page := string(out)
		if !strings.Contains(page, "Forest restoration") || !strings.Contains(page, "suppressed") {
			t.Fatalf("programme page after upload lacks the name or the suppressed small group")
		}
	})
}

// TestImpactSVG checks the drawings are well-formed XML with the parts a
// reader relies on.
func TestImpactSVG(t *testing.T) {
	m := impact.DemoModel()
	res, err := impact.Analyse(impact.DemoMap())
	if err != nil {
		t.Fatal(err)
	}
	ind := m.Indicators[0]
	pts := []chartPoint{{Period: "2026Q1", Value: 24, HasValue: true, ToDate: 24, HasDate: true}, {Period: "2026Q2", Value: 29, HasValue: true, ToDate: 53, HasDate: true}}
	en := testLocale(t, "en")
	tests := []struct {
		name  string
		svg   string
		count map[string]int
	}{
		{"logic model", string(logicModelSVG(en, m, "lm")), map[string]int{"rect": len(m.Nodes), "path": len(m.Links) + 1, "title": 1, "desc": 1}},
		{"indicator chart", string(indicatorChartSVG(en, ind, pts, "c")), map[string]int{"rect": 2, "polyline": 1, "circle": 2, "title": 1, "desc": 1}},
		{"tornado", string(tornadoSVG(en, *res, "t")), map[string]int{"rect": 2*len(res.Sensitivity) + 2, "title": 1, "desc": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dec := xml.NewDecoder(strings.NewReader(tc.svg))
			got := map[string]int{}
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed: %v\n%s", err, tc.svg)
				}
				if se, ok := tok.(xml.StartElement); ok {
					got[se.Name.Local]++
				}
			}
			for el, n := range tc.count {
				if got[el] != n {
					t.Errorf("%d <%s>, want %d", got[el], el, n)
				}
			}
			if strings.Contains(tc.svg, "style=") {
				t.Error("inline style would be blocked by the CSP")
			}
		})
	}
	t.Run("text is escaped", func(t *testing.T) {
		m := impact.LogicModel{Programme: `<script>"x"</script>`, Nodes: []impact.Node{{ID: "a", Kind: impact.KindActivity, Title: `A & <b>`}}}
		svg := string(logicModelSVG(en, m, "x"))
		if strings.Contains(svg, "<script>") || strings.Contains(svg, "<b>") {
			t.Fatalf("unescaped text: %s", svg)
		}
	})
}

func TestFmtNum(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{0, "0"}, {1234567.891, "1,234,567.89"}, {-1234.5, "-1,234.50"}, {999.999, "1,000"}, {0.004, "0"}, {12.3, "12.30"}} {
		if got := fmtNum(tc.in); got != tc.want {
			t.Errorf("fmtNum(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
