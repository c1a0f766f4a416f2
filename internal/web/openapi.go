package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
)

// The OpenAPI document is drawn from the route table (method, path, who may
// call) and from the descriptions each capability keeps beside its
// handlers (the *_apidoc.go files): what an operation does, its
// parameters, and the Go types it reads and writes. A route under /api/
// without a description, or a description without a route, fails
// TestOpenAPIMatchesRouteTable.

// apiDoc describes one API operation. The route table says its method,
// path and permission; this says the rest.
type apiDoc struct {
	pattern     string // as in the route table: "GET /api/v1/suppliers"
	tag         string // the capability it belongs to, as in apiTags
	summary     string // a short phrase: "List the supplier register"
	description string
	params      []apiParam // query parameters and path parameters worth describing
	// body is the request body: a value of the Go type the handler
	// decodes (JSON), or an apiUpload for a multipart upload; nil for none.
	body any
	// status is the success status (200 when zero), result a value of
	// the Go type written with it (nil: no body), or an apiFile for a
	// download.
	status int
	result any
	// files are further media types of the result, written as they are
	// (a CSV or GraphML export beside the JSON).
	files []string
	// errors are the statuses besides 401/403 (for signed-in routes) and
	// 503 (for capabilities that may be off) that the operation answers.
	errors []int
	// resource is the path of the read whose representation an update
	// changes ("/api/v1/alerts/{id}"): If-Match is checked against its
	// ETag. Empty: the update takes no If-Match.
	resource string
	// example is a result as the API writes it, checked against the
	// schema by the tests.
	example string
	// bodyExample is a request body, checked likewise.
	bodyExample string
	// list marks a list: it takes limit and cursor, and its result embeds
	// pageLinksJSON.
	list bool
	// async marks an operation that runs as a job when asked with
	// Prefer: respond-async (202 with the job).
	async bool
}

// apiParam is a query or path parameter.
type apiParam struct {
	name, in    string // in: "query" (the default) or "path"
	description string
	schema      map[string]any // {"type": "string"} when nil
	required    bool
}

// apiUpload is a multipart/form-data request body: file fields and text
// fields.
type apiUpload struct {
	files  []string          // field names that carry files
	fields map[string]string // other fields and what they mean
	// required lists the fields that must be present.
	required []string
}

// apiFile is a download: one or more media types.
type apiFile struct {
	types       []string
	description string
}

// apiOneOf is a result or body that is exactly one of these types.
type apiOneOf []any

// apiTags are the capabilities, in the order of the reference.
var apiTags = []struct{ name, description string }{
	{"API", "The API's own description."},
	{"Account", "The signed-in user, and users of the organisation."},
	{"Suppliers", "The supplier register with explained risk, supplier imports and the supply graph."},
	{"Screening", "Watchlist screening of names and the review queue of possible matches."},
	{"Deforestation", "EU Deforestation Regulation due diligence: plots of land and their checks."},
	{"Early warning", "Alerts raised by the detectors, and where they are delivered."},
	{"Impact", "Impact programmes: logic models, indicators, observations and SROI."},
	{"Cases", "Grievance case metadata for case handlers; what reporters wrote stays sealed and out of the API."},
	{"Surveys", "Worker-voice surveys: their design (questions, sites, schedule). What respondents answered is not in the API."},
	{"Survivor outcomes", "Survivor-level records under consent, for case handlers only."},
	{"Reports", "Due-diligence reports and scorecards."},
	{"Jobs", "Long work (reports, large imports) running in the background: poll its state and progress, then download its result."},
}

// apiDocs are the descriptions of every API operation.
func apiDocs() []apiDoc {
	var all []apiDoc
	for _, part := range [][]apiDoc{openAPIDocs(), accountAPIDocs(), supplyAPIDocs(), screeningAPIDocs(),
		eudrAPIDocs(), alertsAPIDocs(), impactAPIDocs(), reportsAPIDocs(), jobsAPIDocs(), casesAPIDocs(), surveysAPIDocs()} {
		all = append(all, part...)
	}
	return all
}

var pathParamRE = regexp.MustCompile(`\{([A-Za-z_]+)\}`)

// openAPIDocument builds the document from the API routes of the route
// table and their descriptions. It fails on a route without description
// and on a description without route, so a server never serves a
// document that lies about it.
func openAPIDocument(routes []route, docs []apiDoc) ([]byte, error) {
	byPattern := map[string]apiDoc{}
	for _, d := range docs {
		if _, dup := byPattern[d.pattern]; dup {
			return nil, fmt.Errorf("openapi: %s is described twice", d.pattern)
		}
		byPattern[d.pattern] = d
	}
	ss := newSchemaSet()
	impactSchemas(ss)
	paths := map[string]map[string]any{}
	var missing []string
	seen := map[string]bool{}
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		seen[rt.pattern] = true
		d, ok := byPattern[rt.pattern]
		if !ok {
			missing = append(missing, rt.pattern)
			continue
		}
		op, err := operation(ss, rt, d)
		if err != nil {
			return nil, err
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(method)] = op
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("openapi: routes without a description (add them to the *_apidoc.go file of their capability): %s", strings.Join(missing, ", "))
	}
	var stale []string
	for p := range byPattern {
		if !seen[p] {
			stale = append(stale, p)
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		return nil, fmt.Errorf("openapi: descriptions of routes that are not in the route table: %s", strings.Join(stale, ", "))
	}
	ss.defs["Problem"] = errorSchema(ss)
	tags := make([]map[string]string, len(apiTags))
	for i, t := range apiTags {
		tags[i] = map[string]string{"name": t.name, "description": t.description}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Upstream API",
			"version": "1.0.0",
			"summary": "Supply-chain mapping, explained risk, watchlist screening, early warning, impact and due-diligence reports.",
			"description": "Every request but this document's needs an API token (`Authorization: Bearer upk_...`, made on the " +
				"account page) or a signed-in session. A token acts with its user's role. Errors answer with RFC 9457 problem details (application/problem+json); " +
				"see docs/api.md for a walk-through. The server shows this document for people at /api-reference.",
			"license": map[string]string{"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
		},
		"servers": []map[string]string{{"url": "/", "description": "this server"}},
		"tags":    tags,
		"paths":   paths,
		"components": map[string]any{
			"schemas": ss.defs,
			"securitySchemes": map[string]any{
				"token": map[string]any{"type": "http", "scheme": "bearer",
					"description": tokenSchemeDescription()},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie,
					"description": "The session of a signed-in browser, so that the pages may call the API."},
			},
			"responses": errorResponses(),
		},
		"security": []map[string][]string{{"token": {}}, {"session": {}}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return buf.Bytes(), nil
}

// errorStatuses name the shared error responses.
var errorStatuses = map[int]string{
	http.StatusBadRequest:            "BadRequest",
	http.StatusUnauthorized:          "Unauthorised",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "NotFound",
	http.StatusConflict:              "Conflict",
	http.StatusPreconditionFailed:    "PreconditionFailed",
	http.StatusRequestEntityTooLarge: "TooLarge",
	http.StatusUnprocessableEntity:   "Unprocessable",
	http.StatusTooManyRequests:       "TooManyRequests",
	http.StatusServiceUnavailable:    "Unavailable",
}

func errorResponses() map[string]any {
	out := map[string]any{}
	for status, name := range errorStatuses {
		out[name] = map[string]any{
			"description": http.StatusText(status),
			"content": map[string]any{"application/problem+json": map[string]any{
				"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}},
		}
	}
	return out
}

// errorSchema is the problem details object, open to the members some
// operations add beside the standard ones (an import's counts, a plot
// file's findings).
func errorSchema(ss *schemaSet) map[string]any {
	def := ss.object(reflect.TypeFor[problemJSON]())
	def["additionalProperties"] = true
	def["description"] = "An error as RFC 9457 problem details: the status, a detail that says what to fix, code (the category: invalid, " +
		"not_found, conflict, unauthorised, forbidden, rate_limited, unavailable, internal), the request id to quote, and errors naming each bad field, " +
		"parameter or row."
	return def
}

// operation is one operation object of the document.
func operation(ss *schemaSet, rt route, d apiDoc) (map[string]any, error) {
	method, path, _ := strings.Cut(rt.pattern, " ")
	op := map[string]any{
		"operationId": operationID(d.pattern),
		"summary":     d.summary,
		"tags":        []string{d.tag},
	}
	desc := d.description
	if rt.access == signedIn {
		desc = strings.TrimSpace(desc + "\n\n" + permissionNote(rt.perm))
		op["x-permission"] = string(rt.perm)
		// The token scope this operation needs, as a role name of the
		// bearer scheme (OpenAPI 3.1 allows them beside OAuth scopes).
		scopes := []string{}
		if sc, _ := account.NeededScope(rt.perm, method != http.MethodGet); sc != "" {
			scopes = append(scopes, string(sc))
		}
		op["security"] = []map[string][]string{{"token": scopes}, {"session": {}}}
	} else {
		op["security"] = []any{}
	}
	if desc != "" {
		op["description"] = desc
	}
	validTag := false
	for _, t := range apiTags {
		validTag = validTag || t.name == d.tag
	}
	if !validTag {
		return nil, fmt.Errorf("openapi: %s: tag %q is not in apiTags", d.pattern, d.tag)
	}
	// Parameters: every path parameter, described or not, then the
	// query parameters.
	described := map[string]apiParam{}
	for _, p := range d.params {
		described[p.name] = p
	}
	if d.list {
		if method != http.MethodGet || !embedsPageLinks(d.result) {
			return nil, fmt.Errorf("openapi: %s is a list, so it must be a GET whose result embeds pageLinksJSON", d.pattern)
		}
		d.params = append(append([]apiParam{}, d.params...), cursorParams(defaultListLimit)...)
		for _, p := range cursorParams(defaultListLimit) {
			described[p.name] = p
		}
	} else if embedsPageLinks(d.result) {
		return nil, fmt.Errorf("openapi: %s pages its result, so its description must say list: true", d.pattern)
	}
	var params []any
	for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
		p := described[m[1]]
		delete(described, m[1])
		params = append(params, paramObject(apiParam{name: m[1], in: "path", description: p.description, schema: p.schema, required: true}))
	}
	for _, p := range d.params {
		if _, ok := described[p.name]; !ok {
			continue
		}
		if p.in == "path" {
			return nil, fmt.Errorf("openapi: %s: path parameter %q is not in the path", d.pattern, p.name)
		}
		params = append(params, paramObject(p))
	}
	// The conventions' headers.
	header := func(name, desc string) map[string]any {
		return map[string]any{"name": name, "in": "header", "description": desc, "schema": map[string]any{"type": "string"}}
	}
	switch {
	case method == http.MethodGet:
		params = append(params, header("If-None-Match", "An ETag from an earlier answer: 304 when the representation has not changed."))
	case method == http.MethodPost && rt.access == signedIn:
		params = append(params, header("Idempotency-Key", "A key of your choosing (1-255 visible ASCII characters). The same key with the same request "+
			"replays the first answer (with Idempotent-Replayed: true) instead of running again; with a different request it answers 422, "+
			"and while the first is still running 409. Keys are kept for 24 hours."))
	}
	if d.async {
		params = append(params, header("Prefer", "respond-async to run the operation as a job: the answer is then 202 with the job, "+
			"and the operation's own answer becomes the job's result (or its problem)."))
	}
	if d.resource != "" {
		params = append(params, header("If-Match", "The ETag of "+d.resource+" as you read it: the change is made only if it is still current (412 otherwise)."))
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	switch b := d.body.(type) {
	case nil:
	case apiUpload:
		props := map[string]any{}
		for _, f := range b.files {
			props[f] = map[string]any{"type": "array", "items": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}
		}
		for f, desc := range b.fields {
			props[f] = map[string]any{"type": "string", "description": desc}
		}
		schema := map[string]any{"type": "object", "properties": props}
		if len(b.required) > 0 {
			schema["required"] = b.required
		}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"multipart/form-data": map[string]any{"schema": schema}}}
	default:
		media := map[string]any{"schema": ss.ref(b)}
		if d.bodyExample != "" {
			var ex any
			if err := json.Unmarshal([]byte(d.bodyExample), &ex); err != nil {
				return nil, fmt.Errorf("openapi: %s: body example: %w", d.pattern, err)
			}
			media["example"] = ex
		}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": media}}
	}
	status := d.status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	switch res := d.result.(type) {
	case nil:
	case apiFile:
		content := map[string]any{}
		for _, t := range res.types {
			schema := map[string]any{"type": "string"}
			if strings.HasSuffix(t, "json") {
				schema = map[string]any{"type": "object"}
			}
			content[t] = map[string]any{"schema": schema}
		}
		ok["content"] = content
		if res.description != "" {
			ok["description"] = res.description
		}
	default:
		media := map[string]any{"schema": ss.ref(res)}
		if alts, ok := res.(apiOneOf); ok {
			var one []any
			for _, alt := range alts {
				one = append(one, ss.ref(alt))
			}
			media["schema"] = map[string]any{"oneOf": one}
		}
		if d.example != "" {
			var ex any
			if err := json.Unmarshal([]byte(d.example), &ex); err != nil {
				return nil, fmt.Errorf("openapi: %s: example: %w", d.pattern, err)
			}
			media["example"] = ex
		}
		content := map[string]any{"application/json": media}
		for _, t := range d.files {
			content[t] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		ok["content"] = content
	}
	headers := map[string]any{}
	if rt.access == signedIn {
		headers["RateLimit"] = map[string]any{"description": "Requests left in the current window and seconds until it ends (IETF RateLimit header fields).",
			"schema": map[string]any{"type": "string"}}
		headers["RateLimit-Policy"] = map[string]any{"description": "The quota and window that apply to the caller.", "schema": map[string]any{"type": "string"}}
	}
	if status == http.StatusAccepted {
		headers["Location"] = map[string]any{"description": "The job: /api/v1/jobs/{id}.", "schema": map[string]any{"type": "string"}}
	}
	if d.list {
		headers["Link"] = map[string]any{"description": "The next page as <path?query>; rel=\"next\" (RFC 8288), absent on the last page.", "schema": map[string]any{"type": "string"}}
	}
	if method == http.MethodGet {
		headers["ETag"] = map[string]any{"description": "A strong validator of the representation, for If-None-Match and If-Match.", "schema": map[string]any{"type": "string"}}
	}
	if len(headers) > 0 {
		ok["headers"] = headers
	}
	responses := map[string]any{strconv.Itoa(status): ok}
	if d.async {
		responses["202"] = map[string]any{"description": "Accepted: the work runs as a job; poll the job at Location",
			"headers": map[string]any{"Location": map[string]any{"description": "The job: /api/v1/jobs/{id}.", "schema": map[string]any{"type": "string"}}},
			"content": map[string]any{"application/json": map[string]any{"schema": ss.ref(jobEnvelopeJSON{})}}}
	}
	if method == http.MethodGet {
		responses["304"] = map[string]any{"description": "Not Modified: the representation still has the ETag given in If-None-Match"}
	}
	errs := append([]int{}, d.errors...)
	if rt.access == signedIn {
		errs = append(errs, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	}
	if method == http.MethodPost && rt.access == signedIn {
		errs = append(errs, http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity)
	}
	if d.resource != "" {
		errs = append(errs, http.StatusPreconditionFailed)
	}
	if method != "" && rt.access == signedIn {
		// A capability the operator left out answers 503.
		errs = append(errs, http.StatusServiceUnavailable)
	}
	for _, st := range errs {
		name, known := errorStatuses[st]
		if !known {
			return nil, fmt.Errorf("openapi: %s: error status %d has no shared response", d.pattern, st)
		}
		responses[strconv.Itoa(st)] = map[string]any{"$ref": "#/components/responses/" + name}
	}
	responses["default"] = map[string]any{"description": "Any other error",
		"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	op["responses"] = responses
	return op, nil
}

// embedsPageLinks reports whether v is a struct that embeds pageLinksJSON.
func embedsPageLinks(v any) bool {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Struct {
		return false
	}
	f, ok := t.FieldByName("pageLinksJSON")
	return ok && f.Anonymous
}

func paramObject(p apiParam) map[string]any {
	in := p.in
	if in == "" {
		in = "query"
	}
	schema := p.schema
	if schema == nil {
		schema = map[string]any{"type": "string"}
	}
	o := map[string]any{"name": p.name, "in": in, "schema": schema}
	if p.description != "" {
		o["description"] = p.description
	}
	if p.required {
		o["required"] = true
	}
	return o
}

// operationID names an operation after its method and path:
// "GET /api/v1/suppliers/{id}" is getSuppliersById.
func operationID(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/") {
		if p, ok := strings.CutPrefix(seg, "{"); ok {
			seg = strings.TrimSuffix(p, "}")
			b.WriteString("By")
		}
		for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(upperFirst(w))
		}
	}
	return b.String()
}

// permissionNote says which permission a route needs and which roles
// hold it.
func permissionNote(perm account.Permission) string {
	var roles []string
	for _, r := range account.Roles {
		if account.Allowed(r, perm) {
			roles = append(roles, strings.ReplaceAll(string(r), "_", " "))
		}
	}
	return fmt.Sprintf("Needs the `%s` permission (held by: %s).", perm, strings.Join(roles, ", "))
}

// serveOpenAPI answers the document; anyone may read it.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	doc, err := s.openAPI()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(doc)
}

// tokenSchemeDescription says what a token may do and lists its scopes.
func tokenSchemeDescription() string {
	var b strings.Builder
	b.WriteString("An API token from the account page. It acts as its user, only within its scopes and never beyond the user's role " +
		"at the time of the request; it may expire, and it stops when revoked, when the user's password changes or the user is disabled. " +
		"Each operation names the scope it needs; a write scope includes reading the same area, and every token may read its own user " +
		"(GET /api/v1/me). Scopes:")
	for _, a := range account.ScopeAreas {
		for _, lv := range []string{account.LevelRead, account.LevelWrite} {
			if lv == account.LevelRead && len(a.Reads)+len(a.Both) == 0 || lv == account.LevelWrite && len(a.Writes)+len(a.Both) == 0 {
				continue
			}
			what := "read"
			if lv == account.LevelWrite {
				what = "change"
				if len(a.Reads)+len(a.Both) > 0 {
					what = "read and change"
				}
			}
			fmt.Fprintf(&b, "\n- `%s:%s`: %s, %s", a.Name, lv, strings.ToLower(a.Label), what)
		}
	}
	return b.String()
}
