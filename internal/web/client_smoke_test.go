package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/client"
	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestGeneratedClientAgainstARunningServer drives a listening server (the
// real route table and store, on both engines) with the generated Go
// client of ./client, through the walk-through: a token, a supplier file
// imported as a job, the job polled, the register read page by page and
// the graph exported.
func TestGeneratedClientAgainstARunningServer(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, _, _ := apiFixture(t, db)
		_, token, err := f.accounts.CreateAPIToken(context.Background(), f.users[account.RoleAnalyst],
			account.TokenRequest{Name: "client", Scopes: account.Scopes{"suppliers:write", "reports:read"}})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		ctx := context.Background()
		c, err := client.NewClientWithResponses(srv.URL, client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
		if err != nil {
			t.Fatal(err)
		}

		me, err := c.GetMeWithResponse(ctx, nil)
		if err != nil || me.JSON200 == nil {
			t.Fatalf("who am I: %v %s", err, clientAnswer(me))
		}
		if me.JSON200.User.Email != f.users[account.RoleAnalyst].Email {
			t.Fatalf("the token acts as %s", me.JSON200.User.Email)
		}

		// A supplier file, imported as a job with an idempotency key.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("files", "suppliers.csv")
		fw.Write([]byte("id,name,country,commodity,buyer_id,share\n" +
			"COOP-1,Nkawkaw Cocoa Union,Ghana,cocoa beans,,40%\n" +
			"FARM-7,Nsuta Family Farm,GHA,cocoa,COOP-1,\n"))
		mw.Close()
		async, key := "respond-async", "client-import"
		started, err := c.PostSuppliersImportWithBodyWithResponse(ctx,
			&client.PostSuppliersImportParams{Prefer: &async, IdempotencyKey: &key}, mw.FormDataContentType(), bytes.NewReader(buf.Bytes()))
		if err != nil || started.JSON202 == nil {
			t.Fatalf("import as a job: %v %s", err, clientAnswer(started))
		}
		if loc := started.HTTPResponse.Header.Get("Location"); loc != "/api/v1/jobs/"+started.JSON202.Job.Id {
			t.Errorf("Location %q, job %s", loc, started.JSON202.Job.Id)
		}
		// The same request with the same key gives back the same job.
		again, err := c.PostSuppliersImportWithBodyWithResponse(ctx,
			&client.PostSuppliersImportParams{Prefer: &async, IdempotencyKey: &key}, mw.FormDataContentType(), bytes.NewReader(buf.Bytes()))
		if err != nil || again.JSON202 == nil || again.JSON202.Job.Id != started.JSON202.Job.Id {
			t.Fatalf("the retry started another job: %v %s", err, clientAnswer(again))
		}

		job := started.JSON202.Job
		deadline := time.Now().Add(30 * time.Second)
		for job.State != "succeeded" {
			if job.State == "failed" || time.Now().After(deadline) {
				t.Fatalf("job %s: %s (%+v)", job.Id, job.State, job.Problem)
			}
			time.Sleep(50 * time.Millisecond)
			polled, err := c.GetJobsByIdWithResponse(ctx, job.Id, nil)
			if err != nil || polled.JSON200 == nil {
				t.Fatalf("poll: %v %s", err, clientAnswer(polled))
			}
			job = polled.JSON200.Job
		}
		if job.Progress != 1 || job.Kind != "import" {
			t.Errorf("finished job: %+v", job)
		}
		result, err := c.GetJobsByIdResultWithResponse(ctx, job.Id, nil)
		if err != nil || result.JSON200 == nil {
			t.Fatalf("job result: %v %s", err, clientAnswer(result))
		}
		if total, _ := (*result.JSON200)["total"].(map[string]any); total["parties"] != 2.0 || total["error_count"] != 0.0 {
			t.Errorf("import result: %s", result.Body)
		}

		// The register of Ghana by name, one party a page.
		country, sort, limit := "GH", client.GetSuppliersParamsSort("name"), 1
		var names []string
		params := &client.GetSuppliersParams{Country: &country, Sort: &sort, Limit: &limit}
		for page := 0; ; page++ {
			reg, err := c.GetSuppliersWithResponse(ctx, params)
			if err != nil || reg.JSON200 == nil {
				t.Fatalf("register: %v %s", err, clientAnswer(reg))
			}
			for _, s := range reg.JSON200.Suppliers {
				names = append(names, s.Name)
			}
			if reg.JSON200.NextCursor == nil || page > 3 {
				break
			}
			params.Cursor = reg.JSON200.NextCursor
		}
		if got := strings.Join(names, "; "); got != "Nkawkaw Cocoa Union; Nsuta Family Farm" {
			t.Errorf("register of Ghana by name: %s", got)
		}

		// The graph as a CSV edge list.
		format := client.GetGraphParamsFormat("csv")
		graph, err := c.GetGraphWithResponse(ctx, &client.GetGraphParams{Format: &format})
		if err != nil || graph.StatusCode() != http.StatusOK {
			t.Fatalf("graph: %v %s", err, clientAnswer(graph))
		}
		if !strings.Contains(string(graph.Body), "Nsuta Family Farm,Nkawkaw Cocoa Union,cocoa") {
			t.Errorf("the graph lacks the farm's link:\n%s", graph.Body)
		}

		// A problem comes back decoded, with the field named.
		bad := 0
		refused, err := c.GetSuppliersWithResponse(ctx, &client.GetSuppliersParams{Tier: &bad})
		if err != nil || refused.ApplicationproblemJSON400 == nil {
			t.Fatalf("a bad tier: %v %s", err, clientAnswer(refused))
		}
		if p := refused.ApplicationproblemJSON400; p.Errors == nil || len(*p.Errors) == 0 || (*p.Errors)[0].Field != "tier" {
			t.Errorf("the problem names no field tier: %s", refused.Body)
		}
	})
}

// clientAnswer is the status and body of a generated response, for failure
// messages.
func clientAnswer(res any) string {
	v := reflect.ValueOf(res)
	if !v.IsValid() || v.IsNil() {
		return "(no answer)"
	}
	v = v.Elem()
	status := 0
	if r, ok := v.FieldByName("HTTPResponse").Interface().(*http.Response); ok && r != nil {
		status = r.StatusCode
	}
	return fmt.Sprintf("%d %.600s", status, v.FieldByName("Body").Bytes())
}
