package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

func canary(what string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "CANARY" + what + hex.EncodeToString(b)
}

// TestCanariesNeverReachStorageOrLogs sends unique strings through every
// way a reporter can write (web form fields, an attachment and its name,
// the follow-up thread, both webhooks and the sender's phone number) and
// through the handler's replies and notes, then searches the SQLite file
// and its write-ahead log, a PostgreSQL dump, and the server's log output:
// none may appear.
func TestCanariesNeverReachStorageOrLogs(t *testing.T) {
	t.Parallel() // its own database and server
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			g := newGFixture(t, db, vault.TestParams())
			_, handler := g.login(t, "case_handler@acme.example", testPassword, "")

			c := map[string]string{}
			for _, k := range []string{"Narrative", "Contact", "Identity", "Supplier", "Search", "FileBody", "FileName", "FollowUp",
				"Twilio", "TwilioFollow", "JSON", "Reply", "Note", "Remedy", "Evidence", "EvidenceName", "EvidenceBody"} {
				c[k] = canary(k)
			}
			phone := "+1555" + strings.TrimLeft(hex.EncodeToString([]byte{byte(len(c))}), "0") + "0197342"
			jsonSender := "+4477009" + "31846"

			rc, res, page := g.submitReport(t, "acme", url.Values{"narrative": {c["Narrative"]}, "contact": {c["Contact"]},
				"identity": {c["Identity"]}, "supplier_text": {c["Supplier"]}, "q": {c["Search"]}, "category": {"deception"}},
				map[string][]byte{c["FileName"] + ".pdf": []byte("%PDF-1.4\n" + c["FileBody"])})
			if rc == "" {
				t.Fatalf("intake failed: %d %s", res.StatusCode, page)
			}
			// A report sent back (nothing described) runs the worker's
			// search again for the form it shows.
			if err := g.db.Accounts().SetSupplierSearch(ctx, g.org.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, res, _ := g.submitReport(t, "acme", url.Values{"q": {c["Search"]}, "contact": {c["Contact"]}}, nil); res.StatusCode != http.StatusBadRequest {
				t.Fatalf("a report with nothing described: status %d", res.StatusCode)
			}
			if r, _ := g.followUp(t, "acme", url.Values{"receipt": {rc}, "action": {"message"}, "text": {c["FollowUp"]}}); r.StatusCode != 200 {
				t.Fatalf("follow-up: %d", r.StatusCode)
			}
			_, twiml := g.twilio(t, "acme", url.Values{"MessageSid": {"SMcanary1"}, "From": {phone}, "Body": {c["Twilio"]}}, false)
			m := smsReceiptRE.FindStringSubmatch(twiml)
			if m == nil {
				t.Fatalf("twilio: %s", twiml)
			}
			g.twilio(t, "acme", url.Values{"MessageSid": {"SMcanary2"}, "From": {phone}, "Body": {m[1] + " " + c["TwilioFollow"]}}, false)
			if r, _ := g.messages(t, "acme", genericMessage{ID: "canary-json", From: jsonSender, Text: c["JSON"]}, g.clock.Now(), testHookSecret); r.StatusCode != 200 {
				t.Fatalf("json webhook: %d", r.StatusCode)
			}
			id := g.reportIDByReceipt(t, rc)
			g.post(t, "/cases/"+id+"/messages", handler, url.Values{"text": {c["Reply"]}})
			g.post(t, "/cases/"+id+"/messages", handler, url.Values{"text": {c["Note"]}, "internal": {"1"}})
			// A remedy, carried out with a note and a file as evidence.
			for _, to := range []string{"acknowledged", "investigating", "remediation"} {
				g.post(t, "/cases/"+id+"/stage", handler, url.Values{"to": {to}})
			}
			g.post(t, "/cases/"+id+"/remedies", handler, url.Values{"type": {"apology"}, "description": {c["Remedy"]}})
			rems, err := g.st.Remedies(ctx, g.org.ID, id)
			if err != nil || len(rems) != 1 {
				t.Fatalf("remedy: %v %v", rems, err)
			}
			var ev bytes.Buffer
			mw := multipart.NewWriter(&ev)
			mw.WriteField("note", c["Evidence"])
			mw.WriteField("day", g.clock.Now().Format("2006-01-02"))
			fw, _ := mw.CreateFormFile("file", c["EvidenceName"]+".pdf")
			fw.Write([]byte("%PDF-1.4\n" + c["EvidenceBody"]))
			mw.Close()
			if res := g.do(t, "POST", "/cases/"+id+"/remedies/"+rems[0].ID+"/implement", ev.String(), handler, map[string]string{"Content-Type": mw.FormDataContentType()}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("implement with evidence: %d %s", res.StatusCode, body(t, res))
			}
			if res := g.do(t, "GET", "/cases/"+id+"/remedies/"+rems[0].ID+"/evidence", "", handler, nil); !strings.Contains(body(t, res), c["EvidenceBody"]) {
				t.Fatal("handler cannot read the evidence file back")
			}
			// The handler and the reporter read everything back, so the
			// canaries went through every decrypting path too.
			if page := body(t, g.do(t, "GET", "/cases/"+id+"?show=identity", "", handler, nil)); !strings.Contains(page, c["Identity"]) || !strings.Contains(page, c["Note"]) || !strings.Contains(page, c["Evidence"]) || !strings.Contains(page, c["EvidenceName"]) {
				t.Fatal("handler cannot read the canaries back")
			}
			if _, page := g.followUp(t, "acme", url.Values{"receipt": {rc}}); !strings.Contains(page, c["Reply"]) {
				t.Fatal("reporter cannot read the reply")
			}

			needles := map[string][]byte{"phone": []byte(strings.TrimPrefix(phone, "+")), "json sender": []byte("447009" + "31846"),
				"receipt": []byte(strings.ReplaceAll(rc, "-", "")), "receipt as shown": []byte(rc)}
			for k, v := range c {
				needles[k] = []byte(v)
			}
			search := func(where string, hay []byte) {
				for name, n := range needles {
					if bytes.Contains(hay, n) {
						t.Errorf("%s contains the %s canary", where, name)
					}
				}
			}
			// A clear triage field must be found, or the search looks at
			// the wrong bytes.
			control := func(where string, hay []byte) {
				if !bytes.Contains(hay, []byte("deception")) {
					t.Errorf("%s lacks the clear category code: the search is not looking at the data", where)
				}
			}
			search("the log", []byte(g.logs.String()))
			switch engine {
			case sqlstore.SQLite:
				path := strings.TrimPrefix(dsn, "sqlite:")
				for _, f := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
					if b, err := os.ReadFile(f); err == nil {
						search(f, b)
					}
				}
				db.Close()
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				search("the database file after close", b)
				control("the database file", b)
			case sqlstore.Postgres:
				pgDump := "/usr/lib/postgresql/15/bin/pg_dump"
				if _, err := os.Stat(pgDump); err != nil {
					if pgDump, err = exec.LookPath("pg_dump"); err != nil {
						t.Skip("pg_dump is not installed")
					}
				}
				out, err := exec.Command(pgDump, "--no-owner", dsn).Output()
				if err != nil {
					t.Fatalf("pg_dump: %v", err)
				}
				if !bytes.Contains(out, []byte("grievance_reports")) {
					t.Fatal("the dump has no grievance table: wrong database?")
				}
				search("the PostgreSQL dump", out)
				control("the PostgreSQL dump", out)
			}
		})
	}
}
