package cli_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/cli"
)

// TestServeDemoAnswersWhileSeeding checks that serve --demo answers HTTP
// before it fills the demo organisation: while it starts, /healthz says it
// is alive, /readyz that it is not ready, and any page says what it is
// doing; once ready, the application answers.
func TestServeDemoAnswersWhileSeeding(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (int, string, http.Header) {
		res, err := client.Get(u)
		if err != nil {
			t.Errorf("GET %s: %v", u, err)
			return 0, "", nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header
	}
	type answer struct {
		status int
		body   string
	}
	starting := map[string]answer{}
	var retryAfter string
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	out := &syncBuffer{}
	env := &cli.Env{Stdout: out, Stderr: out, Getenv: mapEnv(map[string]string{"UPSTREAM_DB": dsn}),
		// serve waits for this to return before it opens the database,
		// so these requests are answered before any seeding.
		Starting: func(addr string) {
			for _, p := range []string{"/healthz", "/readyz", "/", "/suppliers"} {
				code, body, hdr := get("http://" + addr + p)
				starting[p] = answer{code, body}
				if p == "/" && hdr != nil {
					retryAfter = hdr.Get("Retry-After")
				}
			}
		},
		Ready: func(a string) { ready <- a }}
	go func() {
		done <- cli.Main(ctx, env, []string{"serve", "--addr", "127.0.0.1:0", "--cookie-secure=false", "--demo"})
	}()
	var base string
	select {
	case a := <-ready:
		base = "http://" + a
	case code := <-done:
		t.Fatalf("serve exited with %d: %s", code, out.String())
	case <-time.After(3 * time.Minute):
		t.Fatalf("serve did not start: %s", out.String())
	}
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not shut down")
		}
	}()
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/healthz", http.StatusOK, "ok"},
		{"/readyz", http.StatusServiceUnavailable, "preparing the demo data"},
		{"/", http.StatusServiceUnavailable, "The server is preparing the demo data"},
		{"/suppliers", http.StatusServiceUnavailable, `http-equiv="refresh"`},
	}
	for _, tt := range tests {
		got := starting[tt.path]
		if got.status != tt.status || !strings.Contains(got.body, tt.want) {
			t.Errorf("while starting, %s answered %d %q; want %d with %q", tt.path, got.status, got.body, tt.status, tt.want)
		}
	}
	if retryAfter == "" {
		t.Error("the waiting page has no Retry-After")
	}
	if strings.Index(out.String(), "upstream answering while it starts") > strings.Index(out.String(), "Demo admin:") {
		t.Errorf("the server answered only after creating the demo accounts:\n%s", out.String())
	}
	// Once ready, the application answers.
	if code, body, _ := get(base + "/readyz"); code != http.StatusOK || !strings.Contains(body, "ready") {
		t.Errorf("ready: /readyz %d %q", code, body)
	}
	if code, body, _ := get(base + "/login"); code != http.StatusOK || strings.Contains(body, "Upstream is starting") {
		t.Errorf("ready: /login %d", code)
	}
}
