package cli

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// commandFlags runs every command of the table with -h, and each word its
// usage offers as a subcommand with -h too, and returns the flags their
// help lists, by command.
func commandFlags(t *testing.T) map[string]map[string]bool {
	t.Helper()
	flagLine := regexp.MustCompile(`(?m)^\s+-([a-z0-9][a-z0-9-]*)\b`)
	word := regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	help := func(args ...string) string {
		var out, errb bytes.Buffer
		env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		Main(context.Background(), env, append(args, "-h"))
		return out.String() + errb.String()
	}
	out := map[string]map[string]bool{}
	for _, c := range commands() {
		flags := map[string]bool{}
		text := help(c.name)
		subs := map[string]bool{}
		// "Usage: upstream keys init --org SLUG ... | keys recover ...":
		// the word after each mention of the command may be a subcommand.
		fields := strings.Fields(text)
		for i, f := range fields {
			if f == c.name && i+1 < len(fields) && word.MatchString(fields[i+1]) {
				subs[fields[i+1]] = true
			}
		}
		for _, m := range flagLine.FindAllStringSubmatch(text, -1) {
			flags[m[1]] = true
		}
		for s := range subs {
			for _, m := range flagLine.FindAllStringSubmatch(help(c.name, s), -1) {
				flags[m[1]] = true
			}
		}
		out[c.name] = flags
	}
	return out
}

// TestMessagesNameRealFlags reads every string of the command line's code
// (messages, usage lines, help) and checks that each --flag it names is a
// flag of the command it speaks of: the command the file implements, or
// the one the text names ("'upstream keys init --replace'"). Text in a
// file of no command may name a flag of any command.
func TestMessagesNameRealFlags(t *testing.T) {
	flags := commandFlags(t)
	all := map[string]bool{}
	var names []string
	for c, fs := range flags {
		names = append(names, regexp.QuoteMeta(c))
		for f := range fs {
			all[f] = true
		}
	}
	if len(flags["import"]) == 0 || !flags["import"]["skip-bad-rows"] || !flags["keys"]["replace"] {
		t.Fatalf("the flags read from the help look wrong: import %v, keys %v", flags["import"], flags["keys"])
	}
	sort.Strings(names)
	// A mention of a command: at the start of a text, or after "upstream ".
	mention := regexp.MustCompile(`(?:^|upstream )(` + strings.Join(names, "|") + `)\b`)
	flagRef := regexp.MustCompile(`(?:^|[\s'"(\[])--([a-z][a-z0-9-]*)`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// The command each run function implements, from the command table.
	runs := map[string]string{}
	fset := token.NewFileSet()
	table, err := parser.ParseFile(fset, "commands.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(table, func(n ast.Node) bool {
		if cl, ok := n.(*ast.CompositeLit); ok {
			var name, run string
			for _, e := range cl.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				switch k := kv.Key.(*ast.Ident).Name; {
				case k == "name":
					name, _ = strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
				case k == "run":
					if id, ok := kv.Value.(*ast.Ident); ok {
						run = id.Name
					}
				}
			}
			if name != "" && run != "" {
				runs[run] = name
			}
		}
		return true
	})
	checked := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		// A file speaks of the commands whose run functions it holds.
		var owners []string
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && runs[fd.Name.Name] != "" {
				owners = append(owners, runs[fd.Name.Name])
			}
		}
		own := ""
		if len(owners) > 0 {
			own = strings.Join(owners, "+")
			fs := map[string]bool{}
			for _, o := range owners {
				for k := range flags[o] {
					fs[k] = true
				}
			}
			flags[own] = fs
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !strings.Contains(s, " ") {
				return true // not a message: arguments to other programs are single words
			}
			// Each part of the text speaks of a command: a mention of one
			// ("upstream keys init ...") holds to the end of its quotes
			// when it is quoted, else to the next mention; the rest speaks
			// of the file's own command.
			type part struct{ cmd, text string }
			var parts []part
			owner := make([]string, len(s))
			for i := range owner {
				owner[i] = own
			}
			cuts := mention.FindAllStringSubmatchIndex(s, -1)
			for i, c := range cuts {
				end := len(s)
				if i+1 < len(cuts) {
					end = cuts[i+1][0]
				}
				if c[0] > 0 && s[c[0]-1] == '\'' {
					if q := strings.IndexByte(s[c[1]:], '\''); q >= 0 {
						end = min(end, c[1]+q)
					}
				}
				for j := c[0]; j < end; j++ {
					owner[j] = s[c[2]:c[3]]
				}
			}
			for i := 0; i < len(s); {
				j := i
				for j < len(s) && owner[j] == owner[i] {
					j++
				}
				parts = append(parts, part{owner[i], s[i:j]})
				i = j
			}
			for _, p := range parts {
				for _, m := range flagRef.FindAllStringSubmatch(p.text, -1) {
					checked++
					known := all
					if p.cmd != "" {
						known = flags[p.cmd]
					}
					if !known[m[1]] {
						who := "any command"
						if p.cmd != "" {
							who = "'upstream " + p.cmd + "'"
						}
						t.Errorf("%s: %q names --%s, which is not a flag of %s", fset.Position(lit.Pos()), s, m[1], who)
					}
				}
			}
			return true
		})
	}
	if checked < 50 {
		t.Errorf("only %d flag mentions checked; the scan is not reading the messages", checked)
	}
}
