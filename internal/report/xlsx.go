package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// sheet is one worksheet of an annex workbook.
type sheet struct {
	name string
	rows [][]cell
}

// WriteXLSX writes doc's annex as an Office Open XML workbook with two
// sheets: Figures (as the CSV annex) and Sources.
func WriteXLSX(w io.Writer, doc *Document) error {
	return writeWorkbook(w, []sheet{{"Figures", annexRows(doc)}, {"Sources", sourceRows(doc)}})
}

const (
	nsMain    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkgRel  = "http://schemas.openxmlformats.org/package/2006/relationships"
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// zipTime is the fixed modification time of every part, so the same
// report gives the same bytes.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// writeWorkbook writes the smallest package spreadsheet applications
// accept: content types, the package relationship, the workbook and its
// relationships, and one part per sheet with inline strings (so no shared
// string table is needed).
func writeWorkbook(w io.Writer, sheets []sheet) error {
	var types, wb, rels strings.Builder
	types.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	wb.WriteString(xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets>`)
	rels.WriteString(xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">`)
	for i, s := range sheets {
		n := i + 1
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escape(s.name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>`, n, nsRel, n)
	}
	types.WriteString(`</Types>`)
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`</Relationships>`)

	parts := []struct{ name, body string }{
		{"[Content_Types].xml", types.String()},
		{"_rels/.rels", xmlHeader + `<Relationships xmlns="` + nsPkgRel + `"><Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
	}
	for i, s := range sheets {
		parts = append(parts, struct{ name, body string }{fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), sheetXML(s.rows)})
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func escape(s string) string {
	var b strings.Builder
	// EscapeText also replaces characters XML cannot carry, so a stray
	// control character in a name cannot corrupt the workbook.
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// column returns the spreadsheet column name of a zero-based index: A..Z,
// AA..AZ and so on.
func column(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func sheetXML(rows [][]cell) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<worksheet xmlns="` + nsMain + `"><sheetData>`)
	for r, row := range rows {
		fmt.Fprintf(&b, `<row r="%d">`, r+1)
		for c, v := range row {
			ref := column(c) + strconv.Itoa(r+1)
			switch {
			case v.num:
				fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, formatNumber(v.n))
			case v.s == "":
				// Empty cells are left out, as spreadsheet applications do.
			default:
				fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, escape(v.s))
			}
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.String()
}
