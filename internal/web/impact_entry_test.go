package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// entryModel has a sum indicator and a ratio indicator, so the grid is
// tried with and without denominators.
const entryModel = `{"programme": "Safe livelihoods",
 "nodes": [
  {"id": "fund", "kind": "input", "title": "Fund"},
  {"id": "train", "kind": "activity", "title": "Train"},
  {"id": "trained", "kind": "output", "title": "People trained"},
  {"id": "work", "kind": "outcome", "title": "In work"}],
 "links": [{"from": "fund", "to": "train"}, {"from": "train", "to": "trained"}, {"from": "trained", "to": "work"}],
 "indicators": [
  {"code": "T", "name": "Trained", "unit": "people", "node": "trained", "direction": "higher",
   "baseline": {"value": 0, "date": "2026-01-01"}, "target": {"value": 10, "date": "2026-12-31"}, "aggregation": "sum"},
  {"code": "W", "name": "Share in work", "unit": "%", "node": "work", "direction": "higher",
   "baseline": {"value": 0, "date": "2026-01-01"}, "target": {"value": 60, "date": "2026-12-31"}, "aggregation": "ratio"}]}`

// entryProgramme stores a programme with Kenya and Ghana figures for the
// first quarter of 2026 and a second quarter given by sex.
func entryProgramme(t *testing.T, f *impactFixture) *impact.Programme {
	t.Helper()
	ctx := context.Background()
	m, err := impact.DecodeLogicModel(strings.NewReader(entryModel))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := f.svc.CreateProgramme(ctx, f.org.ID, *m, nil)
	if err != nil {
		t.Fatal(err)
	}
	ob := func(period string, v float64, cell map[string]string) impact.Observation {
		o, err := impact.NewObservation("T", period, v, cell)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	if err := f.svc.RecordObservations(ctx, f.org.ID, prog.ID, []impact.Observation{
		ob("2026Q1", 12, map[string]string{"place": "Kenya"}), ob("2026Q1", 7, map[string]string{"place": "Ghana"}),
		ob("2026Q2", 3, map[string]string{"sex": "female"}),
	}); err != nil {
		t.Fatal(err)
	}
	return prog
}

// storedFigures maps "place|period" to the stored figures of one indicator.
func storedFigures(t *testing.T, f *impactFixture, prog *impact.Programme, code string) map[string]float64 {
	t.Helper()
	obs, err := f.svc.Observations(context.Background(), f.org.ID, prog.ID, code)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, o := range obs {
		key := o.Disaggregation["place"] + "|" + o.Period.Code
		if o.Disaggregation["sex"] != "" {
			key = "sex=" + o.Disaggregation["sex"] + "|" + o.Period.Code
		}
		out[key] = o.Value
	}
	return out
}

// TestImpactEntryGrid: on both engines, the grid lays out an indicator's
// figures a row per place and a column per quarter, saves only the cells
// changed (a changed figure, a cleared one, a new place), names each
// mistake by place and period and keeps what was typed, refuses a figure
// someone changed meanwhile, and asks a ratio for its denominator.
func TestImpactEntryGrid(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newImpactFixture(t, db)
		prog := entryProgramme(t, f)
		path := "/impact/programmes/" + prog.ID + "/entry"
		post := func(form url.Values) (*http.Response, string) {
			t.Helper()
			res, out := f.call(t, "analyst", "POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
			return res, string(out)
		}
		grid := func(extra url.Values) url.Values {
			v := url.Values{"indicator": {"T"}, "type": {"quarterly"}, "year": {"2026"},
				"place.0": {""}, "place.1": {"Ghana"}, "place.2": {"Kenya"}, "new.3": {"1"}, "place.3": {""}}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}

		res, out := f.call(t, "analyst", "GET", path+"?indicator=T&type=quarterly&year=2026", "", nil)
		page := string(out)
		if res.StatusCode != 200 {
			t.Fatalf("grid: status %d", res.StatusCode)
		}
		for _, want := range []string{"Enter figures: Trained", "Trained by place and period, 2026 (people)", "Whole programme",
			`<input type="hidden" name="place.2" value="Kenya">Kenya`, `name="v.2.0" value="12" inputmode="decimal" size="7" aria-label="Kenya, Q1 2026"`,
			`name="was.1.0" value="7"`, "Given by sex: change these figures with a file.", `<label for="place-3">New place (row 4)</label>`} {
			if !strings.Contains(page, want) {
				t.Errorf("grid lacks %q", want)
			}
		}
		if strings.Contains(page, `name="v.2.1"`) {
			t.Error("the quarter given by sex can be typed into")
		}

		// Mistakes: nothing is stored, each is named, what was typed stays.
		res, page = post(grid(url.Values{"v.2.2": {"lots"}, "v.3.3": {"4"}, "v.1.0": {"8"}, "was.1.0": {"7"}}))
		if res.StatusCode != 400 {
			t.Fatalf("mistakes: status %d", res.StatusCode)
		}
		for _, want := range []string{"Nothing was saved. Correct the cells marked below and save again.",
			`<a href="#c-2-2">Kenya, Q3 2026: enter a number</a>`, "New place (row 4): enter the place&#39;s name",
			`name="v.2.2" value="lots"`, `aria-invalid="true" aria-describedby="c-2-2-error"`, `name="v.1.0" value="8"`} {
			if !strings.Contains(page, want) {
				t.Errorf("after mistakes the grid lacks %q", want)
			}
		}
		if got := storedFigures(t, f, prog, "T"); got["Ghana|2026Q1"] != 7 || len(got) != 3 {
			t.Errorf("a grid with mistakes stored something: %v", got)
		}

		// A change, a cleared cell and a new place, saved together.
		res, _ = post(grid(url.Values{"v.2.0": {"15"}, "was.2.0": {"12"}, "v.1.0": {""}, "was.1.0": {"7"},
			"place.3": {"Uganda"}, "v.3.2": {"1,250"}, "v.0.3": {""}, "was.0.3": {""}}))
		if res.StatusCode != http.StatusSeeOther || flashOf(t, res) != "2 figures saved for Trained; 1 cleared." {
			t.Fatalf("save: status %d, flash %q", res.StatusCode, flashOf(t, res))
		}
		want := map[string]float64{"Kenya|2026Q1": 15, "Uganda|2026Q3": 1250, "sex=female|2026Q2": 3}
		got := storedFigures(t, f, prog, "T")
		if len(got) != len(want) {
			t.Errorf("stored %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("stored %s = %v, want %v", k, got[k], v)
			}
		}

		// The grid was read when Kenya was 12: saving over 15 is refused.
		res, page = post(grid(url.Values{"v.2.0": {"20"}, "was.2.0": {"12"}}))
		if res.StatusCode != http.StatusConflict || !strings.Contains(page, "Someone changed these figures while you were editing") ||
			!strings.Contains(page, `value="15" inputmode="decimal" size="7" aria-label="Kenya, Q1 2026"`) {
			t.Errorf("stale save: status %d", res.StatusCode)
		}
		// The whole programme and places in one quarter would count twice.
		res, page = post(grid(url.Values{"v.0.0": {"30"}}))
		if res.StatusCode != 400 || !strings.Contains(page, "Nothing was saved: ") || !strings.Contains(page, "count people twice") {
			t.Errorf("whole programme beside places: status %d", res.StatusCode)
		}
		// A ratio needs its denominator.
		res, page = post(url.Values{"indicator": {"W"}, "type": {"quarterly"}, "year": {"2026"}, "place.0": {""}, "v.0.0": {"4"}})
		if res.StatusCode != 400 || !strings.Contains(page, "Whole programme, Q1 2026: enter the denominator too") {
			t.Errorf("ratio without a denominator: status %d", res.StatusCode)
		}
		res, _ = post(url.Values{"indicator": {"W"}, "type": {"quarterly"}, "year": {"2026"}, "place.0": {""}, "v.0.0": {"4"}, "d.0.0": {"10"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("ratio with its denominator: status %d", res.StatusCode)
		}
		// Unchanged cells save nothing, and say so.
		res, _ = post(grid(url.Values{"v.2.0": {"15"}, "was.2.0": {"15"}}))
		if flashOf(t, res) != "No figure was changed, so nothing was saved." {
			t.Errorf("unchanged grid: flash %q", flashOf(t, res))
		}
	})
}

// TestBrowserImpactEntryWithoutScript: an analyst with scripts off opens
// the grid from the programme page, types a word into a cell, reads the
// mistake named by place and period, corrects it, and sees the figure
// saved; both states pass the accessibility check.
func TestBrowserImpactEntryWithoutScript(t *testing.T) {
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false
	prog := entryProgramme(t, f)
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	link := `a[href="/impact/programmes/` + prog.ID + `/entry?indicator=T"]`
	if err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/impact/programmes/"+prog.ID, "analyst@acme.example", testPassword),
		chromedp.WaitVisible(chromedp.CSS(link)),
		chromedp.Click(chromedp.CSS(link)),
		chromedp.WaitVisible(chromedp.CSS("#entry-grid")),
	); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "/impact/programmes/{id}/entry")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#c-2-2"), "twelve"),
		chromedp.Click(chromedp.CSS("#entry-save")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#entry-problem", "Kenya, Q3 2026: enter a number"); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "/impact/programmes/{id}/entry with a mistake")
	screenshot(t, ctx, "impact-entry-mistake.png")
	// The mistake is still in the cell: clear it key by key, wherever
	// the caret is, and type the figure.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#c-2-2"), strings.Repeat(kb.Backspace, 6)+strings.Repeat(kb.Delete, 6)+"12"),
		chromedp.Click(chromedp.CSS("#entry-save")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "1 figure saved for Trained; 0 cleared."); err != nil {
		t.Fatal(err)
	}
	if got := storedFigures(t, f, prog, "T"); got["Kenya|2026Q3"] != 12 {
		t.Errorf("stored %v", got)
	}
}
