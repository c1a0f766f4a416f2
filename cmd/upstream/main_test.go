package main_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestRealBinaryServesAndStopsOnSIGTERM builds the real program, runs it on
// a free port with a temporary database, and stops it with SIGTERM.
func TestRealBinaryServesAndStopsOnSIGTERM(t *testing.T) {
	testkit.SkipIfShort(t, "building and running the binary")
	dir := t.TempDir()
	bin := filepath.Join(dir, "upstream")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(dir, "u.db"))
	cmd.Env = append(os.Environ(), "UPSTREAM_LOG_FORMAT=json")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	lines := make(chan map[string]any, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				lines <- m
			} else {
				t.Errorf("log line is not JSON: %s", sc.Text())
			}
		}
		close(lines)
	}()
	var base string
	deadline := time.After(30 * time.Second)
	for base == "" {
		select {
		case m, ok := <-lines:
			if !ok {
				t.Fatal("program exited before listening")
			}
			if m["msg"] == "upstream listening" {
				base, _ = m["addr"].(string)
			}
		case <-deadline:
			t.Fatal("no 'listening' log line")
		}
	}
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
		t.Fatalf("healthz: %d %q", res.StatusCode, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped := false
	for m := range lines {
		if m["msg"] == "stopped" {
			stopped = true
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if !stopped {
		t.Fatal("no 'stopped' log line: shutdown was not graceful")
	}
}
