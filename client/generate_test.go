package client

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestClientIsCurrent regenerates the client from docs/openapi.json into a
// temporary folder, with the pinned generator and this folder's settings,
// and fails when the checked-in code differs: a change to the API must
// come with its client.
func TestClientIsCurrent(t *testing.T) {
	cfg, err := os.ReadFile("oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "client.gen.go")
	outputLine := regexp.MustCompile(`(?m)^output: .*$`)
	if !outputLine.Match(cfg) {
		t.Fatal("oapi-codegen.yaml names no output")
	}
	tmpCfg := filepath.Join(t.TempDir(), "oapi-codegen.yaml")
	if err := os.WriteFile(tmpCfg, outputLine.ReplaceAll(cfg, []byte("output: "+out)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", tmpCfg, filepath.Join("..", "docs", "openapi.json"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go tool oapi-codegen: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("client/client.gen.go is not what docs/openapi.json gives (first difference at line %d); regenerate it with\n\tgo generate ./client",
			firstDifferentLine(got, want))
	}
}

// firstDifferentLine is the 1-based number of the first line where a and b
// differ.
func firstDifferentLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
