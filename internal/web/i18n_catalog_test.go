package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// The catalog checks: every message the staff pages and their handlers
// use has a Spanish, French and Portuguese translation, no catalog keeps a
// message nobody uses, and the pages listed as translated have no visible
// English left outside {{t}}.

// reporterTemplates are the reporter-facing documents, which keep their
// own six languages (intake_i18n.go, the survey texts) and are not staff
// pages.
var reporterTemplates = []string{"report.html", "survey_public.html"}

// templateMessages returns the messages each staff template uses, by
// template file name.
func templateMessages(t *testing.T) map[string][]string {
	t.Helper()
	funcs := pageFuncs(&locale{})
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if slices.Contains(reporterTemplates, base) {
			continue
		}
		src, err := fs.ReadFile(templateFiles, n)
		if err != nil {
			t.Fatal(err)
		}
		trees, err := parse.Parse(base, string(src), "{{", "}}", funcs, builtinFuncs)
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		var msgs []string
		for _, tree := range trees {
			walkTemplate(tree.Root, func(c *parse.CommandNode) {
				if len(c.Args) == 0 {
					return
				}
				id, ok := c.Args[0].(*parse.IdentifierNode)
				if !ok {
					return
				}
				lit := func(i int) {
					if i < len(c.Args) {
						if s, ok := c.Args[i].(*parse.StringNode); ok {
							msgs = append(msgs, s.Text)
						}
					}
				}
				switch id.Ident {
				case "t":
					if _, ok := c.Args[1].(*parse.StringNode); !ok {
						t.Errorf("%s: {{t}} needs a literal message, so the catalogs can be checked: %s", base, c)
					}
					lit(1)
				case "countOf":
					lit(2)
					lit(3)
				case "sortHead": // sortHead . key label class
					lit(3)
				}
			}, nil)
		}
		out[base] = msgs
	}
	return out
}

// builtinFuncs are text/template's own functions, which parse.Parse needs
// named.
var builtinFuncs = map[string]any{"and": 0, "or": 0, "not": 0, "len": 0, "index": 0, "slice": 0, "print": 0, "printf": 0,
	"println": 0, "html": 0, "js": 0, "urlquery": 0, "call": 0, "eq": 0, "ne": 0, "lt": 0, "le": 0, "gt": 0, "ge": 0}

// walkTemplate calls cmd for every command and text for every text node
// under n.
func walkTemplate(n parse.Node, cmd func(*parse.CommandNode), text func(*parse.TextNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplate(c, cmd, text)
		}
	case *parse.TextNode:
		if text != nil {
			text(n)
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, cmd, text)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkTemplate(c, cmd, text)
		}
	case *parse.CommandNode:
		cmd(n)
		for _, a := range n.Args {
			walkTemplate(a, cmd, text)
		}
	case *parse.IfNode:
		walkBranch(&n.BranchNode, cmd, text)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, cmd, text)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, cmd, text)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, cmd, text)
	}
}

func walkBranch(b *parse.BranchNode, cmd func(*parse.CommandNode), text func(*parse.TextNode)) {
	walkTemplate(b.Pipe, cmd, text)
	walkTemplate(b.List, cmd, text)
	walkTemplate(b.ElseList, cmd, text)
}

// codeMessages are the messages the Go code of the web adapter
// translates: literals passed to tr (on a locale or a handler set), to
// translatable (an entry translated later), to countOf, and the fixed
// flashes passed to done.
func codeMessages(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			lit := func(i int) {
				if i >= len(call.Args) {
					return
				}
				if b, ok := call.Args[i].(*ast.BasicLit); ok && b.Kind == token.STRING {
					s, err := strconv.Unquote(b.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[name] = append(out[name], s)
				}
			}
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				switch fn.Name {
				case "translatable":
					lit(0)
				case "failure":
					lit(1) // failure(code, msg, ...)
				case "aCase":
					lit(1) // the audit log's three names of a case
					lit(2)
					lit(3)
				}
			case *ast.SelectorExpr:
				switch fn.Sel.Name {
				case "tr":
					lit(0) // locale.tr(msg, ...)
					lit(1) // base.tr(r, msg, ...)
				case "countOf":
					lit(1)
					lit(2)
				case "done", "formAction":
					lit(3) // a fixed flash, translated by done
				}
			}
			return true
		})
	}
	return out
}

// implicitMessages are translated by the formatting code itself: month
// names, the date layouts and the labels of codes and roles.
func implicitMessages() []string {
	out := []string{dateLayout, dateTimeLayout, "not recorded", "internal error"}
	for m := time.January; m <= time.December; m++ {
		out = append(out, m.String())
	}
	for _, l := range codeLabels {
		out = append(out, escapeVerbs(l))
	}
	for _, l := range roleLabels {
		out = append(out, escapeVerbs(l))
	}
	for _, c := range plainCodes {
		out = append(out, escapeVerbs(label(c)))
	}
	for _, w := range auditActionWords {
		out = append(out, w)
	}
	for _, w := range auditDetailWords {
		out = append(out, w)
	}
	for _, k := range auditKinds {
		out = append(out, k.Label)
	}
	for _, c := range commodity.All() {
		out = append(out, escapeVerbs(c.Name))
	}
	for _, a := range account.ScopeAreas {
		out = append(out, escapeVerbs(a.Label))
	}
	// The scorecard's themes, questions, measures and steps: fixed English
	// sentences of the domain, each its own key.
	for _, th := range scorecard.Themes() {
		out = append(out, escapeVerbs(th.Label()))
	}
	for _, kind := range []scorecard.SubjectKind{scorecard.Supplier, scorecard.Organisation} {
		for _, it := range scorecard.Items(kind) {
			out = append(out, escapeVerbs(it.Text), escapeVerbs(it.Action))
		}
	}
	for _, r := range []scorecard.Response{scorecard.Yes, scorecard.Partial, scorecard.No} {
		out = append(out, string(r))
	}
	out = append(out, escapeVerbs(eudr.DownstreamRule))
	// The early-warning sensitivities, the regulations reports filter by
	// and the SROI's words for a switching value never reached: fixed
	// English of the domain packages, shown through the catalogs.
	for _, p := range earlywarning.Sensitivities() {
		out = append(out, escapeVerbs(p.Label), escapeVerbs(p.Description))
	}
	for _, r := range report.Regulations() {
		out = append(out, escapeVerbs(r.Name))
	}
	out = append(out, escapeVerbs(impact.NotReached))
	// The EUDR's fixed words: commodities, activities, kinds of evidence
	// and of statement, deforestation statuses, the criteria of Art. 10(2)
	// and the questions the analyst answers.
	for _, c := range eudr.Commodities() {
		out = append(out, escapeVerbs(c.Label))
	}
	for _, a := range []eudr.Activity{eudr.Import, eudr.Domestic, eudr.Export, eudr.Trade} {
		out = append(out, escapeVerbs(a.Label()))
	}
	for _, k := range eudr.EvidenceKinds() {
		out = append(out, escapeVerbs(k.Label()))
	}
	for _, k := range []eudr.StatementKind{eudr.DueDiligence, eudr.SimplifiedDeclaration} {
		out = append(out, escapeVerbs(k.Label()))
	}
	for _, s := range []eudr.DeforestationStatus{eudr.NoAnalysis, eudr.AnalysisIncomplete, eudr.LossFound, eudr.NoLossFound} {
		out = append(out, escapeVerbs(s.Label()))
	}
	for _, title := range eudr.CriterionTitles() {
		out = append(out, escapeVerbs(title))
	}
	for _, q := range eudr.Questions() {
		out = append(out, escapeVerbs(q.Title))
	}
	out = append(out, escapeVerbs(eudr.AnnexISource))
	return out
}

// domainPackages are the domain packages whose explanations pages show in
// the reader's language: they build them as kernel.Text.
var domainPackages = []string{"../scorecard", "../eudr"}

// domainMessages are the messages domain packages build with kernel.Say
// and kernel.Plain, read from their source.
func domainMessages(t *testing.T) []string {
	t.Helper()
	var out []string
	fset := token.NewFileSet()
	for _, dir := range domainPackages {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "kernel" || (sel.Sel.Name != "Say" && sel.Sel.Name != "Plain") {
					return true
				}
				b, ok := call.Args[0].(*ast.BasicLit)
				if !ok || b.Kind != token.STRING {
					return true // a Plain of a code or fixed sentence listed above
				}
				msg, err := strconv.Unquote(b.Value)
				if err != nil {
					t.Fatal(err)
				}
				if sel.Sel.Name == "Plain" {
					msg = escapeVerbs(msg)
				}
				out = append(out, msg)
				return true
			})
		}
	}
	if len(out) == 0 {
		t.Fatal("no kernel.Say message found in the domain packages: has the source moved?")
	}
	return out
}

// usedMessages is every message of the staff pages.
func usedMessages(t *testing.T) map[string]bool {
	used := map[string]bool{}
	for _, ms := range templateMessages(t) {
		for _, m := range ms {
			used[m] = true
		}
	}
	for _, ms := range codeMessages(t) {
		for _, m := range ms {
			used[m] = true
		}
	}
	for _, m := range implicitMessages() {
		used[m] = true
	}
	for _, m := range domainMessages(t) {
		used[m] = true
	}
	return used
}

// translatedLanguages must translate every message.
var translatedLanguages = []string{"es", "fr", "pt"}

func TestCatalogsAreComplete(t *testing.T) {
	ls, err := loadLocales(localeFiles)
	if err != nil {
		t.Fatal(err)
	}
	used := usedMessages(t)
	for _, code := range translatedLanguages {
		cat, ok := ls.messages[code]
		if !ok {
			t.Fatalf("no catalog locales/%s.json", code)
		}
		var missing, unused []string
		for m := range used {
			if _, ok := cat[m]; !ok {
				missing = append(missing, m)
			}
		}
		for m := range cat {
			if !used[m] {
				unused = append(unused, m)
			}
		}
		sort.Strings(missing)
		sort.Strings(unused)
		for _, m := range missing {
			t.Errorf("locales/%s.json: no translation of %q (add it: every staff message is translated)", code, m)
		}
		for _, m := range unused {
			t.Errorf("locales/%s.json: %q is used by no template or handler (remove it)", code, m)
		}
	}
	if en := ls.messages["en"]; len(en) != 0 {
		t.Errorf("locales/en.json holds %d messages: English is written in the templates themselves", len(en))
	}
	t.Logf("%d staff messages, each translated into %s", len(used), strings.Join(translatedLanguages, ", "))
}

// A catalog that drops a verb would print "%!v(MISSING)" on a page: it is
// refused when the server starts, naming the file and message.
func TestCatalogWithWrongVerbsIsRefused(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "locales"), 0o755)
	os.WriteFile(filepath.Join(dir, "locales", "en.json"), []byte(`{"name":"English","messages":{}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "locales", "es.json"), []byte(`{"name":"Español","messages":{"Revoke %v":"Revocar"}}`), 0o644)
	_, err := loadLocales(os.DirFS(dir))
	if err == nil || !strings.Contains(err.Error(), "locales/es.json") || !strings.Contains(err.Error(), "Revoke %v") {
		t.Fatalf("want the file and message named, got %v", err)
	}
	os.WriteFile(filepath.Join(dir, "locales", "es.json"), []byte(`{"name":"Español","messages":{"Cases":`), 0o644)
	if _, err := loadLocales(os.DirFS(dir)); err == nil || !strings.Contains(err.Error(), "locales/es.json") {
		t.Fatalf("a broken catalog: want the file named, got %v", err)
	}
}

// translatedPages are the staff templates whose every visible sentence
// goes through {{t}}: a new sentence on one of them must be wrapped and
// translated. The pages left out are being reworked; the test logs what
// they still show in English.
var translatedPages = []string{"layout.html", "account.html", "error.html", "login.html", "dashboard.html",
	"alerts_detail.html", "alerts_closures.html", "alerts_endpoints.html", "alerts_sensitivity.html", "api_reference.html",
	"eudr.html", "impact_list.html", "impact_sroi.html", "invitation.html", "screening.html",
	"supply_audits.html", "supply_duplicates.html", "supply_import.html", "supply_party.html", "survey.html",
	"survey_texts.html", "surveys.html", "users.html", "audit_log.html", "settings.html", "case.html", "scorecard.html"}

// tagOrComment matches markup between visible text.
var tagOrComment = regexp.MustCompile(`(?s)<!--.*?-->|<[^>]*>`)

// untranslatedTemplateText returns the visible text of a template left
// outside {{t}}: text between tags that holds a word, outside code.
func untranslatedTemplateText(t *testing.T, name string) []string {
	t.Helper()
	src, err := fs.ReadFile(templateFiles, "templates/"+name)
	if err != nil {
		t.Fatal(err)
	}
	trees, err := parse.Parse(name, string(src), "{{", "}}", pageFuncs(&locale{}), builtinFuncs)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, tree := range trees {
		var sb strings.Builder
		walkTemplate(tree.Root, func(*parse.CommandNode) {}, func(n *parse.TextNode) {
			sb.Write(n.Text)
			sb.WriteString("\x00")
		})
		text := regexp.MustCompile(`(?s)<(code|pre|kbd|samp)\b.*?</(code|pre|kbd|samp)>`).ReplaceAllString(sb.String(), "")
		for _, part := range strings.Split(tagOrComment.ReplaceAllString(text, "\x00"), "\x00") {
			part = strings.TrimSpace(html.UnescapeString(part))
			if strings.Trim(strings.ReplaceAll(part, "Upstream", ""), " ·") == "" {
				continue // the product's name is not translated
			}
			if regexp.MustCompile(`\p{L}{2,}`).MatchString(part) {
				left = append(left, part)
			}
		}
		// Attributes people read (labels, titles, placeholders).
		for _, m := range regexp.MustCompile(`(?:aria-label|title|placeholder|alt)="([^"{]*\p{Ll}{2,}[^"{]*)"`).FindAllStringSubmatch(sb.String(), -1) {
			left = append(left, m[1])
		}
	}
	return left
}

func TestTranslatedPagesHaveNoEnglishLeft(t *testing.T) {
	names, _ := fs.Glob(templateFiles, "templates/*.html")
	done := 0
	var partly []string
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if slices.Contains(reporterTemplates, base) {
			continue
		}
		left := untranslatedTemplateText(t, base)
		if slices.Contains(translatedPages, base) {
			for _, s := range left {
				t.Errorf("%s: %q is shown in English to every language: wrap it in {{t}} and translate it in locales/*.json", base, s)
			}
		}
		if len(left) == 0 {
			done++
		} else {
			partly = append(partly, base+" ("+strconv.Itoa(len(left))+" texts left)")
		}
	}
	t.Logf("staff templates with every text translated: %d; not yet: %s", done, strings.Join(partly, ", "))
}
