package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestBrowserConfirmHitWithoutJavaScript signs in as an analyst in headless
// Chromium with scripts off, screens the organisation's suppliers from the
// queue page and confirms one hit through the plain form.
func TestBrowserConfirmHitWithoutJavaScript(t *testing.T) {
	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)

	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/screening", "analyst@acme.example", testPassword),
		chromedp.WaitVisible(chromedp.CSS("#screen-all")),
		chromedp.Click(chromedp.CSS("#screen-all")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "2 new hits"); err != nil {
		t.Fatalf("screening not run: %v", err)
	}
	if err := waitForText(ctx, "#queue", "Ninestar Corporation"); err != nil {
		t.Fatalf("hit not listed: %v", err)
	}
	if err := waitForText(ctx, "#queue-counts", "2 pending, 0 confirmed, 0 dismissed."); err != nil {
		t.Fatal(err)
	}
	items, err := f.db.Screening().ListReviewItems(t.Context(), reviewFilterFor(f.org.ID, "s2"))
	if err != nil || len(items) != 1 {
		t.Fatalf("stored items %v %v", items, err)
	}
	id := items[0].ID
	// Confirm and dismiss look different: a person must not take one for
	// the other.
	colours, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#bulk-confirm")).backgroundColor + " " + getComputedStyle(document.querySelector("#bulk-dismiss")).backgroundColor`))
	if c := strings.Fields(strings.ReplaceAll(colours, ", ", ",")); err != nil || len(c) != 2 || c[0] == c[1] {
		t.Errorf("confirm and dismiss buttons: %q (%v)", colours, err)
	}
	// Sorted by score through the column's link, without script.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sort-score"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#queue caption", "highest score first (page 1)"); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#hit-"+id)),
		chromedp.SendKeys(chromedp.CSS("#bulk-reason"), "same address in Zhuhai"),
		chromedp.Click(chromedp.CSS("#bulk-confirm")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "1 hit confirmed as true matches: Ninestar Corp as Ninestar Corporation."); err != nil {
		t.Fatalf("no confirmation shown: %v", err)
	}
	if err := waitForText(ctx, "#queue-counts", "1 pending, 1 confirmed, 0 dismissed."); err != nil {
		t.Fatal(err)
	}
	it, err := f.db.Screening().ReviewItem(t.Context(), f.org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != "confirmed" || it.Decision == nil || it.Decision.Reason != "same address in Zhuhai" {
		t.Fatalf("item after confirming %+v", it)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil && os.Getenv("UPSTREAM_SCREENSHOTS") != "" {
		os.WriteFile(filepath.Join(os.Getenv("UPSTREAM_SCREENSHOTS"), "screening.png"), shot, 0o644)
	}
}

// TestBrowserReplaceListWithoutJavaScript signs in as an administrator in
// headless Chromium with scripts off, uploads a newer edition of the UFLPA
// list through the plain form and reads the confirmation and the list's
// new edition date on the page.
func TestBrowserReplaceListWithoutJavaScript(t *testing.T) {
	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)
	file := filepath.Join(t.TempDir(), "uflpa_2026-11.csv")
	if err := os.WriteFile(file, []byte("name,aliases,uflpa_section,date_added\nNew Polysilicon Works Co. Ltd.,,Section 2(d)(2)(B)(ii),2026-11-20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/screening", "admin@acme.example", testPassword),
		chromedp.WaitVisible(chromedp.CSS("#replace-file")),
		chromedp.SetUploadFiles(chromedp.CSS("#replace-file"), []string{file}),
		chromedp.Submit(chromedp.CSS("#replace-file")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "UFLPA Entity List replaced by uflpa_2026-11.csv: 1 entry, edition of 2026-11-20"); err != nil {
		t.Fatalf("no confirmation: %v", err)
	}
	if err := waitForText(ctx, "#lists", "edition of 20 November 2026, 5 days old"); err != nil {
		t.Fatalf("the list's edition is not shown: %v", err)
	}
}

// TestBrowserBulkReviewGroupedBySupplier: with scripts off, an analyst
// reads the queue grouped by supplier (each group names its supplier and
// links it), narrows it by list and by status through the filter form,
// ticks both hits and decides them with one reason; both are stored with
// that reason, and the status filter then finds them.
func TestBrowserBulkReviewGroupedBySupplier(t *testing.T) {
	for _, decision := range []string{"dismissed", "confirmed"} {
		t.Run(decision, func(t *testing.T) {
			f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
			ts, ctx := f.browse(t, false)
			err := chromedp.Do(ctx,
				browserSignIn(ts.URL+"/screening", "analyst@acme.example", testPassword),
				chromedp.WaitVisible(chromedp.CSS("#screen-all")),
				chromedp.Click(chromedp.CSS("#screen-all")),
			)
			if err != nil {
				t.Fatal(err)
			}
			if err := waitForText(ctx, "#queue-counts", "2 pending, 0 confirmed, 0 dismissed."); err != nil {
				t.Fatal(err)
			}
			groups, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#queue tr.group a")).map(a => a.getAttribute("href") + " " + a.textContent)`))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{"/suppliers/s1 Hoshine Silicon Industry Company Limited": true, "/suppliers/s2 Ninestar Corp": true}
			if len(groups) != 2 || !want[groups[0]] || !want[groups[1]] {
				t.Fatalf("supplier groups %q, want one linked group per supplier", groups)
			}
			// Filter through the form: the list, then a status with no hits.
			filter := func(field, value string) {
				t.Helper()
				err := chromedp.Do(ctx,
					chromedp.SetAttributeValue(chromedp.CSS(`#`+field+` option[value="`+value+`"]`), "selected", "selected"),
					chromedp.Submit(chromedp.CSS("#"+field)),
				)
				if err != nil {
					t.Fatal(err)
				}
			}
			filter("list", "uflpa")
			if err := waitForText(ctx, "#queue caption", "pending hits on UFLPA"); err != nil {
				t.Fatal(err)
			}
			if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#queue input[name=hit]").length`)); err != nil || n != 2 {
				t.Fatalf("hits on the list: %d (%v)", n, err)
			}
			filter("status", decision)
			if err := waitForText(ctx, "#queue", "No hits match."); err != nil {
				t.Fatal(err)
			}
			filter("status", "pending")
			if err := waitForText(ctx, "#queue caption", "pending hits"); err != nil {
				t.Fatal(err)
			}
			ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#queue input[name=hit]")).map(c => c.id)`))
			if err != nil || len(ids) != 2 {
				t.Fatalf("boxes to tick: %q (%v)", ids, err)
			}
			var steps []chromedp.Action[chromedp.Void]
			for _, id := range ids {
				steps = append(steps, chromedp.Click(chromedp.CSS("#"+id)))
			}
			button := map[string]string{"dismissed": "#bulk-dismiss", "confirmed": "#bulk-confirm"}[decision]
			steps = append(steps,
				chromedp.SendKeys(chromedp.CSS("#bulk-reason"), "checked against the registry extract"),
				chromedp.Click(chromedp.CSS(button)),
			)
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatal(err)
			}
			if err := waitForText(ctx, "#flash", "2 hits "+decision); err != nil {
				t.Fatalf("no confirmation: %v", err)
			}
			counts := map[string]string{"dismissed": "0 pending, 0 confirmed, 2 dismissed.", "confirmed": "0 pending, 2 confirmed, 0 dismissed."}[decision]
			if err := waitForText(ctx, "#queue-counts", counts); err != nil {
				t.Fatal(err)
			}
			for _, party := range []string{"s1", "s2"} {
				items, err := f.db.Screening().ListReviewItems(t.Context(), reviewFilterFor(f.org.ID, party))
				if err != nil || len(items) != 1 {
					t.Fatalf("stored items of %s: %v %v", party, items, err)
				}
				if it := items[0]; string(it.Status) != decision || it.Decision == nil || it.Decision.Reason != "checked against the registry extract" {
					t.Errorf("%s after the bulk decision: %+v", party, it)
				}
			}
			filter("status", decision)
			if err := waitForText(ctx, "#queue caption", decision+" hits"); err != nil {
				t.Fatal(err)
			}
			if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#queue tbody tr:not(.group)").length`)); err != nil || n != 2 {
				t.Errorf("the %s filter shows %d rows (%v), want both", decision, n, err)
			}
		})
	}
}
