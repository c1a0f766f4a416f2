package web

import (
	"bytes"
	"fmt"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
)

// localizedPages are the page templates per language code, then per
// page name.
type localizedPages map[string]map[string]*template.Template

// parseLocalizedPages parses every page once per language, each set with
// functions that speak that language, so a page never has to carry its
// locale around.
func parseLocalizedPages(ls *locales) (localizedPages, error) {
	out := localizedPages{}
	for _, l := range ls.list {
		pages, err := parsePages(l)
		if err != nil {
			return nil, err
		}
		out[l.Code] = pages
	}
	return out, nil
}

// pageFuncs are the template functions, bound to one language.
func pageFuncs(l *locale) template.FuncMap {
	return template.FuncMap{
		"can": func(p account.Principal, perm string) bool { return p.Can(account.Permission(perm)) },
		// t translates a message written in English; args fill its verbs:
		// {{t "Showing %s to %s" (count .From) (count .To)}}.
		"t": l.trHTML,
		// known shows a name kept in English by the domain (a list's
		// source) in the page's language when the catalogs know it.
		"known": func(s string) string { return l.tr(escapeVerbs(s)) },
		// Numbers and dates for people, as the language writes them: see
		// format.go and i18n.go.
		"num":      l.num,
		"count":    l.count,
		"days":     l.days,
		"percent":  l.percent,
		"countOf":  l.countOf,
		"ratio":    l.ratio,
		"round":    func(v float64) int { return int(math.Round(v)) },
		"date":     l.date,
		"dateTime": l.dateTime,
		// Codes for people: see labels.go.
		"label": func(code any) string { return l.label(fmt.Sprint(code)) },
		// commodity names a commodity id in the page's language.
		"commodity": l.commodity,
		// isCode tells a code the system keeps (shown through label, in
		// the page's language) from a proper name such as a reference
		// source's title, which stays in its own language, English.
		"isCode": isCode,
		"role":   func(r account.Role) string { return l.tr(escapeVerbs(roleLabel(r))) },
		// sortHead describes one sortable column heading of a table whose
		// data holds Sorted (the current order) and SortBy (links by key).
		// The heading of the current order links to its reverse.
		"sortHead": func(data map[string]any, key, label, class string) map[string]any {
			links, _ := data["SortBy"].(map[string]string)
			sorted, _ := data["Sorted"].(string)
			base, reversed := supplychain.RegisterSort(sorted).Base()
			ascending := key == "name" || key == "country" || key == "commodities" || key == "tier"
			dir := map[bool]string{true: "ascending", false: "descending"}[ascending != reversed]
			return map[string]any{"Key": key, "Label": l.tr(escapeVerbs(label)), "Class": class, "Href": links[key],
				"Current": string(base) == key, "Direction": dir}
		},
		"stage": func(s grievance.Stage) string { return grievance.StageLabel(s, l.Code) },
		// day shows a case's day as the language writes it; no day shows
		// nothing.
		"day": func(d grievance.Day) string {
			if d.IsZero() {
				return ""
			}
			return l.date(d.Time())
		},
		"money": l.money,
		// text shows a sentence a domain package built (kernel.Text).
		"text": l.text,
		// sentence shows a sentence a domain package wrote out in English
		// (a stored finding) in the page's language, when recognised.
		"sentence": l.sentence,
		// reason shows why a screening hit scored as it did.
		"reason": l.reason,
		// answerWord says a questionnaire answer ("partial") in words.
		"answerWord": func(a string) string {
			switch a {
			case "yes":
				return l.tr("yes")
			case "partial":
				return l.tr("partly")
			case "no":
				return l.tr("no")
			}
			return l.label(a)
		},
		"country": l.country,
		// dict passes several values to a shared template: dict "K" v ...
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
	}
}

// escapeVerbs makes text that is not a format (a label) safe to translate
// as one.
func escapeVerbs(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// parsePages parses each page template together with the shared layout,
// for one language.
func parsePages(l *locale) (map[string]*template.Template, error) {
	funcs := pageFuncs(l)
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render writes a page into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (s *base) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	loc := s.localeOf(r)
	t, ok := s.pages[loc.Code][page]
	if !ok {
		s.log.Error("unknown template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	if _, ok := data["Principal"]; !ok {
		if p := principalOf(r); p.User.ID != "" {
			data["Principal"] = p
		}
	}
	data["Version"] = s.cfg.Version
	data["Locale"] = loc
	if msg := s.takeFlash(w, r); msg != "" {
		data["Flash"] = msg
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", loc.Code)
	w.Header().Add("Vary", "Accept-Language")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
