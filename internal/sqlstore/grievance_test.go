package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

type grievanceFixture struct {
	st       *sqlstore.Grievances
	svc      *grievance.Service
	v        *vault.Vault
	tn       tenants
	recovery *vault.PrivateKey
	handler  *vault.PrivateKey
	clock    *kernel.FixedClock
}

func newGrievanceFixture(t *testing.T, db *sqlstore.DB) *grievanceFixture {
	t.Helper()
	ctx := context.Background()
	tn := seedTenants(t, db.Accounts())
	v, err := vault.New(vault.TestParams(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clock := &kernel.FixedClock{T: t0}
	th, err := grievance.NewThrottle(grievance.DefaultThrottle(), clock)
	if err != nil {
		t.Fatal(err)
	}
	st := db.Grievances()
	al := db.AuditLog()
	svc, err := grievance.NewService(grievance.Config{Vault: v, Store: st, Throttle: th, Clock: clock, Rand: rand.Reader,
		Audit: func(ctx context.Context, r audit.Record) error { _, err := audit.Append(ctx, al, clock, r); return err }})
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := v.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetRecoveryKey(ctx, tn.a.ID, rec.Public(), false); err != nil {
		t.Fatal(err)
	}
	pub, locked, err := v.NewHandlerKey([]byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutHandlerKey(ctx, tn.a.ID, tn.userA.ID, pub, locked); err != nil {
		t.Fatal(err)
	}
	if err := st.ApproveHandlerKey(ctx, tn.a.ID, tn.userA.ID, pub, "recovery-key"); err != nil {
		t.Fatal(err)
	}
	hk, err := v.UnlockKey(locked, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	return &grievanceFixture{st: st, svc: svc, v: v, tn: tn, recovery: rec, handler: hk, clock: clock}
}

func (f *grievanceFixture) submit(t *testing.T, orgID string, narrative string) (grievance.Receipt, grievance.Report) {
	t.Helper()
	ctx := context.Background()
	rec, err := f.st.RecoveryKey(ctx, f.tn.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	rc, r, err := f.svc.Submit(ctx, grievance.OrgKeys{OrgID: orgID, Recovery: rec, Handlers: map[string]vault.PublicKey{f.tn.userA.ID: f.handler.Public()}},
		grievance.Submission{
			Triage:      grievance.Triage{Categories: []grievance.Category{grievance.DebtBondage, grievance.WithholdingOfWages}, Country: "BD", Channel: grievance.ChannelWeb},
			Narrative:   narrative,
			Contact:     "contact " + narrative,
			Attachments: []grievance.Attachment{{Name: "a.jpg", MediaType: "image/jpeg", Content: testJPEG("jpeg " + narrative)}},
			Consents:    []grievance.Consent{{Purpose: grievance.PurposeReferral, Granted: true}},
		})
	if err != nil {
		t.Fatal(err)
	}
	return rc, r
}

func TestGrievanceStoreRoundTrip(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		rc, r := f.submit(t, f.tn.a.ID, "they keep our passports")

		t.Run("reporter opens with receipt", func(t *testing.T) {
			rs, err := f.svc.OpenWithReceipt(ctx, f.tn.a.ID, rc)
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			if err := rs.AddMessage(ctx, "more detail"); err != nil {
				t.Fatal(err)
			}
			if err := rs.SetConsent(ctx, grievance.PurposeShareSupplier, true); err != nil {
				t.Fatal(err)
			}
			v, err := rs.View(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v.Narrative != "they keep our passports" || len(v.Thread) != 1 || v.Stage != grievance.StageReceived || len(v.Categories) != 2 {
				t.Fatalf("view: %+v", v)
			}
		})
		t.Run("handler works the case to closure", func(t *testing.T) {
			hs, err := f.svc.OpenAsHandler(ctx, f.tn.a.ID, r.ID, grievance.Handler{UserID: f.tn.userA.ID, Key: f.handler})
			if err != nil {
				t.Fatal(err)
			}
			defer hs.Close()
			for _, to := range []grievance.Stage{grievance.StageAcknowledged, grievance.StageInvestigating, grievance.StageRemediation} {
				if err := hs.Move(ctx, to, "", "note for "+string(to)); err != nil {
					t.Fatalf("move to %s: %v", to, err)
				}
			}
			m, err := hs.ProposeRemedy(ctx, grievance.RemedyBackPay, grievance.Money{Minor: 12345, Currency: "USD"}, "back pay")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := hs.ImplementRemedy(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			if err := hs.Move(ctx, grievance.StageClosed, grievance.ReasonResolved, ""); err != nil {
				t.Fatal(err)
			}
			v, err := hs.View(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v.Opened.Contact != "contact they keep our passports" || len(v.Attachments) != 1 || len(v.History) != 4 ||
				len(v.Remedies) != 1 || v.Remedies[0].Status != grievance.RemedyImplemented || v.Remedies[0].Amount.Minor != 12345 ||
				v.Report.Case.Stage != grievance.StageClosed || len(v.Thread) != 4 {
				t.Fatalf("handler view: %+v", v)
			}
			_, body, err := hs.Attachment(ctx, v.Attachments[0].ID)
			if err != nil || !bytes.Equal(body, testJPEG("jpeg they keep our passports")) {
				t.Fatalf("attachment %q %v", body, err)
			}
		})
		t.Run("stale version is a conflict", func(t *testing.T) {
			cur, err := f.st.Report(ctx, f.tn.a.ID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			cur.Version--
			if _, err := f.st.UpdateReport(ctx, cur, nil); !kernel.IsCode(err, kernel.Conflict) {
				t.Fatalf("want conflict, got %v", err)
			}
		})
		t.Run("filters", func(t *testing.T) {
			for _, tc := range []struct {
				name string
				f    grievance.ReportFilter
				want int
			}{
				{"none", grievance.ReportFilter{}, 1},
				{"category", grievance.ReportFilter{Category: grievance.DebtBondage}, 1},
				{"other category", grievance.ReportFilter{Category: grievance.Deception}, 0},
				{"stage closed", grievance.ReportFilter{Stages: []grievance.Stage{grievance.StageClosed}}, 1},
				{"stage open", grievance.ReportFilter{Stages: []grievance.Stage{grievance.StageReceived}}, 0},
				{"country", grievance.ReportFilter{Country: "BD"}, 1},
				{"day range", grievance.ReportFilter{From: grievance.DayOf(t0).AddDays(1)}, 0},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got, err := f.st.Reports(ctx, f.tn.a.ID, tc.f, kernel.Page{})
					if err != nil || len(got) != tc.want {
						t.Fatalf("got %d reports (%v), want %d", len(got), err, tc.want)
					}
				})
			}
		})
		t.Run("recovery restores access for a new key", func(t *testing.T) {
			newKey, err := f.v.NewKeyPair()
			if err != nil {
				t.Fatal(err)
			}
			ids, err := f.st.ReportIDs(ctx, f.tn.a.ID)
			if err != nil {
				t.Fatal(err)
			}
			n, err := f.svc.Recover(ctx, f.tn.a.ID, "cli", ids, f.recovery, f.tn.userA.ID, newKey.Public())
			if err != nil || n != 1 {
				t.Fatalf("recover: %d %v", n, err)
			}
			hs, err := f.svc.OpenAsHandler(ctx, f.tn.a.ID, r.ID, grievance.Handler{UserID: f.tn.userA.ID, Key: newKey})
			if err != nil {
				t.Fatal(err)
			}
			hs.Close()
		})
		t.Run("purge destroys keys and data", func(t *testing.T) {
			if err := f.svc.Purge(ctx, f.tn.a.ID, r.ID, "retention"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.st.WrappedKey(ctx, r.ID, vault.RecipientRecovery); !kernel.IsCode(err, kernel.NotFound) {
				t.Fatalf("wrapped key survived: %v", err)
			}
			if recs, err := f.st.ReceiptsByLocator(ctx, f.tn.a.ID, r.Locator); err != nil || len(recs) != 0 {
				t.Fatalf("receipt survived: %d, %v", len(recs), err)
			}
			got, err := f.st.Report(ctx, f.tn.a.ID, r.ID)
			if err != nil || !got.Purged || got.Locator != "" || len(got.Narrative) != 0 {
				t.Fatalf("purged row: %+v %v", got, err)
			}
			atts, _ := f.st.Attachments(ctx, f.tn.a.ID, r.ID)
			msgs, _ := f.st.Messages(ctx, f.tn.a.ID, r.ID)
			rems, _ := f.st.Remedies(ctx, f.tn.a.ID, r.ID)
			cons, _ := f.st.Consents(ctx, f.tn.a.ID, r.ID)
			if len(atts)+len(msgs)+len(rems)+len(cons) != 0 {
				t.Fatal("sealed data survived the purge")
			}
			if err := f.st.PurgeReport(ctx, f.tn.a.ID, r.ID); err != nil {
				t.Fatalf("purge is idempotent: %v", err)
			}
			if _, err := f.svc.OpenWithReceipt(ctx, f.tn.a.ID, rc); err == nil {
				t.Fatal("receipt still opens a purged report")
			}
		})
		t.Run("inbound seen once", func(t *testing.T) {
			d := grievance.DayOf(t0)
			if err := f.st.SeeInbound(ctx, f.tn.a.ID, "k1", d); err != nil {
				t.Fatal(err)
			}
			if err := f.st.SeeInbound(ctx, f.tn.a.ID, "k1", d); !kernel.IsCode(err, kernel.Conflict) {
				t.Fatalf("want conflict, got %v", err)
			}
			if err := f.st.SeeInbound(ctx, f.tn.b.ID, "k1", d); err != nil {
				t.Fatalf("other org: %v", err)
			}
		})
		t.Run("active handler keys", func(t *testing.T) {
			ks, err := f.st.ActiveHandlerKeys(ctx, f.tn.a.ID, string(account.RoleAdmin))
			if err != nil || len(ks) != 1 {
				t.Fatalf("%v %v", ks, err)
			}
			if err := f.st.SetRecoveryKey(ctx, f.tn.a.ID, f.handler.Public(), false); !kernel.IsCode(err, kernel.Conflict) {
				t.Fatalf("second recovery key: %v", err)
			}
		})
	})
}

// TestGrievanceTenantIsolation asks every organisation-scoped method for
// organisation A's report while naming organisation B.
func TestGrievanceTenantIsolation(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		_, r := f.submit(t, f.tn.a.ID, "isolation")
		b := f.tn.b.ID
		notFound := func(name string, err error) {
			t.Run(name, func(t *testing.T) {
				if !kernel.IsCode(err, kernel.NotFound) {
					t.Fatalf("want NotFound, got %v", err)
				}
			})
		}
		_, err := f.st.Report(ctx, b, r.ID)
		notFound("Report", err)
		t.Run("ReceiptsByLocator", func(t *testing.T) {
			if recs, err := f.st.ReceiptsByLocator(ctx, b, r.Locator); err != nil || len(recs) != 0 {
				t.Fatalf("another organisation's receipt records: %d, %v", len(recs), err)
			}
			if use, err := f.st.LocatorUse(ctx, b, []string{r.Locator}); err != nil || use[r.Locator] != 0 {
				t.Fatalf("another organisation's locator use: %v, %v", use, err)
			}
		})
		_, err = f.st.Attachments(ctx, b, r.ID)
		notFound("Attachments", err)
		_, err = f.st.History(ctx, b, r.ID)
		notFound("History", err)
		_, err = f.st.Messages(ctx, b, r.ID)
		notFound("Messages", err)
		_, err = f.st.Remedies(ctx, b, r.ID)
		notFound("Remedies", err)
		_, err = f.st.Consents(ctx, b, r.ID)
		notFound("Consents", err)
		m, _ := grievance.NewMessage(r.ID, grievance.FromReporter, "", false, []byte{1}, grievance.DayOf(t0))
		_, err = f.st.AddMessage(ctx, b, m)
		notFound("AddMessage", err)
		notFound("AddConsent", f.st.AddConsent(ctx, b, r.ID, grievance.Consent{Purpose: grievance.PurposeReferral, Day: grievance.DayOf(t0)}))
		_, err = f.st.PutRemedy(ctx, b, grievance.Remedy{ID: kernel.NewID(), ReportID: r.ID, Type: grievance.RemedyOther, Status: grievance.RemedyProposed})
		notFound("PutRemedy", err)
		moved := r
		moved.OrgID = b
		_, err = f.st.UpdateReport(ctx, moved, nil)
		notFound("UpdateReport", err)
		notFound("PurgeReport", f.st.PurgeReport(ctx, b, r.ID))
		_, err = f.st.HandlerKey(ctx, b, f.tn.userA.ID)
		notFound("HandlerKey", err)
		notFound("PutHandlerKey", f.st.PutHandlerKey(ctx, b, f.tn.userA.ID, f.handler.Public(), []byte{1}))
		_, err = f.st.RecoveryKey(ctx, b)
		notFound("RecoveryKey", err)
		t.Run("lists", func(t *testing.T) {
			rs, err := f.st.Reports(ctx, b, grievance.ReportFilter{}, kernel.Page{})
			if err != nil || len(rs) != 0 {
				t.Fatalf("Reports of B: %d %v", len(rs), err)
			}
			ids, err := f.st.ReportIDs(ctx, b)
			if err != nil || len(ids) != 0 {
				t.Fatalf("ReportIDs of B: %d %v", len(ids), err)
			}
			ks, err := f.st.ActiveHandlerKeys(ctx, b, string(account.RoleAdmin))
			if err != nil || len(ks) != 0 {
				t.Fatalf("handler keys of B: %d %v", len(ks), err)
			}
		})
		t.Run("A still intact", func(t *testing.T) {
			got, err := f.st.Report(ctx, f.tn.a.ID, r.ID)
			if err != nil || got.Purged || got.Version != 1 {
				t.Fatalf("%+v %v", got, err)
			}
		})
	})
}

// TestReceiptLocatorsMayRepeat: a second live report on a locator is
// stored, both are listed for the secret to decide, and use is counted.
func TestReceiptLocatorsMayRepeat(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		_, r := f.submit(t, f.tn.a.ID, "first")
		r2 := r
		r2.ID = kernel.NewID()
		ver, rk, err := f.v.NewReceiptVerifier([]byte("12345678901234"))
		if err != nil {
			t.Fatal(err)
		}
		rk.Wipe()
		err = f.st.CreateReport(ctx, grievance.NewReport{Report: r2, Receipt: grievance.ReceiptRecord{OrgID: r2.OrgID, Locator: r2.Locator, ReportID: r2.ID, Verifier: ver}})
		if err != nil {
			t.Fatalf("a second report on one locator: %v", err)
		}
		recs, err := f.st.ReceiptsByLocator(ctx, f.tn.a.ID, r.Locator)
		if err != nil || len(recs) != 2 || recs[0].ReportID != r.ID || recs[1].ReportID != r2.ID {
			t.Fatalf("records on the locator: %+v %v", recs, err)
		}
		use, err := f.st.LocatorUse(ctx, f.tn.a.ID, []string{r.Locator, "000000"})
		if err != nil || use[r.Locator] != 2 || use["000000"] != 0 {
			t.Fatalf("locator use %v %v", use, err)
		}
		if err := f.st.PurgeReport(ctx, f.tn.a.ID, r2.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// TestIntakeSurvivesJunkFlood: 20,000 junk submissions to one organisation
// (cheap key stretching) cannot stop a genuine report, which is accepted and
// opens with its receipt. With unique 4-digit locators intake refused every
// report after about 10,000.
func TestIntakeSurvivesJunkFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 submissions")
	}
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		rec, err := f.st.RecoveryKey(ctx, f.tn.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		keys := grievance.OrgKeys{OrgID: f.tn.a.ID, Recovery: rec}
		junk := grievance.Submission{Triage: grievance.Triage{Categories: []grievance.Category{grievance.Other}, Channel: grievance.ChannelWeb}, Narrative: "junk"}
		const floods, workers = 20_000, 8
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < floods; i += workers {
					if _, _, err := f.svc.Submit(ctx, keys, junk); err != nil && !errors.Is(err, grievance.ErrBusy) {
						errs <- fmt.Errorf("junk %d: %w", i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		rc, _ := f.submit(t, f.tn.a.ID, "they took our passports")
		rs, err := f.svc.OpenWithReceipt(ctx, f.tn.a.ID, rc)
		if err != nil {
			t.Fatalf("the genuine report after the flood: %v", err)
		}
		defer rs.Close()
		v, err := rs.View(ctx)
		if err != nil || v.Narrative != "they took our passports" {
			t.Fatalf("opened %q, %v", v.Narrative, err)
		}
	})
}

// TestHandlerKeyApproval: a new key is not given reports until approved;
// approval names the very key compared; locking the same key again keeps
// its approval, a new key pair loses it.
func TestHandlerKeyApproval(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		role := string(account.RoleAdmin) // the seeded users are admins
		u := f.tn.userA
		active := func() int {
			ks, err := f.st.ActiveHandlerKeys(ctx, f.tn.a.ID, role)
			if err != nil {
				t.Fatal(err)
			}
			return len(ks)
		}
		fresh, err := f.v.NewKeyPair()
		if err != nil {
			t.Fatal(err)
		}
		other, _ := f.v.NewKeyPair()
		if err := f.st.PutHandlerKey(ctx, f.tn.a.ID, u.ID, fresh.Public(), []byte("locked")); err != nil {
			t.Fatal(err)
		}
		if active() != 0 {
			t.Fatal("a new key pair kept the old key's approval")
		}
		pending, err := f.st.PendingHandlerKeys(ctx, f.tn.a.ID, role)
		if err != nil || len(pending) != 1 || pending[0].UserID != u.ID || pending[0].Approved() {
			t.Fatalf("pending keys: %+v %v", pending, err)
		}
		if err := f.st.ApproveHandlerKey(ctx, f.tn.a.ID, u.ID, other.Public(), "user:x"); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("approving another key than the stored one: %v", err)
		}
		if err := f.st.ApproveHandlerKey(ctx, f.tn.b.ID, u.ID, fresh.Public(), "user:x"); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("approving from another organisation: %v", err)
		}
		if err := f.st.ApproveHandlerKey(ctx, f.tn.a.ID, u.ID, fresh.Public(), "user:x"); err != nil || active() != 1 {
			t.Fatalf("approval: %v, %d active", err, active())
		}
		if err := f.st.PutHandlerKey(ctx, f.tn.a.ID, u.ID, fresh.Public(), []byte("locked again")); err != nil || active() != 1 {
			t.Fatalf("the same key locked again lost its approval: %v", err)
		}
		if k, err := f.st.HandlerKey(ctx, f.tn.a.ID, u.ID); err != nil || k.ApprovedBy != "user:x" {
			t.Fatalf("stored approval: %+v %v", k, err)
		}
	})
}

// testJPEG is a JPEG whose only content, in a segment the metadata stripper
// keeps, is extra: enough for tests of storage and encryption.
func testJPEG(extra string) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	n := len(extra) + 2
	b = append(b, 0xFF, 0xDB, byte(n>>8), byte(n))
	b = append(b, extra...)
	return append(b, 0xFF, 0xD9)
}
