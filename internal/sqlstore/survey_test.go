package sqlstore_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/survey"
	"github.com/upstream-platform/upstream/internal/vault"
)

type surveyKeys struct{ keys grievance.OrgKeys }

func (k surveyKeys) OrgKeys(_ context.Context, orgID string) (grievance.OrgKeys, error) {
	ks := k.keys
	ks.OrgID = orgID
	return ks, nil
}

type supplierSites map[string][]string

func (s supplierSites) SitesOf(_ context.Context, _, supplierID string) ([]string, error) {
	return s[supplierID], nil
}

// surveyFixture is a survey service on a real store, with one case handler
// whose key is unlocked, on a clock in the survey's first round.
type surveyFixture struct {
	svc     *survey.Service
	store   *sqlstore.Surveys
	clock   *kernel.FixedClock
	handler *vault.PrivateKey
	tn      tenants
}

func newSurveyFixture(t *testing.T, db *sqlstore.DB) surveyFixture {
	t.Helper()
	v, err := vault.New(vault.TestParams(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	recovery, _, err := v.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, locked, err := v.NewHandlerKey([]byte("handler password"))
	if err != nil {
		t.Fatal(err)
	}
	priv, err := v.UnlockKey(locked, []byte("handler password"))
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := vault.NewConversationHasher([]byte(strings.Repeat("s", vault.MinConversationSecret)))
	if err != nil {
		t.Fatal(err)
	}
	clock := &kernel.FixedClock{T: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	f := surveyFixture{store: db.Surveys(), clock: clock, handler: priv, tn: seedTenants(t, db.Accounts())}
	f.svc, err = survey.NewService(survey.Config{
		Store: f.store, Vault: v, Hasher: hasher, Clock: clock,
		Keys:  surveyKeys{grievance.OrgKeys{Recovery: recovery.Public(), Handlers: map[string]vault.PublicKey{"handler-1": pub}}},
		Sites: supplierSites{"mill": {"site-b", "site-c"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f surveyFixture) create(t *testing.T) survey.Survey {
	t.Helper()
	var qs []survey.Question
	for _, k := range []string{"own_documents", "recruitment_fee", "still_owe", "anything_else"} {
		q, _ := survey.LibraryQuestion(k)
		qs = append(qs, q)
	}
	opens, _ := grievance.ParseDay("2026-03-01")
	closes, _ := grievance.ParseDay("2026-03-14")
	sv, err := f.svc.Create(context.Background(), f.tn.a.ID, survey.Survey{
		Title: "Recruitment", Languages: []string{"en", "es"}, Questions: qs,
		Target:   survey.Target{SiteIDs: []string{"site-a"}, SupplierID: "mill"},
		Schedule: survey.Schedule{Opens: opens, Closes: closes, Rounds: 2, EveryDays: 28},
	})
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

func TestSurveyStoreAndService(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) { surveyScenario(t, db) })
}

// TestSurveyCanaries runs the scenario on a SQLite file and reads every
// file of the database, after closing it too, for the free texts and the
// phone numbers: none may be there in clear.
func TestSurveyCanaries(t *testing.T) {
	t.Parallel() // each test has its own database
	dsn := sqltest.DSN(t, sqlstore.SQLite)
	path := strings.TrimPrefix(dsn, "sqlite:")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	surveyScenario(t, db)
	needles := []string{"CANARY-SMS", "CANARY-WEB", "5550000001", "555 000 0001", "15550000003"}
	read := func() []byte {
		var all []byte
		for _, f := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
			if b, err := os.ReadFile(f); err == nil {
				all = append(all, b...)
			}
		}
		return all
	}
	check := func(when string, b []byte) {
		for _, n := range needles {
			if strings.Contains(string(b), n) {
				t.Errorf("%q found in the database files %s", n, when)
			}
		}
		// The clear answers must be found, or the search looks at the wrong
		// bytes.
		if !strings.Contains(string(b), "own_documents") {
			t.Errorf("the clear answers are not in the database files %s: the search is not looking at the data", when)
		}
	}
	check("while open", read())
	db.Close()
	check("after close", read())
}

func surveyScenario(t *testing.T, db *sqlstore.DB) {
	{
		ctx := context.Background()
		f := newSurveyFixture(t, db)
		sv := f.create(t)
		if len(sv.Sites) != 3 || sv.Sites[0].ID != "site-a" || sv.Sites[2].ID != "site-c" {
			t.Fatalf("sites = %+v, want site-a and the mill's two", sv.Sites)
		}
		got, err := f.store.Survey(ctx, f.tn.a.ID, sv.ID)
		if err != nil || got.Title != sv.Title || len(got.Questions) != 4 || got.Schedule != sv.Schedule || len(got.Sites) != 3 {
			t.Fatalf("survey round trip: %+v, %v", got, err)
		}
		if _, err := f.store.SurveyBySiteCode(ctx, f.tn.b.ID, sv.Sites[0].Code); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("another organisation found the survey by its code: %v", err)
		}
		code := sv.Sites[0].Code

		// Eight workers answer by SMS, one of them twice, and two on the web.
		for i := range 8 {
			from := fmt.Sprintf("+1 555 000 %04d", i)
			send := func(text string) []string {
				t.Helper()
				out, handled, err := f.svc.Handle(ctx, survey.Inbound{OrgID: f.tn.a.ID, OrgName: "Fair Farms", Channel: survey.SMS, From: from, Text: text})
				if err != nil || !handled {
					t.Fatalf("%s %q: handled=%v %v", from, text, handled, err)
				}
				return out.Messages
			}
			send(strings.ToLower(code))
			send("1") // English
			doc := "1"
			if i < 6 {
				doc = "2" // no own documents
			}
			send(doc)
			send("2") // no fee
			out := send("CANARY-SMS-" + fmt.Sprint(i))
			if !strings.Contains(out[len(out)-1], "Thank you") {
				t.Fatalf("last reply %q", out)
			}
			if i == 0 { // starts again and now says yes: counted once, as yes
				send(code)
				send("1")
				send("1")
			}
		}
		for i := range 2 {
			if err := f.svc.SubmitWeb(ctx, f.tn.a.ID, code, map[string]string{"own_documents": "yes", "anything_else": "CANARY-WEB-" + fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		// A message that is not for a survey is left for grievance intake.
		if _, handled, err := f.svc.Handle(ctx, survey.Inbound{OrgID: f.tn.a.ID, Channel: survey.SMS, From: "+15559999999", Text: "they took my passport"}); err != nil || handled {
			t.Errorf("a grievance message was taken by surveys: %v %v", handled, err)
		}

		_, res, err := f.svc.Results(ctx, f.tn.a.ID, sv.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].SiteID != "site-a" || res[0].Respondents != 10 {
			t.Fatalf("site-a results %+v, want 10 respondents (8 numbers once each, 2 web)", res[0])
		}
		docs := res[0].Questions[0]
		if docs.Cells[0].N != 5 || docs.Cells[1].N != 5 {
			t.Errorf("own_documents cells %+v, want 5 yes (2 SMS, 1 SMS that replaced its first answer, 2 web) and 5 no", docs.Cells)
		}

		texts, err := f.svc.Texts(ctx, f.tn.a.ID, sv.ID, "handler-1", f.handler)
		if err != nil || len(texts) != 10 {
			t.Fatalf("texts: %d %v, want 10", len(texts), err)
		}
		if !strings.HasPrefix(texts[0].Body, "CANARY-WEB-1") {
			t.Errorf("newest text %q", texts[0].Body)
		}
		if other, err := f.svc.Texts(ctx, f.tn.a.ID, sv.ID, "someone-else", f.handler); err != nil || len(other) != 0 {
			t.Errorf("a user without a wrapped key read %d texts (%v)", len(other), err)
		}

		// After the last round the numbers' hashes are forgotten.
		before, _ := f.store.Responses(ctx, f.tn.a.ID, sv.ID, 1)
		f.clock.T = time.Date(2026, 4, 12, 0, 0, 0, 0, time.UTC)
		n, err := f.svc.ForgetEnded(ctx, f.tn.a.ID)
		if err != nil || n != 10 {
			t.Fatalf("forgot %d, %v; want 10", n, err)
		}
		after, _ := f.store.Responses(ctx, f.tn.a.ID, sv.ID, 1)
		for i := range after {
			for _, b := range before {
				if after[i].Respondent == b.Respondent {
					t.Fatalf("respondent %q kept after the survey ended", b.Respondent)
				}
			}
		}
		if _, err := f.store.Conversation(ctx, f.tn.a.ID, "x"); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("conversation lookup: %v", err)
		}
	}
}
