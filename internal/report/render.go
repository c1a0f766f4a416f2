package report

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Format is an output format.
type Format string

const (
	HTML Format = "html"
	PDF  Format = "pdf"
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case HTML, PDF, CSV, XLSX:
		return f, nil
	}
	return "", kernel.InvalidField("format", "%q is not a report format; use html, pdf, csv or xlsx", s)
}

// ContentType is the media type of a format, for HTTP responses.
func (f Format) ContentType() string {
	switch f {
	case HTML:
		return "text/html; charset=utf-8"
	case PDF:
		return "application/pdf"
	case CSV:
		return "text/csv; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

// PDFPrinter prints a self-contained HTML page to PDF (A4, print media,
// backgrounds on). The composition root provides one backed by headless
// Chromium, which shapes Arabic and Chinese text correctly.
type PDFPrinter interface {
	PrintPDF(ctx context.Context, html []byte) ([]byte, error)
}

// Renderer renders reports in every format. PDF is nil when no printer is
// installed; asking for PDF then fails with kernel.Unavailable.
type Renderer struct {
	PDF PDFPrinter
}

// Render builds a report of kind k from d and writes it to w in format f.
// Bad data is a kernel.Invalid error naming the field.
func (r Renderer) Render(ctx context.Context, w io.Writer, k Kind, f Format, d Data) error {
	if _, err := ParseFormat(string(f)); err != nil {
		return err
	}
	if f == PDF && r.PDF == nil {
		return kernel.Errorf(kernel.Unavailable, "PDF output needs headless Chromium, which is not installed; use html and print it, or install chromium")
	}
	build := Build
	if f == PDF {
		build = BuildPrint
	}
	doc, err := build(k, d)
	if err != nil {
		return err
	}
	switch f {
	case CSV:
		return WriteCSV(w, doc)
	case XLSX:
		return WriteXLSX(w, doc)
	case HTML:
		return WriteHTML(w, doc)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, doc); err != nil {
		return err
	}
	pdf, err := r.PDF.PrintPDF(ctx, page.Bytes())
	if err != nil {
		return kernel.Wrap(kernel.Unavailable, err, "printing the report to PDF failed")
	}
	_, err = w.Write(pdf)
	return err
}
