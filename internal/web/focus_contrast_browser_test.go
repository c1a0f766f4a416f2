package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// focusContrast focuses every control a keyboard reaches on the page and
// names each whose focus indicator stands less than 3:1 (WCAG 2.1, 1.4.11)
// against what it sits on. An outline is judged against the background
// behind the control; a country or facility on the map, which shows focus
// by its stroke, against its own fill, every other fill of the map's
// bands and the sea beside it, with the stroke forced in turn onto each
// band's fill. A two-colour indicator (a line with a halo of drop
// shadows) counts as WCAG technique C40 has it: when its two colours stand
// 9:1 or more apart, the one that contrasts more with each neighbour is
// judged. A focused country's ring must also be drawn again on top of the
// map, so that no neighbour painted after it covers part of it. Returns ""
// when every indicator passes.
const focusContrast = `(() => {
  const rgb = s => {
    const m = /rgba?\(([^)]+)\)/.exec(s || "");
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const colours = s => (String(s).match(/rgba?\([^)]+\)/g) || []).map(rgb).filter(c => c.a > 0);
  const lum = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const hex = c => "#" + [c.r, c.g, c.b].map(v => Math.round(v).toString(16).padStart(2, "0")).join("");
  const behind = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const bad = [];
  const judge = (what, tones, beside) => {
    if (!tones.length) { bad.push(what + ": no focus indicator"); return; }
    const twoTone = tones.length > 1 && ratio(tones[0], tones[tones.length - 1]) >= 9;
    const judged = twoTone ? tones : tones.slice(0, 1);
    for (const [name, c] of beside) {
      const best = Math.max(...judged.map(t => ratio(t, c)));
      if (best < 3) bad.push(what + ": focus indicator " + judged.map(hex).join(" with ") + " against " + name + " " + hex(c) + " is " + best.toFixed(2) + ":1");
    }
  };
  const name = el => (el.getAttribute("aria-label") || el.textContent || el.outerHTML).trim().replace(/\s+/g, " ").slice(0, 60);
  const map = document.querySelector("#worldmap");
  const bands = [];
  if (map) {
    for (const q of ["q0", "q1", "q2", "q3", "q4", "q5"]) {
      const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      r.setAttribute("class", q);
      map.appendChild(r);
      bands.push([q, rgb(getComputedStyle(r).fill)]);
      r.remove();
    }
    const sea = map.querySelector(".sea");
    if (sea) bands.push(["the sea", rgb(getComputedStyle(sea).fill)]);
    bands.push(["the map's background", behind(map)]);
  }
  const shapeTones = shape => {
    const st = getComputedStyle(shape);
    return colours(st.stroke).concat(colours(st.filter));
  };
  const sel = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  let forced = false;
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || !el.getClientRects().length) continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const svg = el.closest("svg");
    if (svg && map && svg === map) {
      const shape = el.querySelector("path, circle");
      if (!shape) { bad.push(name(el) + ": a map link with no shape"); el.blur(); continue; }
      const own = rgb(getComputedStyle(shape).fill);
      judge("map: " + name(el), shapeTones(shape), [["its own fill", own]].concat(bands));
      if (shape.tagName === "path") {
        // Neighbours painted after the country would cover part of its
        // ring: the ring is drawn again, last in the map.
        const ring = map.querySelector(".focus-ring");
        if (!ring || ring.getAttribute("d") !== shape.getAttribute("d") || map.lastElementChild !== ring) {
          bad.push("map: " + name(el) + ": its focus ring is not drawn on top of the other countries");
        } else {
          judge("map: " + name(el) + " (the ring on top)", shapeTones(ring), [["its own fill", own]].concat(bands));
        }
      }
      if (!forced && shape.tagName === "path") {
        forced = true;
        const was = shape.getAttribute("class");
        for (const q of ["q0", "q1", "q2", "q3", "q4", "q5"]) {
          shape.setAttribute("class", q);
          judge("map: " + name(el) + " filled as " + q, shapeTones(shape), [["its own fill", rgb(getComputedStyle(shape).fill)]].concat(bands));
        }
        if (was === null) shape.removeAttribute("class"); else shape.setAttribute("class", was);
      }
    } else {
      const st = getComputedStyle(el);
      const ring = st.outlineStyle !== "none" && parseFloat(st.outlineWidth) > 0 ? colours(st.outlineColor) : [];
      const beside = [["the background behind it", behind(parseFloat(st.outlineOffset) > 0 ? el.parentElement : el)]];
      judge(el.tagName.toLowerCase() + " " + name(el), ring, beside);
    }
    el.blur();
  }
  window.scrollTo(0, 0);
  return (map && !forced ? "the map has no country to focus\n" : "") + bad.slice(0, 20).join("\n");
})()`

// TestBrowserFocusIndicatorContrast focuses each control of the risk map
// (countries on every band's fill, the measure and commodity filters) and
// of the supplier register (search, filters, sort headings, rows' links,
// the scrolling table) and fails on a focus indicator under 3:1 against
// what it sits on.
func TestBrowserFocusIndicatorContrast(t *testing.T) {
	f, _, _ := supplyFixture(t)
	ts, ctx := f.browse(t, true)
	// A headless tab never has the window's focus, and without it no
	// element matches :focus; emulate it so focus styles apply.
	focus := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
	c, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(c, focus, browserSignIn(ts.URL+"/risk-map", "analyst@acme.example", testPassword)); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(c, "h1", "Risk map"); err != nil {
		t.Fatal(err)
	}
	for _, page := range []struct{ path, h1 string }{
		{"/risk-map", "Risk map"},
		{"/risk-map?by=count", "Risk map"},
		{"/suppliers", "Supplier register"},
	} {
		if err := chromedp.Do(c, chromedp.Navigate(ts.URL+page.path)); err != nil {
			t.Fatal(err)
		}
		if err := waitForText(c, "h1", page.h1); err != nil {
			t.Fatal(err)
		}
		bad, err := chromedp.Run(c, chromedp.Evaluate[string](focusContrast))
		if err != nil {
			t.Fatalf("%s: %v", page.path, err)
		}
		if bad != "" {
			t.Errorf("%s: focus indicators under 3:1:\n%s", page.path, bad)
		}
	}
	// With UPSTREAM_SCREENSHOTS set, how a focused country looks.
	if err := chromedp.Do(c, chromedp.Navigate(ts.URL+"/risk-map"), chromedp.WaitVisible(chromedp.CSS("#worldmap")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#worldmap a[href]").focus()`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, c, "risk-map-focused-country.png")
}
