package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestAPIWalkThrough replays the walk-through of docs/api.md: every curl
// command of its sh blocks is run against a server as written (with the
// variables the walk-through sets), and every json or text block after
// one is the answer its last command must give. A change to the API that
// the walk-through does not follow fails here.
func TestAPIWalkThrough(t *testing.T) {
	t.Parallel() // its own database and server
	raw, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	steps := walkThroughSteps(t, string(raw))
	if len(steps) < 6 {
		t.Fatalf("only %d steps in the walk-through", len(steps))
	}
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, _, _ := apiFixture(t, db)
		// The token the walk-through makes on the account page.
		u := f.users[account.RoleAnalyst]
		_, token, err := f.accounts.CreateAPIToken(context.Background(), u, account.TokenRequest{Name: "walk-through",
			Scopes: account.Scopes{"suppliers:write", "reports:read"}})
		if err != nil {
			t.Fatal(err)
		}
		w := &walker{t: t, f: f, vars: map[string]string{"TOKEN": token}, files: map[string]string{}}
		for _, st := range steps {
			w.run(st)
		}
	})
}

// walkStep is one block of the walk-through.
type walkStep struct {
	kind    string // "file", "sh", "json", "text"
	name    string // the file's name
	content string
}

var fenceRE = regexp.MustCompile("(?ms)^```([a-z]+)([^\\n]*)\\n(.*?)^```$")

func walkThroughSteps(t *testing.T, doc string) []walkStep {
	start := strings.Index(doc, "## Walk-through")
	if start < 0 {
		t.Fatal("docs/api.md has no walk-through")
	}
	section := doc[start:]
	if end := strings.Index(section[3:], "\n## "); end > 0 {
		section = section[:end+3]
	}
	var steps []walkStep
	for _, m := range fenceRE.FindAllStringSubmatch(section, -1) {
		st := walkStep{kind: m[1], content: m[3]}
		if st.kind == "csv" {
			name, ok := strings.CutPrefix(strings.TrimSpace(m[2]), "file=")
			if !ok {
				t.Fatalf("a csv block without file=NAME: %q", m[2])
			}
			st.kind, st.name = "file", name
		}
		steps = append(steps, st)
	}
	return steps
}

type walker struct {
	t     *testing.T
	f     *fixture
	vars  map[string]string
	files map[string]string
	// last is the last command run and its answer, for the block that
	// shows the answer.
	last     []string
	lastBody string
}

func (w *walker) run(st walkStep) {
	t := w.t
	switch st.kind {
	case "file":
		w.files[st.name] = st.content
	case "sh":
		for _, line := range strings.Split(strings.ReplaceAll(st.content, "\\\n", " "), "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			w.command(line)
		}
	case "json", "text":
		if w.last == nil {
			t.Fatalf("a %s block follows no command", st.kind)
		}
		// A job is polled until it has finished: the answer shown is
		// the finished one.
		deadline := time.Now().Add(20 * time.Second)
		for !w.matches(st) {
			if !strings.Contains(strings.Join(w.last, " "), "/api/v1/jobs/") || time.Now().After(deadline) {
				t.Fatalf("%s\nanswered\n%s\nwhich is not\n%s", strings.Join(w.last, " "), w.lastBody, st.content)
			}
			time.Sleep(50 * time.Millisecond)
			w.lastBody = w.curl(w.last)
		}
	default:
		t.Fatalf("a %s block in the walk-through", st.kind)
	}
}

var assignRE = regexp.MustCompile(`^([A-Z_]+)=\$\((curl .*) \| jq -r (\.[a-z_.]+)\)$`)

// command runs one line: a curl command, or VAR=$(curl ... | jq -r .path).
func (w *walker) command(line string) {
	t := w.t
	if m := assignRE.FindStringSubmatch(line); m != nil {
		args := w.words(m[2])
		body := w.curl(args)
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s: the answer is not JSON: %s", line, body)
		}
		for _, k := range strings.Split(strings.TrimPrefix(m[3], "."), ".") {
			obj, _ := v.(map[string]any)
			v = obj[k]
		}
		s, ok := v.(string)
		if !ok || s == "" {
			t.Fatalf("%s: %s is not in %s", line, m[3], body)
		}
		w.vars[m[1]] = s
		return
	}
	args := w.words(line)
	if len(args) == 0 || args[0] != "curl" {
		t.Fatalf("the walk-through runs %q, which is not curl", line)
	}
	w.last = args
	w.lastBody = w.curl(args)
}

// words splits a shell line into words, with quotes and $VAR expanded.
func (w *walker) words(line string) []string {
	var out []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote, in = c, true
		case quote == 0 && c == ' ':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		case c == '$' && quote != '\'':
			j := i + 1
			for j < len(line) && (line[j] == '_' || line[j] >= 'A' && line[j] <= 'Z') {
				j++
			}
			v, ok := w.vars[line[i+1:j]]
			if !ok {
				w.t.Fatalf("%s: $%s is not set by the walk-through", line, line[i+1:j])
			}
			cur.WriteString(v)
			i, in = j-1, true
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// curl runs the curl arguments against the fixture's server.
func (w *walker) curl(args []string) string {
	t := w.t
	hdr := map[string]string{}
	method, target, body := "GET", "", ""
	var form []string
	for i := 1; i < len(args); i++ {
		switch a := args[i]; a {
		case "-s":
		case "-H":
			i++
			k, v, _ := strings.Cut(args[i], ":")
			hdr[k] = strings.TrimSpace(v)
		case "-F":
			i++
			form = append(form, args[i])
			method = "POST"
		case "-d":
			i++
			body, method = args[i], "POST"
		case "-X":
			i++
			method = args[i]
		default:
			if !strings.HasPrefix(a, "http://localhost:8080/") {
				t.Fatalf("curl argument %q is not one the walk-through uses", a)
			}
			target = a
		}
	}
	u, err := url.Parse(target)
	if err != nil || target == "" {
		t.Fatalf("curl %v: no address", args)
	}
	if len(form) > 0 {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, fld := range form {
			name, val, _ := strings.Cut(fld, "=")
			if file, ok := strings.CutPrefix(val, "@"); ok {
				content, known := w.files[file]
				if !known {
					t.Fatalf("curl sends %s, which the walk-through does not make", file)
				}
				fw, _ := mw.CreateFormFile(name, file)
				fw.Write([]byte(content))
			} else {
				mw.WriteField(name, val)
			}
		}
		mw.Close()
		body, hdr["Content-Type"] = buf.String(), mw.FormDataContentType()
	}
	res := w.f.do(t, method, u.RequestURI(), body, "", hdr)
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 400 {
		t.Fatalf("curl %v: status %d: %s", args[1:], res.StatusCode, b)
	}
	return string(b)
}

func (w *walker) matches(st walkStep) bool {
	if st.kind == "text" {
		return textMatches(st.content, w.lastBody)
	}
	var want, got any
	if err := json.Unmarshal([]byte(st.content), &want); err != nil {
		w.t.Fatalf("the walk-through's answer is not JSON: %v\n%s", err, st.content)
	}
	if err := json.Unmarshal([]byte(w.lastBody), &got); err != nil {
		return false
	}
	return jsonMatches(want, got)
}

// jsonMatches reports whether got has everything want shows: "…" is any
// value, an object may have more members, an array has exactly the
// elements shown.
func jsonMatches(want, got any) bool {
	switch wv := want.(type) {
	case string:
		if wv == "…" {
			return got != nil
		}
		return wv == got
	case map[string]any:
		gv, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range wv {
			if !jsonMatches(v, gv[k]) {
				return false
			}
		}
		return true
	case []any:
		gv, ok := got.([]any)
		if !ok || len(gv) != len(wv) {
			return false
		}
		for i := range wv {
			if !jsonMatches(wv[i], gv[i]) {
				return false
			}
		}
		return true
	}
	return want == got
}

// textMatches reports whether got has the lines of want in order, "…"
// standing for any text.
func textMatches(want, got string) bool {
	lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
	i := 0
	for _, wl := range strings.Split(strings.TrimRight(want, "\n"), "\n") {
		parts := strings.Split(wl, "…")
		for j := range parts {
			parts[j] = regexp.QuoteMeta(parts[j])
		}
		re := regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
		for i < len(lines) && !re.MatchString(lines[i]) {
			i++
		}
		if i == len(lines) {
			return false
		}
		i++
	}
	return true
}
