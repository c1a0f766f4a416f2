package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestBrowserAnswerChangesGradeWithoutJavaScript signs in as an analyst in
// headless Chromium with scripts off, opens a supplier's scorecard, answers
// one question with a document through the plain form and sees the grade
// change.
func TestBrowserAnswerChangesGradeWithoutJavaScript(t *testing.T) {
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false // httptest serves plain http on 127.0.0.1
	ctx := context.Background()
	org := reportingOrgOf(f)

	// Yesterday, questions were answered (undocumented, so each earns
	// half) until one more documented answer would change the grade; that
	// question is the one the browser answers today.
	today := f.clock.T
	f.clock.T = today.AddDate(0, 0, -1)
	var target string
	var before scorecard.Grade
	for _, q := range scorecard.Questions(scorecard.Supplier) {
		v, err := f.deps.Reporting.Scorecard(ctx, org, f.grinder)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range v.Current.Next {
			if st.Grade != v.Current.Grade && st.ItemID != q.ID && !answered(v, st.ItemID) && isQuestion(st.ItemID) {
				target, before = st.ItemID, v.Current.Grade
				break
			}
		}
		if target != "" {
			break
		}
		a := scorecard.Answer{QuestionID: q.ID, Response: scorecard.Yes, AnsweredOn: f.clock.Now()}
		if _, err := f.deps.Reporting.Answer(ctx, org, f.grinder, a); err != nil {
			t.Fatal(err)
		}
	}
	if target == "" {
		t.Fatal("no single answer changes the grade; the fixture needs other answers")
	}
	f.clock.T = today
	id := anchor(target)

	ts := httptest.NewServer(f.h)
	defer ts.Close()
	b := testkit.Browser(t, false)
	err := chromedp.Do(b,
		browserSignIn(ts.URL+"/scorecards/suppliers/"+url.PathEscape(f.grinder), "analyst@acme.example", testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(b, "#grade", string(before)); err != nil {
		t.Fatalf("grade before: %v", err)
	}
	err = chromedp.Do(b,
		chromedp.Click(chromedp.CSS("#"+id+"-yes")),
		chromedp.SendKeys(chromedp.CSS("#"+id+"-doc"), "Signed policy"),
		chromedp.SendKeys(chromedp.CSS("#"+id+"-ref"), "POL-2026-11"),
		chromedp.Click(chromedp.CSS("#"+id+"-save")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(b, "#"+id+"-current", "Signed policy"); err != nil {
		t.Fatalf("answer not shown: %v", err)
	}
	text, err := chromedp.Run(b, chromedp.Text(chromedp.CSS("#grade")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(text) == string(before) {
		t.Errorf("grade still %s after answering %s", before, target)
	}
	if err := waitForText(b, "#trend", string(before)); err != nil {
		t.Errorf("the trend does not show the earlier grade: %v", err)
	}
}

func isQuestion(id string) bool {
	it, ok := scorecard.Lookup(id)
	return ok && it.Source == scorecard.FromAnswer
}

func answered(v reportingView, id string) bool {
	for _, q := range v.Questions {
		if q.ID == id {
			return q.Answer != nil
		}
	}
	return false
}

// TestBrowserScorecardReadsSummaryFirst: with scripts off, the
// organisation's scorecard opens with the grade as a badge and the steps
// that would move it, marks the step where the grade moves, lists no item
// as both raising and lowering the grade, and folds the long sections,
// which open with a click.
func TestBrowserScorecardReadsSummaryFirst(t *testing.T) {
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	b, cancel := context.WithTimeout(testkit.Browser(t, false), 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(b, browserSignIn(ts.URL+"/scorecards", "viewer@acme.example", testPassword), chromedp.WaitVisible(chromedp.CSS(".grade-badge"))); err != nil {
		t.Fatal(err)
	}
	first, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("main section h2").textContent + " | " + document.querySelector("main section").innerText`))
	if err != nil || !strings.HasPrefix(first, "Summary") || !strings.Contains(first, "of 100") {
		t.Fatalf("the page does not open with the summary: %q %v", first, err)
	}
	if err := waitForText(b, "#next", "the grade moves here"); err != nil {
		t.Errorf("the step where the grade moves is not marked: %v", err)
	}
	both, err := chromedp.Run(b, chromedp.Evaluate[string](`(() => {
		const t = s => Array.from(document.querySelectorAll(s + " li")).map(l => l.textContent.replace(/^\S+\s/, ""));
		const raised = new Set(t("#raised"));
		return t("#lowered").filter(x => raised.has(x)).join("; ");
	})()`))
	if err != nil || both != "" {
		t.Errorf("items under both raised and lowered: %q %v", both, err)
	}
	visible, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.getElementById("lowered") ? document.getElementById("lowered").checkVisibility() : false`))
	if err != nil || visible {
		t.Fatalf("what lowered the grade is not folded: %v %v", visible, err)
	}
	if err := chromedp.Do(b, chromedp.Click(chromedp.CSS("#lowered-heading"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(b, "#lowered", "-"); err != nil {
		t.Errorf("the folded section does not open: %v", err)
	}
}
