package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestScreeningReplaceListAPI: an administrator's token with the settings
// scope replaces a built-in list with a newer edition, at once or as a
// job; a file of another layout or an unknown list changes nothing and
// the problem names the field.
func TestScreeningReplaceListAPI(t *testing.T) {
	t.Parallel() // its own database and server
	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	admin := f.apiToken(t, account.RoleAdmin, "settings:write", "suppliers:read")
	upload := func(hdr map[string]string, dataset, name, content string) (int, string, http.Header) {
		t.Helper()
		ctype, body := multipartBody(t, "file", name, content, map[string]string{"dataset": dataset})
		req := httptest.NewRequest("POST", "http://upstream.test/api/v1/screening/lists", body)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b), rec.Header()
	}
	field := func(body string) string {
		var p problemJSON
		if json.Unmarshal([]byte(body), &p) != nil || len(p.Errors) == 0 {
			return ""
		}
		return p.Errors[0].Field
	}
	if status, body, _ := upload(f.apiToken(t, account.RoleAdmin, "settings:read"), screening.DatasetUFLPA, "u.csv", "x"); status != http.StatusForbidden {
		t.Errorf("a read token replaced a list: %d %s", status, body)
	}
	wro := "Effective Date,Country Code,Country,Merchandise,WRO/Finding,Industry,Status,Entity,Remarks\n1/1/2020,CN,China,x,WRO,,Active,Acme,\n"
	if status, body, _ := upload(admin, screening.DatasetUFLPA, "wro.csv", wro); status != http.StatusUnprocessableEntity || field(body) != "file" ||
		!strings.Contains(body, "the list was not replaced") {
		t.Errorf("another layout: %d %s", status, body)
	}
	if status, body, _ := upload(admin, "watchlist-ofac", "sdn.csv", wro); status != http.StatusBadRequest || field(body) != "dataset" {
		t.Errorf("an unknown list: %d %s", status, body)
	}
	if len(f.editions.saved) != 0 {
		t.Fatalf("a refused file was stored: %v", f.editions.saved)
	}

	newer := "name,aliases,uflpa_section,date_added\nNew Polysilicon Works Co. Ltd.,,Section 2(d)(2)(B)(ii),2026-11-20\nXinjiang Production and Construction Corps,XPCC,Section 2(d)(2)(B)(v),2021-06-24\n"
	status, body, _ := upload(admin, screening.DatasetUFLPA, "uflpa_2026-11.csv", newer)
	var out screeningListEnvelopeJSON
	if status != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("replace: %d %s", status, body)
	}
	if out.List.Name != "uflpa" || out.List.Entities != 2 || out.List.Published == nil || out.List.Published.Format(time.DateOnly) != "2026-11-20" {
		t.Errorf("the new edition: %+v", out.List)
	}
	if f.editions.saved[screening.DatasetUFLPA] != "uflpa_2026-11.csv" {
		t.Errorf("stored editions %v", f.editions.saved)
	}
	if status, body := f.apiCall(t, "POST", "/api/v1/screen", `{"name":"New Polysilicon Works Company Limited"}`, admin); status != http.StatusOK ||
		!strings.Contains(body, "New Polysilicon") {
		t.Errorf("the new edition is not screened against: %d %s", status, body)
	}

	// As a job: 202 with the job, whose result is the same answer.
	async := map[string]string{"Prefer": "respond-async", "Idempotency-Key": "uflpa-2026-12"}
	for k, v := range admin {
		async[k] = v
	}
	newest := newer + "Third Example Trading Co.,,Section 2(d)(2)(B)(iv),2026-12-01\n"
	status, body, hdr := upload(async, screening.DatasetUFLPA, "uflpa_2026-12.csv", newest)
	var started jobEnvelopeJSON
	if status != http.StatusAccepted || json.Unmarshal([]byte(body), &started) != nil || hdr.Get("Location") != "/api/v1/jobs/"+started.Job.ID {
		t.Fatalf("as a job: %d %s", status, body)
	}
	f.waitForJobs()
	status, body = f.apiCall(t, "GET", "/api/v1/jobs/"+started.Job.ID, "", admin)
	if status != http.StatusOK || !strings.Contains(body, `"state":"succeeded"`) || !strings.Contains(body, `"kind":"watchlist"`) {
		t.Fatalf("the job: %d %s", status, body)
	}
	status, body = f.apiCall(t, "GET", "/api/v1/jobs/"+started.Job.ID+"/result", "", admin)
	if status != http.StatusOK || !strings.Contains(body, `"entities":3`) {
		t.Errorf("the job's result: %d %s", status, body)
	}
	// A token without the settings scope does not read the job.
	if status, body := f.apiCall(t, "GET", "/api/v1/jobs/"+started.Job.ID, "", f.apiToken(t, account.RoleAdmin, "suppliers:read")); status != http.StatusForbidden &&
		status != http.StatusNotFound {
		t.Errorf("a token of another scope read the job: %d %s", status, body)
	}
}
