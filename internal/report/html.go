package report

import (
	"bytes"
	"embed"
	"html/template"
	"io"
	"sync"
)

//go:embed templates
var templateFS embed.FS

var (
	parseOnce sync.Once
	parsed    *template.Template
	parseErr  error
)

// templates parses the embedded template set once. The CSS is inlined so
// the page needs nothing from outside.
func templates() (*template.Template, error) {
	parseOnce.Do(func() {
		css, err := templateFS.ReadFile("templates/report.css")
		if err != nil {
			parseErr = err
			return
		}
		parsed, parseErr = template.New("report").Funcs(template.FuncMap{
			"css": func() template.CSS { return template.CSS(css) },
		}).ParseFS(templateFS, "templates/*.tmpl")
	})
	return parsed, parseErr
}

// CheckTemplates parses the templates, so the program can refuse to start
// with a broken set.
func CheckTemplates() error {
	_, err := templates()
	return err
}

// WriteHTML renders doc as one self-contained HTML page.
func WriteHTML(w io.Writer, doc *Document) error {
	t, err := templates()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "report", doc); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}
