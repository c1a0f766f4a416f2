package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// committedOpenAPI is where the document is written for people and for
// the client generator.
var committedOpenAPI = filepath.Join("..", "..", "docs", "openapi.json")

// regenerateOpenAPI also regenerates the Go client, which must follow the
// document (TestClientIsCurrent).
const regenerateOpenAPI = "go test ./internal/web -run TestOpenAPIDocumentIsCurrent -update && go generate ./client"

// currentOpenAPI is the document the code draws now, from a server with
// every capability off (the routes are the same either way).
var currentOpenAPI = sync.OnceValues(func() ([]byte, error) {
	return openAPIDocument((&Server{}).routes(), apiDocs())
})

// openAPIValidator checks requests and responses against the document.
var openAPIValidator = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := currentOpenAPI()
	if err != nil {
		return nil, err
	}
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("reading the OpenAPI document: %w", err)
	}
	v, errs := validator.NewValidator(d)
	if len(errs) > 0 {
		return nil, fmt.Errorf("building the validator: %v", errs)
	}
	return v, nil
})

func TestOpenAPIDocumentIsCurrent(t *testing.T) {
	doc, err := currentOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if testkit.Updating() {
		if err := os.WriteFile(committedOpenAPI, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	committed, err := os.ReadFile(committedOpenAPI)
	if err != nil {
		t.Fatalf("%v: write it with\n\t%s", err, regenerateOpenAPI)
	}
	if !bytes.Equal(committed, doc) {
		t.Fatalf("docs/openapi.json is out of date with the route table and the API descriptions; regenerate it with\n\t%s", regenerateOpenAPI)
	}
}

// TestOpenAPIMatchesRouteTable: every route under /api/ is in the document
// with its method, and the document names no other.
func TestOpenAPIMatchesRouteTable(t *testing.T) {
	doc, err := currentOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	for path, ops := range parsed.Paths {
		for method := range ops {
			inDoc[strings.ToUpper(method)+" "+path] = true
		}
	}
	inTable := map[string]bool{}
	for _, rt := range (&Server{}).routes() {
		if _, path, _ := strings.Cut(rt.pattern, " "); strings.HasPrefix(path, "/api/") {
			inTable[rt.pattern] = true
		}
	}
	for p := range inTable {
		if !inDoc[p] {
			t.Errorf("route %s is not in the OpenAPI document", p)
		}
	}
	for p := range inDoc {
		if !inTable[p] {
			t.Errorf("the OpenAPI document names %s, which is not in the route table", p)
		}
	}
	if len(inTable) < 40 {
		t.Errorf("only %d API routes found: the route table was not read", len(inTable))
	}
}

// TestOpenAPIDocumentRefusesDrift: a route without description, or a
// description without route, stops the document being drawn.
func TestOpenAPIDocumentRefusesDrift(t *testing.T) {
	routes := (&Server{}).routes()
	docs := apiDocs()
	if _, err := openAPIDocument(append(routes, route{pattern: "GET /api/v1/undocumented", access: signedIn}), docs); err == nil ||
		!strings.Contains(err.Error(), "GET /api/v1/undocumented") {
		t.Errorf("an undocumented route: got %v", err)
	}
	if _, err := openAPIDocument(routes, append(docs, apiDoc{pattern: "GET /api/v1/gone", tag: "API"})); err == nil ||
		!strings.Contains(err.Error(), "GET /api/v1/gone") {
		t.Errorf("a description without route: got %v", err)
	}
}

// TestOpenAPIDocumentValidates checks the document against the OpenAPI 3.1
// schema with libopenapi's validator.
func TestOpenAPIDocumentValidates(t *testing.T) {
	v, err := openAPIValidator()
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("%s: %s (%s)", e.ValidationType, e.Message, e.Reason)
			for _, f := range e.SchemaValidationErrors {
				t.Errorf("  %s at %s", f.Reason, f.KeywordLocation)
			}
		}
	}
	doc, _ := currentOpenAPI()
	var parsed map[string]any
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", parsed["openapi"])
	}
}

// TestOpenAPIExamplesMatchSchemas sends every example of the document
// through the validator as the response (or request) it describes.
func TestOpenAPIExamplesMatchSchemas(t *testing.T) {
	v, err := openAPIValidator()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range apiDocs() {
		method, path, _ := strings.Cut(d.pattern, " ")
		// A path parameter takes its first allowed value, or x1.
		url := "http://upstream.test" + pathParamRE.ReplaceAllStringFunc(path, func(m string) string {
			for _, p := range d.params {
				if enum, ok := p.schema["enum"].([]string); ok && "{"+p.name+"}" == m && len(enum) > 0 {
					return enum[0]
				}
			}
			return "x1"
		})
		if d.example != "" {
			n++
			req := httptest.NewRequest(method, url, nil)
			status := d.status
			if status == 0 {
				status = http.StatusOK
			}
			res := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(d.example)), Request: req}
			if ok, errs := v.ValidateHttpResponse(req, res); !ok {
				t.Errorf("example of %s: %s", d.pattern, describe(errs))
			}
		}
		if d.bodyExample != "" {
			n++
			req := httptest.NewRequest(method, url, strings.NewReader(d.bodyExample))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer upk_example")
			if ok, errs := v.ValidateHttpRequest(req); !ok {
				t.Errorf("body example of %s: %s", d.pattern, describe(errs))
			}
		}
	}
	if n == 0 {
		t.Fatal("no examples checked")
	}
}

// TestOpenAPISchemaRules pins how Go types become schemas.
func TestOpenAPISchemaRules(t *testing.T) {
	type inner struct {
		A string `json:"a"`
	}
	type sample struct {
		inner
		Req   int               `json:"req"`
		Opt   string            `json:"opt,omitempty"`
		Ptr   *float64          `json:"ptr"`
		List  []string          `json:"list"`
		Map   map[string]int    `json:"map"`
		Skip  string            `json:"-"`
		Named inner             `json:"named"`
		Any   any               `json:"any"`
		Raw   json.RawMessage   `json:"raw,omitempty"`
		Extra map[string]string `json:"extra,omitzero"`
	}
	ss := newSchemaSet()
	ref := ss.ref(sample{})
	if ref["$ref"] != "#/components/schemas/Sample" {
		t.Fatalf("ref = %v", ref)
	}
	obj := ss.defs["Sample"].(map[string]any)
	props := obj["properties"].(map[string]any)
	var names []string
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	if got := strings.Join(names, ","); got != "a,any,extra,list,map,named,opt,ptr,raw,req" {
		t.Errorf("properties = %s", got)
	}
	if got := obj["required"].([]string); !reflect.DeepEqual(got, []string{"a", "req", "ptr", "list", "map", "named", "any"}) {
		t.Errorf("required = %v", got)
	}
	if got := props["ptr"].(map[string]any)["type"]; !reflect.DeepEqual(got, []string{"number", "null"}) {
		t.Errorf("a pointer: %v", got)
	}
	if got := props["list"].(map[string]any)["type"]; got != "array" {
		t.Errorf("a slice of this package is never null: %v", got)
	}
	if obj["additionalProperties"] != false {
		t.Error("objects must refuse unknown properties")
	}
}

func describe(errs []*liberrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Message)
		if e.Reason != "" {
			b.WriteString(" (" + e.Reason + ")")
		}
		for _, f := range e.SchemaValidationErrors {
			b.WriteString("; " + f.Reason + " at " + f.FieldPath)
		}
		b.WriteString(". ")
	}
	return b.String()
}

// checkAPIResponse validates one recorded API response against the
// document; every test that goes through a fixture's handler does this
// for each /api/ request it makes.
func checkAPIResponse(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	v, err := openAPIValidator()
	if err != nil {
		// The document cannot be drawn (a route without description):
		// TestOpenAPIMatchesRouteTable says so once, not every test.
		return
	}
	res := rec.Result()
	res.Request = req
	ok, errs := v.ValidateHttpResponse(req, res)
	if ok {
		return
	}
	var kept []*liberrors.ValidationError
	for _, e := range errs {
		// Paths the route table does not have (a test's deliberate 404)
		// are the route/document test's business, not this one's.
		if e.ValidationType == helpers.PathValidation {
			continue
		}
		kept = append(kept, e)
	}
	if len(kept) > 0 {
		t.Errorf("%s %s answered %d, which does not match the OpenAPI document: %s\nbody: %.600s",
			req.Method, req.URL.Path, rec.Code, describe(kept), rec.Body.String())
	}
}

// validatingAPI wraps a handler so that every /api/ response is checked
// against the document.
func validatingAPI(t testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		check := r.Clone(r.Context())
		check.Body = http.NoBody
		checkAPIResponse(t, check, rec)
	})
}
