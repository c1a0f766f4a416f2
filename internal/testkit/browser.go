package testkit

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath returns the headless browser to drive, or "" when none is
// installed.
func ChromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts a headless Chromium for the test and returns a tab's
// context. It skips the test when no Chromium is installed (fails under CI)
// and under go test -short.
// With javascript false the tab runs with scripts disabled, as the cheapest
// phones and cautious users do.
func Browser(t testing.TB, javascript bool) context.Context {
	t.Helper()
	SkipIfShort(t, "a test in headless Chromium")
	path := ChromiumPath()
	if path == "" {
		Missing(t, "Chromium (install the 'chromium' package)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("blink-settings", "scriptEnabled="+boolString(javascript)),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	// The browser lives as long as the test: a fixed limit on its whole
	// life fails long journeys on a loaded machine. A hung browser still
	// fails with a message shortly before go test's own -timeout panics.
	cancelTime := context.CancelFunc(func() {})
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := d.Deadline(); ok {
			ctx, cancelTime = context.WithDeadline(ctx, end.Add(-30*time.Second))
		}
	}
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser now, so failures show here
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
