package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// pollJob polls a job until it has finished and returns it.
func pollJob(t *testing.T, f *fixture, location, session string) jobJSON {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var env jobEnvelopeJSON
		res := getJSON(t, f, location, session, &env)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("poll %s: status %d", location, res.StatusCode)
		}
		switch env.Job.State {
		case "succeeded", "failed":
			return env.Job
		}
		if res.Header.Get("Retry-After") == "" {
			t.Fatalf("a running job gives no polling interval: %+v", env.Job)
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %s after 30 s", env.Job.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReportJob starts a report as a job, polls it and downloads the
// file: the same file the report route makes while you wait. Another user
// does not see the job; a bad request is refused at once.
func TestReportJob(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReportsFixture(t, db)
		res, body := f.call(t, "viewer", "POST", "/api/v1/reports/supplier-risk", `{"format": "csv"}`, nil)
		var env jobEnvelopeJSON
		if err := json.Unmarshal([]byte(body), &env); err != nil || res.StatusCode != http.StatusAccepted {
			t.Fatalf("start: status %d, %s", res.StatusCode, body)
		}
		loc := res.Header.Get("Location")
		if loc != "/api/v1/jobs/"+env.Job.ID || env.Job.Kind != "report" || env.Job.State != "queued" {
			t.Fatalf("Location %q, job %+v", loc, env.Job)
		}
		job := pollJob(t, f.fixture, loc, f.sessions["viewer"])
		if job.State != "succeeded" || job.Progress != 1 || job.Result != loc+"/result" || !strings.HasPrefix(job.ResultType, "text/csv") || job.FinishedAt == nil {
			t.Fatalf("finished job: %+v", job)
		}
		res, file := f.call(t, "viewer", "GET", job.Result, "", nil)
		_, direct := f.call(t, "viewer", "GET", "/api/v1/reports/supplier-risk?format=csv", "", nil)
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), ".csv") || file != direct || !strings.Contains(file, "Grinder A") {
			t.Fatalf("result: status %d, disposition %q, same as direct %v", res.StatusCode, res.Header.Get("Content-Disposition"), file == direct)
		}
		// The job is the viewer's own.
		if res, _ := f.call(t, "analyst", "GET", loc, "", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("another user reads the job: %d", res.StatusCode)
		}
		if res, _ := f.call(t, "analyst", "GET", job.Result, "", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("another user downloads the result: %d", res.StatusCode)
		}
		var list jobListJSON
		getJSON(t, f.fixture, "/api/v1/jobs", f.sessions["viewer"], &list)
		if len(list.Jobs) != 1 || list.Jobs[0].ID != job.ID {
			t.Errorf("viewer's jobs: %+v", list.Jobs)
		}
		getJSON(t, f.fixture, "/api/v1/jobs", f.sessions["analyst"], &list)
		if len(list.Jobs) != 0 {
			t.Errorf("analyst sees %d jobs of others", len(list.Jobs))
		}
		// A bad request is refused now, not as a failed job.
		for _, bad := range []struct{ path, body string }{
			{"/api/v1/reports/sustainability", `{}`},
			{"/api/v1/reports/supplier-risk", `{"format": "docx"}`},
			{"/api/v1/reports/supplier-risk", `{"colour": "red"}`},
		} {
			if res, body := f.call(t, "viewer", "POST", bad.path, bad.body, nil); res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s %s: status %d, %s", bad.path, bad.body, res.StatusCode, body)
			}
		}
	})
}

// TestImportJob runs a supplier import as a job with Prefer:
// respond-async: the job's result is the import's answer; a refused
// import fails the job with the row errors; Idempotency-Key replays the
// same job instead of starting another.
func TestImportJob(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, _, sessions := apiFixture(t, db)
		analyst := sessions[account.RoleAnalyst]
		body, hdr := uploadBody(t, []upload{{"more.csv", goodCSV}}, nil)
		hdr["Prefer"] = "respond-async"
		hdr["Idempotency-Key"] = "import-1"
		res := f.do(t, "POST", "/api/v1/suppliers/import", body, analyst, hdr)
		var env jobEnvelopeJSON
		decodeInto(t, res, &env)
		if res.StatusCode != http.StatusAccepted || res.Header.Get("Preference-Applied") != "respond-async" {
			t.Fatalf("start: status %d", res.StatusCode)
		}
		again := f.do(t, "POST", "/api/v1/suppliers/import", body, analyst, hdr)
		var env2 jobEnvelopeJSON
		decodeInto(t, again, &env2)
		if again.Header.Get("Idempotent-Replayed") != "true" || env2.Job.ID != env.Job.ID {
			t.Fatalf("a retry started job %s beside %s", env2.Job.ID, env.Job.ID)
		}
		job := pollJob(t, f, res.Header.Get("Location"), analyst)
		if job.State != "succeeded" || !strings.HasPrefix(job.ResultType, "application/json") {
			t.Fatalf("job: %+v", job)
		}
		res = f.do(t, "GET", job.Result, "", analyst, nil)
		var sum importJSON
		decodeInto(t, res, &sum)
		if sum.Total.Parties != 2 {
			t.Fatalf("import result: %+v", sum)
		}
		var reg registerAnswer
		getJSON(t, f, "/api/v1/suppliers?q=nkawkaw", analyst, &reg)
		if len(reg.Suppliers) != 1 {
			t.Fatalf("the imported party is not in the register: %+v", reg)
		}

		// A refused import: the job fails with the problem and its rows.
		body, hdr = uploadBody(t, []upload{{"bad.csv", badCSV}}, nil)
		hdr["Prefer"] = "respond-async"
		res = f.do(t, "POST", "/api/v1/suppliers/import", body, analyst, hdr)
		io.Copy(io.Discard, res.Body)
		job = pollJob(t, f, res.Header.Get("Location"), analyst)
		if job.State != "failed" || job.Problem == nil || job.Problem.Status != http.StatusUnprocessableEntity || len(job.Problem.Errors) == 0 ||
			job.Problem.Errors[0].File != "bad.csv" || job.Problem.Errors[0].Line != 3 {
			t.Fatalf("failed job: %+v, problem %+v", job, job.Problem)
		}
		if res := f.do(t, "GET", job.Result+"/../result", "", analyst, nil); res.StatusCode == http.StatusOK {
			t.Error("a failed job has a result")
		}
		if res := f.do(t, "GET", "/api/v1/jobs/"+job.ID+"/result", "", analyst, nil); res.StatusCode != http.StatusConflict {
			t.Errorf("result of a failed job: %d", res.StatusCode)
		}
	})
}

// TestJobNeedsTheScopeOfItsWork: a job is read only with a token that
// may read what the job made. Another token of the same user, without
// the reports scope, neither lists nor reads the report job or its result.
func TestJobNeedsTheScopeOfItsWork(t *testing.T) {
	t.Parallel() // its own database and server
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ctx := context.Background()
	viewer := f.users[account.RoleViewer]
	bearer := func(sc account.Scope) map[string]string {
		_, token, err := f.accounts.CreateAPIToken(ctx, viewer, account.TokenRequest{Name: string(sc), Scopes: account.Scopes{sc},
			ExpiresAt: f.clock.Now().Add(24 * time.Hour)})
		if err != nil {
			t.Fatalf("token %s: %v", sc, err)
		}
		return map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
	}
	reports, suppliers := bearer("reports:read"), bearer("suppliers:read")
	res := f.do(t, "POST", "/api/v1/reports/supplier-risk", `{"format": "csv"}`, "", reports)
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("start with the reports scope: status %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	deadline := time.Now().Add(30 * time.Second)
	for {
		res := f.do(t, "GET", loc, "", "", reports)
		var env jobEnvelopeJSON
		if err := json.NewDecoder(res.Body).Decode(&env); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("poll with the reports scope: status %d, %v", res.StatusCode, err)
		}
		if env.Job.State == "succeeded" {
			break
		}
		if env.Job.State == "failed" || time.Now().After(deadline) {
			t.Fatalf("job: %+v", env.Job)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range []struct {
		scope string
		token map[string]string
		want  int
	}{{"suppliers:read", suppliers, 0}, {"reports:read", reports, 1}} {
		var list jobListJSON
		res := f.do(t, "GET", "/api/v1/jobs", "", "", c.token)
		if err := json.NewDecoder(res.Body).Decode(&list); err != nil || len(list.Jobs) != c.want {
			t.Errorf("job list with %s: status %d, %d jobs, want %d (%v)", c.scope, res.StatusCode, len(list.Jobs), c.want, err)
		}
	}
	for _, path := range []string{loc, loc + "/result"} {
		if res := f.do(t, "GET", path, "", "", suppliers); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s with only suppliers:read: status %d, want 403", path, res.StatusCode)
		}
		if res := f.do(t, "GET", path, "", "", reports); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s with reports:read: status %d, want 200", path, res.StatusCode)
		}
	}
}
