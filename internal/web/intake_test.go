package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

var reportAuth = map[string][]string{
	"GET /report/{org}":            {"public"},
	"POST /report/{org}":           {"public"},
	"GET /report/{org}/follow-up":  {"public"},
	"POST /report/{org}/follow-up": {"public"},
}

// gFixture is the web fixture with the grievance mechanism wired as the
// composition root wires it: vault, SQL store, audit log, key unlocker.
type gFixture struct {
	*fixture
	db       *sqlstore.DB
	st       *sqlstore.Grievances
	v        *vault.Vault
	recovery *vault.PrivateKey
	hasher   *vault.ConversationHasher
	// admission is the intake queue, which a test may fill.
	admission *grievance.Admission
}

const (
	testTwilioToken = "twilio-test-token"
	testHookSecret  = "hook-test-secret"
	testPublicURL   = "https://upstream.test"
)

// testUnlocker mirrors the production unlocker in internal/cli (which the
// web package cannot import): case handlers get a key at first sign-in. The
// fixture's own case handler (case_handler@acme.example) stands for a
// handler approved long ago: its key is approved as it is issued; every
// other handler's key waits for approval.
type testUnlocker struct {
	v  *vault.Vault
	st *sqlstore.Grievances
}

const trustedHandler = "case_handler@acme.example"

func (k testUnlocker) Unlock(ctx context.Context, u account.User, password string) ([]byte, error) {
	hk, err := k.st.HandlerKey(ctx, u.OrgID, u.ID)
	if kernel.IsCode(err, kernel.NotFound) || (err == nil && func() bool { _, e := k.v.UnlockKey(hk.Locked, []byte(password)); return e != nil }()) {
		if u.Role != account.RoleCaseHandler {
			return nil, nil
		}
		priv, err := k.v.NewKeyPair()
		if err != nil {
			return nil, err
		}
		locked, err := k.v.LockKey(priv, []byte(password))
		if err != nil {
			return nil, err
		}
		if err := k.st.PutHandlerKey(ctx, u.OrgID, u.ID, priv.Public(), locked); err != nil {
			return nil, err
		}
		if u.Email == trustedHandler {
			if err := k.st.ApproveHandlerKey(ctx, u.OrgID, u.ID, priv.Public(), "recovery-key"); err != nil {
				return nil, err
			}
		}
		return []byte(vault.FormatRecoveryKey(priv)), nil
	}
	if err != nil {
		return nil, err
	}
	priv, err := k.v.UnlockKey(hk.Locked, []byte(password))
	if err != nil {
		return nil, err
	}
	return []byte(vault.FormatRecoveryKey(priv)), nil
}

// testApprovals serves approvals like the command line's wiring does.
type testApprovals struct {
	st *sqlstore.Grievances
	a  grievance.Approvals
}

func (h testApprovals) PendingHandlers(ctx context.Context, orgID string) ([]string, error) {
	keys, err := h.st.PendingHandlerKeys(ctx, orgID, string(account.RoleCaseHandler))
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.UserID)
	}
	return ids, err
}

func (h testApprovals) ApproveHandler(ctx context.Context, orgID, approverID, userID, fingerprint string) error {
	return h.a.Approve(ctx, orgID, approverID, userID, fingerprint)
}

func (h testApprovals) OwnKey(ctx context.Context, orgID, userID string) (string, bool, error) {
	k, err := h.st.HandlerKey(ctx, orgID, userID)
	if err != nil {
		return "", false, err
	}
	return k.Public.Fingerprint(), k.Approved(), nil
}

type orgKeysFromStore struct{ st *sqlstore.Grievances }

func (o orgKeysFromStore) OrgKeys(ctx context.Context, orgID string) (grievance.OrgKeys, error) {
	rec, err := o.st.RecoveryKey(ctx, orgID)
	if err != nil {
		return grievance.OrgKeys{}, kernel.Errorf(kernel.Unavailable, "no recovery key")
	}
	hs, err := o.st.ActiveHandlerKeys(ctx, orgID, string(account.RoleCaseHandler))
	return grievance.OrgKeys{OrgID: orgID, Recovery: rec, Handlers: hs}, err
}

func (o orgKeysFromStore) HandlerPublicKey(ctx context.Context, orgID, userID string) (vault.PublicKey, error) {
	hk, err := o.st.HandlerKey(ctx, orgID, userID)
	return hk.Public, err
}

type fakeSuppliers []SupplierMatch

func (f fakeSuppliers) FindSuppliers(_ context.Context, _, q string, limit int) ([]SupplierMatch, error) {
	var out []SupplierMatch
	for _, s := range f {
		if strings.Contains(strings.ToLower(s.Name), strings.ToLower(q)) && len(out) < limit {
			out = append(out, s)
		}
	}
	return out, nil
}

var testSupplierID = kernel.NewID()

func newGFixture(t *testing.T, db *sqlstore.DB, params vault.Params) *gFixture {
	t.Helper()
	f := newFixture(t, db)
	ctx := context.Background()
	v, err := vault.New(params, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	st := db.Grievances()
	th, err := grievance.NewThrottle(grievance.DefaultThrottle(), f.clock)
	if err != nil {
		t.Fatal(err)
	}
	al := db.AuditLog()
	adm := grievance.NewAdmission(grievance.DefaultAdmissionQueue)
	svc, err := grievance.NewService(grievance.Config{Vault: v, Store: st, Throttle: th, Clock: f.clock, Rand: rand.Reader, Admission: adm,
		Audit: func(ctx context.Context, r audit.Record) error {
			_, err := audit.Append(ctx, al, f.clock, r)
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := v.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetRecoveryKey(ctx, f.org.ID, rec.Public(), false); err != nil {
		t.Fatal(err)
	}
	hasher, err := vault.NewConversationHasher(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f.accounts.Keys = testUnlocker{v: v, st: st}
	f.deps.Grievance = svc
	f.deps.Intake = IntakeDeps{
		Keys: orgKeysFromStore{st}, Handlers: orgKeysFromStore{st}, Consents: st, Approvals: testApprovals{st: st, a: grievance.Approvals{Keys: st,
			Audit: func(ctx context.Context, r audit.Record) error {
				_, err := audit.Append(ctx, al, f.clock, r)
				return err
			}}},
		Suppliers: fakeSuppliers{{ID: testSupplierID, Name: "Golden Thread Spinning Mills", Country: "IN"}},
		Hooks: HookConfig{Hasher: hasher, Inbound: st, TwilioAuthToken: testTwilioToken, MessagesSecret: testHookSecret,
			PublicURL: testPublicURL},
	}
	return &gFixture{fixture: f, db: db, st: st, v: v, recovery: rec, hasher: hasher, admission: adm}
}

func body(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// multipartForm builds an intake form with optional files.
func multipartForm(t testing.TB, fields url.Values, files map[string][]byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, content := range files {
		w, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

var receiptRE = regexp.MustCompile(`id="receipt"[^>]*>([0-9-]+)<`)

// submitReport posts the intake form and returns the receipt shown.
func (g *gFixture) submitReport(t *testing.T, slug string, fields url.Values, files map[string][]byte) (string, *http.Response, string) {
	t.Helper()
	b, ct := multipartForm(t, fields, files)
	res := g.do(t, "POST", "/report/"+slug, b, "", map[string]string{"Content-Type": ct})
	page := body(t, res)
	m := receiptRE.FindStringSubmatch(page)
	if m == nil {
		return "", res, page
	}
	return m[1], res, page
}

func (g *gFixture) followUp(t *testing.T, slug string, form url.Values) (*http.Response, string) {
	t.Helper()
	res := g.do(t, "POST", "/report/"+slug+"/follow-up", form.Encode(), "", nil)
	return res, body(t, res)
}

// jpegBytes is a tiny file that content sniffing recognises as JPEG.
func jpegBytes(extra string) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	n := len(extra) + 2 // extra rides in a segment the metadata stripper keeps
	b = append(b, 0xFF, 0xDB, byte(n>>8), byte(n))
	b = append(b, extra...)
	return append(b, 0xFF, 0xD9)
}

func TestReporterIntakeAndFollowUp(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		t.Run("form in every language", func(t *testing.T) {
			for _, tc := range []struct{ query, accept, wantLang, wantDir string }{
				{"", "", "en", "ltr"},
				{"?lang=ar", "", "ar", "rtl"},
				{"", "ar-EG,en;q=0.5", "ar", "rtl"},
				{"?lang=zh-Hans", "en", "zh-Hans", "ltr"},
				{"?lang=es", "", "es", "ltr"},
				{"?lang=fr", "", "fr", "ltr"},
				{"?lang=pt", "", "pt", "ltr"},
				{"?lang=xx", "pt-BR", "pt", "ltr"},
			} {
				t.Run(tc.wantLang+tc.query, func(t *testing.T) {
					res := g.do(t, "GET", "/report/acme"+tc.query, "", "", map[string]string{"Accept-Language": tc.accept})
					page := body(t, res)
					if res.StatusCode != 200 || !strings.Contains(page, `lang="`+tc.wantLang+`" dir="`+tc.wantDir+`"`) {
						t.Fatalf("status %d, page head %.300s", res.StatusCode, page)
					}
					if res.Header.Get("Cache-Control") != "no-store" || len(res.Cookies()) != 0 {
						t.Fatal("reporter pages must be no-store and set no cookies")
					}
					if !strings.Contains(page, `class="exit"`) || !strings.Contains(page, "<title>"+reporterText[tc.wantLang]["title"]+"</title>") {
						t.Fatal("quick exit and neutral title missing")
					}
					for _, c := range grievance.Categories() {
						if !strings.Contains(page, `value="`+string(c)+`"`) {
							t.Fatalf("category %s missing", c)
						}
					}
				})
			}
		})
		t.Run("page weight", func(t *testing.T) {
			page := body(t, g.do(t, "GET", "/report/acme?lang=ar", "", "", nil))
			css := body(t, g.do(t, "GET", "/static/report.css", "", "", nil))
			if n := len(page) + len(css); n > 100<<10 {
				t.Fatalf("intake page weighs %d bytes", n)
			}
		})
		t.Run("supplier search without JavaScript", func(t *testing.T) {
			if err := g.db.Accounts().SetSupplierSearch(context.Background(), g.org.ID, true); err != nil {
				t.Fatal(err)
			}
			page := body(t, g.do(t, "GET", "/report/acme?lang=en&q=golden", "", "", nil))
			if !strings.Contains(page, `<input type="radio" name="supplier_id" value="`+testSupplierID+`" checked> Golden Thread Spinning Mills (IN)`) {
				t.Fatalf("no supplier match in %s", page)
			}
			// Back to the default, which the comparison with an unknown
			// organisation below expects.
			if err := g.db.Accounts().SetSupplierSearch(context.Background(), g.org.ID, false); err != nil {
				t.Fatal(err)
			}
		})

		var receipt string
		t.Run("submit with attachment", func(t *testing.T) {
			rc, res, page := g.submitReport(t, "acme", url.Values{
				"lang": {"en"}, "category": {"debt_bondage", "retention_of_documents"}, "narrative": {"<script>alert(1)</script> they took our passports"},
				"supplier_id": {testSupplierID}, "country": {"in"}, "contact": {"+91 555 0100"}, "consent": {"referral"},
			}, map[string][]byte{"photo.jpg": jpegBytes("pixels")})
			if res.StatusCode != 200 || rc == "" {
				t.Fatalf("status %d: %s", res.StatusCode, page)
			}
			if _, err := grievance.ParseReceipt(rc); err != nil || len(strings.ReplaceAll(rc, "-", "")) != 20 {
				t.Fatalf("receipt %q: %v", rc, err)
			}
			if !strings.Contains(page, "2026-12-02") {
				t.Fatal("the page must say when to expect an answer (7 days)")
			}
			receipt = rc
		})
		t.Run("follow-up shows the report, inert", func(t *testing.T) {
			res, page := g.followUp(t, "acme", url.Values{"receipt": {receipt}, "lang": {"en"}})
			if res.StatusCode != 200 || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; they took our passports") || strings.Contains(page, "<script>") {
				t.Fatalf("status %d: %s", res.StatusCode, page)
			}
			if strings.Contains(page, "+91 555 0100") {
				t.Fatal("the reporter view must not show contact details")
			}
			res, page = g.followUp(t, "acme", url.Values{"receipt": {receipt}, "action": {"message"}, "text": {"they moved us to another site"}})
			if res.StatusCode != 200 || !strings.Contains(page, "they moved us to another site") {
				t.Fatalf("message: %d %s", res.StatusCode, page)
			}
			res, page = g.followUp(t, "acme", url.Values{"receipt": {receipt}, "action": {"consent"}, "purpose": {"share_with_supplier"}, "granted": {"yes"}})
			if res.StatusCode != 200 || !strings.Contains(page, reporterText["en"]["saved"]) {
				t.Fatalf("consent: %d", res.StatusCode)
			}
			cs, _ := g.st.Consents(context.Background(), g.org.ID, g.reportIDByReceipt(t, receipt))
			if !grievance.Consented(cs, grievance.PurposeShareSupplier) || !grievance.Consented(cs, grievance.PurposeReferral) || grievance.Consented(cs, grievance.PurposeShareAuthorities) {
				t.Fatalf("consents %+v", cs)
			}
		})
		t.Run("unknown organisation answers like a real one", func(t *testing.T) {
			a := body(t, g.do(t, "GET", "/report/acme", "", "", nil))
			b := body(t, g.do(t, "GET", "/report/nosuchorg", "", "", nil))
			if strings.ReplaceAll(a, "acme", "X") != strings.ReplaceAll(b, "nosuchorg", "X") {
				t.Fatal("intake pages differ between a real and an unknown organisation")
			}
			wrong := "1234-5678-9012-3456-7890"
			r1, p1 := g.followUp(t, "acme", url.Values{"receipt": {wrong}})
			r2, p2 := g.followUp(t, "nosuchorg", url.Values{"receipt": {wrong}})
			if r1.StatusCode != r2.StatusCode || strings.ReplaceAll(p1, "acme", "X") != strings.ReplaceAll(p2, "nosuchorg", "X") {
				t.Fatalf("follow-up answers differ: %d vs %d", r1.StatusCode, r2.StatusCode)
			}
		})
		t.Run("errors in the reporter's language", func(t *testing.T) {
			for _, l := range []string{"ar", "zh-Hans", "es"} {
				_, page := g.followUp(t, "acme", url.Values{"receipt": {"9999-0000-0000-0000-0001"}, "lang": {l}})
				if !strings.Contains(page, reporterText[l]["err_receipt"]) {
					t.Errorf("%s: wrong-receipt message not translated", l)
				}
				res := g.do(t, "POST", "/report/acme", url.Values{"lang": {l}}.Encode(), "", nil)
				if page := body(t, res); !strings.Contains(page, reporterText[l]["err_describe"]) {
					t.Errorf("%s: empty-report message not translated", l)
				}
			}
		})
		t.Run("bad input", func(t *testing.T) {
			b, ct := multipartForm(t, url.Values{"narrative": {"x"}}, map[string][]byte{"a.exe": []byte("MZ\x90\x00 not an image")})
			for _, tc := range []struct {
				name, body, ct string
				want           int
			}{
				{"wrong content type", "{}", "application/json", 400},
				{"invalid UTF-8", url.Values{"narrative": {"bad \xff\xfe"}}.Encode(), "application/x-www-form-urlencoded", 400},
				{"unknown category", url.Values{"narrative": {"x"}, "category": {"bogus"}}.Encode(), "application/x-www-form-urlencoded", 400},
				{"executable attachment", b, ct, 400},
				{"oversized simple form", "narrative=" + strings.Repeat("a", 200<<10), "application/x-www-form-urlencoded", 400},
				{"empty report", url.Values{"lang": {"en"}}.Encode(), "application/x-www-form-urlencoded", 400},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, _ := g.st.Reports(context.Background(), g.org.ID, grievance.ReportFilter{}, kernel.Page{})
					res := g.do(t, "POST", "/report/acme", tc.body, "", map[string]string{"Content-Type": tc.ct})
					if res.StatusCode != tc.want {
						t.Fatalf("status %d, want %d", res.StatusCode, tc.want)
					}
					after, _ := g.st.Reports(context.Background(), g.org.ID, grievance.ReportFilter{}, kernel.Page{})
					if len(after) != len(before) {
						t.Fatal("a refused submission stored a report")
					}
				})
			}
			big := bytes.Repeat([]byte{0}, grievance.MaxAttachmentBytes+10)
			rc, res, _ := g.submitReport(t, "acme", url.Values{"narrative": {"x"}}, map[string][]byte{"big.jpg": append(jpegBytes(""), big...)})
			if rc != "" || res.StatusCode != 400 {
				t.Fatalf("oversized file: %d", res.StatusCode)
			}
		})
	})
}

func TestReceiptGuessingIsThrottled(t *testing.T) {
	t.Parallel() // its own database and server
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"x"}}, nil)
	locator := locatorOf(rc)
	statuses := []int{}
	for i := range 8 {
		guess := locator + "-0000-0000-0000-0" + string(rune('0'+i))
		res, _ := g.followUp(t, "acme", url.Values{"receipt": {guess}})
		statuses = append(statuses, res.StatusCode)
	}
	if statuses[0] != http.StatusUnauthorized || statuses[len(statuses)-1] != http.StatusTooManyRequests {
		t.Fatalf("statuses %v: want 401 first, 429 once the locator's allowance is spent", statuses)
	}
	// Even the right receipt waits now: the limit does not reveal anything.
	res, _ := g.followUp(t, "acme", url.Values{"receipt": {rc}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right receipt during lock-out: %d", res.StatusCode)
	}
	g.clock.Advance(time.Hour)
	res, _ = g.followUp(t, "acme", url.Values{"receipt": {rc}})
	if res.StatusCode != 200 {
		t.Fatalf("after waiting: %d", res.StatusCode)
	}
}

// TestBusyIntakeSaysTryAgainInTheReportersLanguage: with the queue for the
// key-stretching work full, the form answers 503 with Retry-After, says in
// the reporter's language that nothing was sent, keeps what was typed and
// stores nothing; once the queue drains the same post is accepted.
func TestBusyIntakeSaysTryAgainInTheReportersLanguage(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		var releases []func()
		for range grievance.DefaultAdmissionQueue {
			release, err := g.admission.Enter()
			if err != nil {
				t.Fatal(err)
			}
			releases = append(releases, release)
		}
		fields := url.Values{"narrative": {"nos quitaron los pasaportes"}, "category": {"debt_bondage"}, "lang": {"es"}}
		rc, res, page := g.submitReport(t, "acme", fields, nil)
		if rc != "" || res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Fatalf("busy intake: receipt %q, status %d, Retry-After %q", rc, res.StatusCode, res.Header.Get("Retry-After"))
		}
		if !strings.Contains(page, html.EscapeString(reporterText["es"]["err_busy"])) || !strings.Contains(page, "nos quitaron los pasaportes") {
			t.Fatalf("busy page lacks the Spanish message or the typed text:\n%s", page)
		}
		if n, err := g.st.Reports(context.Background(), g.org.ID, grievance.ReportFilter{}, kernel.Page{Limit: 10}); err != nil || len(n) != 0 {
			t.Fatalf("a refused submission stored %d reports (%v)", len(n), err)
		}
		for _, release := range releases {
			release()
		}
		if rc, res, _ := g.submitReport(t, "acme", fields, nil); rc == "" {
			t.Fatalf("after the queue drained: status %d", res.StatusCode)
		}
	})
}

// TestReportSentBackInTheReportersLanguage: a report the form refuses
// (a country written out, a file that is not a photo or PDF) comes back in
// the reporter's language, keeps what was typed, and asks for the files
// again, since a file field cannot be filled in by the page.
func TestReportSentBackInTheReportersLanguage(t *testing.T) {
	t.Parallel() // its own database and server
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	tests := []struct {
		lang, key, english string
		fields             url.Values
		files              map[string][]byte
	}{
		{"fr", "err_country", "two letters", url.Values{"country": {"Bangladesh"}}, map[string][]byte{"gate.jpg": jpegBytes("gate")}},
		{"es", "err_file_type", "only photos", nil, map[string][]byte{"notes.txt": []byte("plain text is not accepted")}},
		{"zh-Hans", "err_country", "two letters", url.Values{"country": {"B"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.lang+"/"+tc.key, func(t *testing.T) {
			fields := url.Values{"lang": {tc.lang}, "narrative": {"The gate is locked at night"}, "category": {"restriction_of_movement"}}
			for k, v := range tc.fields {
				fields[k] = v
			}
			rc, res, page := g.submitReport(t, "acme", fields, tc.files)
			page = html.UnescapeString(page)
			if rc != "" || res.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, receipt %q: the report was not refused", res.StatusCode, rc)
			}
			if !strings.Contains(page, reporterText[tc.lang][tc.key]) || strings.Contains(page, tc.english) {
				t.Errorf("the page does not say %q in %s:\n%.1500s", tc.key, tc.lang, page)
			}
			if !strings.Contains(page, "The gate is locked at night") || !strings.Contains(page, `value="restriction_of_movement" checked`) {
				t.Error("the form sent back lost what was typed")
			}
			if again := strings.Contains(page, reporterText[tc.lang]["files_again"]); again != (tc.files != nil) {
				t.Errorf("asks for the files again: %v, with %d files sent", again, len(tc.files))
			}
		})
	}
}

func TestReporterTextComplete(t *testing.T) {
	for _, l := range grievance.Languages() {
		t.Run(l, func(t *testing.T) {
			for k := range reporterText["en"] {
				if reporterText[l][k] == "" {
					t.Errorf("missing %q", k)
				}
			}
			if languageNames[l] == "" {
				t.Error("no language name")
			}
		})
	}
}

func FuzzDecodeReportForm(f *testing.F) {
	b, ct := multipartForm(f, url.Values{"narrative": {"x"}, "category": {"other"}}, map[string][]byte{"a.jpg": jpegBytes("y")})
	boundary := strings.TrimPrefix(ct, "multipart/form-data; boundary=")
	f.Add([]byte(b), boundary)
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"../../x\"\r\n\r\n%PDF-1.4\r\n--b--\r\n"), "b")
	f.Fuzz(func(t *testing.T, data []byte, boundary string) {
		form, err := decodeIntakeForm(bytes.NewReader(data), boundary)
		if err != nil {
			var ke *kernel.Error
			if !errors.As(err, &ke) || ke.Code != kernel.Invalid {
				t.Fatalf("error is not an Invalid kernel error: %v", err)
			}
			return
		}
		for _, a := range form.Files {
			if !allowedMedia[a.MediaType] || len(a.Content) == 0 || len(a.Content) > grievance.MaxAttachmentBytes || strings.Contains(a.Name, "/") {
				t.Fatalf("accepted a bad file: %q %s %d", a.Name, a.MediaType, len(a.Content))
			}
		}
		if len(form.Files) > grievance.MaxAttachments {
			t.Fatal("too many files accepted")
		}
		if sub, err := form.submission(); err == nil {
			if err := sub.Triage.Categories[0]; !err.Valid() {
				t.Fatal("invalid category accepted")
			}
		}
	})
}

// TestOriginNullReachesReporterRoutesOnly: an older phone browser that
// sends "Origin: null" without Sec-Fetch-Site can file and follow up a
// report; the same headers on a staff form are refused, and a browser that
// says cross-site is refused on reporter routes too.
func TestOriginNullReachesReporterRoutesOnly(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	old := map[string]string{"Origin": "null"}
	b, ct := multipartForm(t, url.Values{"narrative": {"filed from an old phone"}, "category": {"debt_bondage"}}, nil)
	res := g.do(t, "POST", "/report/acme", b, "", map[string]string{"Origin": "null", "Content-Type": ct})
	page := body(t, res)
	m := receiptRE.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("report with Origin: null: %d", res.StatusCode)
	}
	res = g.do(t, "POST", "/report/acme/follow-up", url.Values{"receipt": {m[1]}}.Encode(), "", old)
	if res.StatusCode != http.StatusOK || !strings.Contains(body(t, res), "filed from an old phone") {
		t.Fatalf("follow-up with Origin: null: %d", res.StatusCode)
	}
	res = g.do(t, "POST", "/report/acme/follow-up", url.Values{"receipt": {m[1]}}.Encode(), "", map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site follow-up: %d", res.StatusCode)
	}
	_, admin := g.login(t, "admin@acme.example", testPassword, "")
	form := url.Values{"email": {"x@acme.example"}, "name": {"x"}, "role": {"viewer"}, "password": {testPassword}}.Encode()
	if res := g.do(t, "POST", "/admin/users", form, admin, old); res.StatusCode != http.StatusForbidden {
		t.Fatalf("staff form with Origin: null: %d", res.StatusCode)
	}
	if res := g.do(t, "POST", "/login", url.Values{"email": {"admin@acme.example"}, "password": {testPassword}}.Encode(), "", old); res.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in with Origin: null: %d", res.StatusCode)
	}
}
