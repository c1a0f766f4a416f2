package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

var hooksAuth = map[string][]string{
	"POST /hooks/{org}/twilio":   {"public"},
	"POST /hooks/{org}/messages": {"public"},
}

func (g *gFixture) twilio(t *testing.T, slug string, form url.Values, forge bool) (*http.Response, string) {
	t.Helper()
	path := "/hooks/" + slug + "/twilio"
	sig := twilioSignature(testTwilioToken, testPublicURL+path, form)
	if forge {
		sig = twilioSignature("wrong token", testPublicURL+path, form)
	}
	res := g.do(t, "POST", path, form.Encode(), "", map[string]string{"X-Twilio-Signature": sig})
	return res, body(t, res)
}

func (g *gFixture) messages(t *testing.T, slug string, msg genericMessage, at time.Time, secret string) (*http.Response, string) {
	t.Helper()
	b, _ := json.Marshal(msg)
	ts := strconv.FormatInt(at.Unix(), 10)
	path := "/hooks/" + slug + "/messages"
	res := g.do(t, "POST", path, string(b), "", map[string]string{
		"Content-Type": "application/json", "X-Upstream-Timestamp": ts, "X-Upstream-Signature": messagesSignature(MessagesHookSecret(secret, slug), ts, path, b)})
	return res, body(t, res)
}

var smsReceiptRE = regexp.MustCompile(`receipt is ([0-9-]{24})`)

func (g *gFixture) countReports(t *testing.T) int {
	t.Helper()
	rs, err := g.st.Reports(context.Background(), g.org.ID, grievance.ReportFilter{}, kernel.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

func TestTwilioWebhook(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		// The handler signs in first, so new reports are wrapped to their key.
		_, handler := g.login(t, "case_handler@acme.example", testPassword, "")
		first := url.Values{"MessageSid": {"SM0001"}, "From": {"+15550001111"}, "To": {"+15550002222"}, "Body": {"the boss keeps our wages"}}
		res, page := g.twilio(t, "acme", first, false)
		m := smsReceiptRE.FindStringSubmatch(page)
		if res.StatusCode != 200 || m == nil || !strings.HasPrefix(page, "<?xml") {
			t.Fatalf("first message: %d %s", res.StatusCode, page)
		}
		receipt := m[1]
		t.Run("a retried delivery is processed once", func(t *testing.T) {
			n := g.countReports(t)
			res, page := g.twilio(t, "acme", first, false)
			if res.StatusCode != 200 || strings.Contains(page, "<Message>") || g.countReports(t) != n {
				t.Fatalf("retry: %d %s (reports %d)", res.StatusCode, page, g.countReports(t))
			}
		})
		t.Run("forged signature", func(t *testing.T) {
			n := g.countReports(t)
			res, _ := g.twilio(t, "acme", url.Values{"MessageSid": {"SM0002"}, "From": {"+1555"}, "Body": {"forged"}}, true)
			if res.StatusCode != http.StatusUnauthorized || g.countReports(t) != n {
				t.Fatalf("forged: %d", res.StatusCode)
			}
			res = g.do(t, "POST", "/hooks/acme/twilio", "Body=x&MessageSid=SM3&From=1", "", nil)
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("unsigned: %d", res.StatusCode)
			}
		})
		t.Run("continue with the receipt, read the handler's reply", func(t *testing.T) {
			res, page := g.twilio(t, "acme", url.Values{"MessageSid": {"SM0003"}, "From": {"+15550001111"}, "Body": {receipt + " and they lock the gate at night"}}, false)
			if res.StatusCode != 200 || !strings.Contains(page, "Added to your report") {
				t.Fatalf("continue: %d %s", res.StatusCode, page)
			}
			id := g.reportIDByReceipt(t, receipt)
			if res := g.do(t, "POST", "/cases/"+id+"/messages", url.Values{"text": {"We will visit on Monday"}}.Encode(), handler, nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("reply: %d", res.StatusCode)
			}
			_, page = g.twilio(t, "acme", url.Values{"MessageSid": {"SM0004"}, "From": {"+15550001111"}, "Body": {receipt}}, false)
			if !strings.Contains(page, "We will visit on Monday") {
				t.Fatalf("the reply should come back in the answer to the reporter's message: %s", page)
			}
		})
		t.Run("wrong receipt", func(t *testing.T) {
			_, page := g.twilio(t, "acme", url.Values{"MessageSid": {"SM0005"}, "From": {"+15550001111"}, "Body": {"1111-2222-3333-4444-5555 hello"}}, false)
			if !strings.Contains(page, "not recognised") {
				t.Fatalf("%s", page)
			}
		})
		t.Run("wrong content type and oversize", func(t *testing.T) {
			res := g.do(t, "POST", "/hooks/acme/twilio", "{}", "", map[string]string{"Content-Type": "application/json"})
			if res.StatusCode != 400 {
				t.Fatalf("json body: %d", res.StatusCode)
			}
			res = g.do(t, "POST", "/hooks/acme/twilio", "Body="+strings.Repeat("a", maxHookBody), "", nil)
			if res.StatusCode != 400 {
				t.Fatalf("oversize: %d", res.StatusCode)
			}
		})
	})
}

func TestMessagesWebhook(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		now := g.clock.Now()
		msg := genericMessage{ID: "m-1", From: "+44 7700 900123", Text: "our documents were taken"}
		res, page := g.messages(t, "acme", msg, now, testHookSecret)
		var out map[string]string
		json.Unmarshal([]byte(page), &out)
		if res.StatusCode != 200 || !strings.Contains(out["reply"], "Your report was received") {
			t.Fatalf("%d %s", res.StatusCode, page)
		}
		for _, tc := range []struct {
			name   string
			msg    genericMessage
			at     time.Time
			secret string
			want   int
		}{
			{"replay of the same id", msg, now, testHookSecret, 200},
			{"old timestamp", genericMessage{ID: "m-2", From: "+1", Text: "x"}, now.Add(-10 * time.Minute), testHookSecret, 401},
			{"future timestamp", genericMessage{ID: "m-3", From: "+1", Text: "x"}, now.Add(10 * time.Minute), testHookSecret, 401},
			{"forged signature", genericMessage{ID: "m-4", From: "+1", Text: "x"}, now, "not the secret", 401},
			{"no id", genericMessage{From: "+1", Text: "x"}, now, testHookSecret, 400},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n := g.countReports(t)
				res, page := g.messages(t, "acme", tc.msg, tc.at, tc.secret)
				if res.StatusCode != tc.want {
					t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.want, page)
				}
				if g.countReports(t) != n {
					t.Fatal("a refused or repeated message stored a report")
				}
			})
		}
		res = g.do(t, "POST", "/hooks/acme/messages", `{"id":"x","from":"1","text":"t","extra":1}`, "", map[string]string{"Content-Type": "text/plain"})
		if res.StatusCode != 400 {
			t.Fatalf("wrong content type: %d", res.StatusCode)
		}
	})
}

func TestTwilioSignatureKnownAnswer(t *testing.T) {
	// The example from Twilio's documentation of request validation.
	form := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"}, "From": {"+12349013030"}, "To": {"+18005551212"}}
	got := twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form)
	if got != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" {
		t.Fatalf("signature %s differs from the documented example", got)
	}
	if twilioSignature("12345", "https://a/b", url.Values{"A": {"1"}, "B": {"2"}}) == twilioSignature("12345", "https://a/b", url.Values{"A": {"12"}}) {
		t.Fatal("parameter boundaries must count")
	}
}

func FuzzParseTwilio(f *testing.F) {
	form := url.Values{"MessageSid": {"SM1"}, "From": {"+1555"}, "Body": {"hello 1234-5678-9012-3456-7890"}}
	f.Add([]byte(form.Encode()), twilioSignature("tok", "https://h/hooks/o/twilio", form))
	f.Add([]byte("Body=%zz&&=="), "")
	f.Fuzz(func(t *testing.T, b []byte, sig string) {
		m, err := parseTwilio("tok", "https://h/hooks/o/twilio", b, sig)
		if err != nil {
			var ke *kernel.Error
			if !errors.As(err, &ke) {
				t.Fatalf("uncategorised error %v", err)
			}
			return
		}
		if m.ID == "" || m.From == "" {
			t.Fatal("accepted a message without id or sender")
		}
	})
}

// TestMessagesSignedForOneOrgRefusedAtAnother: a message signed for one
// organisation, replayed at another's webhook (same body, timestamp and
// signature), is refused, and so is one signed with the other
// organisation's secret over the first one's path; each organisation's
// secret differs.
func TestMessagesSignedForOneOrgRefusedAtAnother(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	ctx := context.Background()
	beta, _, err := g.accounts.EnsureOrg(ctx, "beta", "Beta")
	if err != nil {
		t.Fatal(err)
	}
	rec, _, _ := g.v.NewRecoveryKey()
	if err := g.st.SetRecoveryKey(ctx, beta.ID, rec.Public(), false); err != nil {
		t.Fatal(err)
	}
	if MessagesHookSecret(testHookSecret, "acme") == MessagesHookSecret(testHookSecret, "beta") {
		t.Fatal("two organisations share a webhook secret")
	}
	msg := genericMessage{ID: "m-1", From: "+15550001", Text: "they took our passports"}
	b, _ := json.Marshal(msg)
	ts := strconv.FormatInt(g.clock.Now().Unix(), 10)
	signed := messagesSignature(MessagesHookSecret(testHookSecret, "acme"), ts, "/hooks/acme/messages", b)
	for name, tc := range map[string]struct{ path, sig string }{
		"replayed at another organisation":          {"/hooks/beta/messages", signed},
		"other organisation's secret, first's path": {"/hooks/beta/messages", messagesSignature(MessagesHookSecret(testHookSecret, "beta"), ts, "/hooks/acme/messages", b)},
		"master secret": {"/hooks/beta/messages", messagesSignature(testHookSecret, ts, "/hooks/beta/messages", b)},
	} {
		res := g.do(t, "POST", tc.path, string(b), "", map[string]string{"Content-Type": "application/json", "X-Upstream-Timestamp": ts, "X-Upstream-Signature": tc.sig})
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
	if n := g.countReports(t); n != 0 {
		t.Fatalf("%d reports stored from refused messages", n)
	}
	res := g.do(t, "POST", "/hooks/acme/messages", string(b), "", map[string]string{"Content-Type": "application/json", "X-Upstream-Timestamp": ts, "X-Upstream-Signature": signed})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the message at its own organisation: %d", res.StatusCode)
	}
}

func FuzzParseMessages(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	b := []byte(`{"id":"1","from":"+1","text":"x"}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	f.Add(b, ts, messagesSignature("s", ts, "/hooks/o/messages", b))
	f.Add([]byte(`{"id":1}`), "-99999999999999999999", "sha256=")
	f.Fuzz(func(t *testing.T, b []byte, ts, sig string) {
		m, err := parseMessages("s", "/hooks/o/messages", now, 5*time.Minute, ts, sig, b)
		if err != nil {
			var ke *kernel.Error
			if !errors.As(err, &ke) {
				t.Fatalf("uncategorised error %v", err)
			}
			return
		}
		if sig != messagesSignature("s", ts, "/hooks/o/messages", b) || m.ID == "" {
			t.Fatal("accepted an unsigned or incomplete message")
		}
	})
}
