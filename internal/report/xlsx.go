package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// sheet is one worksheet of an annex workbook.
type sheet struct {
	name string
	rows [][]cell
}

// WriteXLSX writes doc as an Office Open XML workbook: the report's own
// sheets first (a register of suppliers, the scorecard's items; see
// workSheets), then Figures (as the CSV annex) and Sources. Every sheet
// is a table under one header row, which stays in view when scrolling and
// carries the spreadsheet's filters.
func WriteXLSX(w io.Writer, doc *Document) error {
	sheets := append(slices.Clone(doc.sheets), sheet{"Figures", annexRows(doc)}, sheet{"Sources", sourceRows(doc)})
	return writeWorkbook(w, sheets)
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

// stylesXML holds the workbook's three cell formats: 0 the default, 1
// bold (header rows), 2 a whole percentage (built-in number format 9).
// A styles part must also list the two fills every workbook has.
const stylesXML = xmlHeader + `<styleSheet xmlns="` + nsMain + `">` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

const (
	styleHeader  = 1
	stylePercent = 2
)

// writeWorkbook writes a small package spreadsheet applications accept:
// content types, the package relationship, the workbook (with each
// sheet's filter range named as applications name it) and its
// relationships, the styles, and one part per sheet with inline strings
// (so no shared string table is needed). The parts are written by hand
// rather than through a spreadsheet library: they are few and fixed by
// ECMA-376, and the same report gives the same bytes, which the golden
// files rely on.
func writeWorkbook(w io.Writer, sheets []sheet) error {
	var types, wb, names, rels strings.Builder
	types.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	wb.WriteString(xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets>`)
	rels.WriteString(xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">`)
	for i, s := range sheets {
		n := i + 1
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escape(s.name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>`, n, nsRel, n)
		if ref := filterRange(s.rows); ref != "" {
			fmt.Fprintf(&names, `<definedName name="_xlnm._FilterDatabase" localSheetId="%d" hidden="1">'%s'!%s</definedName>`,
				i, escape(strings.ReplaceAll(s.name, "'", "''")), absolute(ref))
		}
	}
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/styles" Target="styles.xml"/>`, len(sheets)+1, nsRel)
	types.WriteString(`</Types>`)
	wb.WriteString(`</sheets>`)
	if names.Len() > 0 {
		wb.WriteString(`<definedNames>` + names.String() + `</definedNames>`)
	}
	wb.WriteString(`</workbook>`)
	rels.WriteString(`</Relationships>`)

	parts := []struct{ name, body string }{
		{"[Content_Types].xml", types.String()},
		{"_rels/.rels", xmlHeader + `<Relationships xmlns="` + nsPkgRel + `"><Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", stylesXML},
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

// filterRange is the cells a sheet's filters cover, "A1:M40": its header
// row and every row under it; "" for a sheet without a header.
func filterRange(rows [][]cell) string {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return ""
	}
	return "A1:" + column(len(rows[0])-1) + strconv.Itoa(len(rows))
}

// absolute is a range with both ends fixed, as a defined name holds it:
// "A1:M40" becomes "$A$1:$M$40".
func absolute(ref string) string {
	var b strings.Builder
	for _, end := range strings.Split(ref, ":") {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		i := strings.IndexFunc(end, func(r rune) bool { return r >= '0' && r <= '9' })
		b.WriteString("$" + end[:i] + "$" + end[i:])
	}
	return b.String()
}

// Column widths, in characters: wide enough for the longest value of a
// column, within bounds, so that names can be read without widening.
const (
	minWidth = 8
	maxWidth = 60
)

// columnWidths are the widths of a sheet's columns for its longest value,
// the header included.
func columnWidths(rows [][]cell) []int {
	var widths []int
	for _, row := range rows {
		for c, v := range row {
			for len(widths) <= c {
				widths = append(widths, minWidth)
			}
			n := utf8.RuneCountInString(v.s)
			if v.num {
				n = len(formatNumber(v.n))
			}
			widths[c] = min(max(widths[c], n+2), maxWidth)
		}
	}
	return widths
}

// sheetXML writes one worksheet whose first row is a header: frozen, so
// that it stays in view, bold, and carrying filters over the columns.
func sheetXML(rows [][]cell) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<worksheet xmlns="` + nsMain + `">`)
	ref := filterRange(rows)
	if ref != "" {
		b.WriteString(`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
			`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>`)
		b.WriteString(`<cols>`)
		for c, w := range columnWidths(rows) {
			fmt.Fprintf(&b, `<col min="%d" max="%d" width="%d" customWidth="1"/>`, c+1, c+1, w)
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
	for r, row := range rows {
		fmt.Fprintf(&b, `<row r="%d">`, r+1)
		style := ""
		if r == 0 {
			style = ` s="` + strconv.Itoa(styleHeader) + `"`
		}
		for c, v := range row {
			ref := column(c) + strconv.Itoa(r+1)
			switch {
			case v.num && v.pct:
				fmt.Fprintf(&b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, stylePercent, formatNumber(v.n))
			case v.num:
				fmt.Fprintf(&b, `<c r="%s"%s><v>%s</v></c>`, ref, style, formatNumber(v.n))
			case v.s == "":
				// Empty cells are left out, as spreadsheet applications do.
			default:
				fmt.Fprintf(&b, `<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, style, escape(v.s))
			}
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData>`)
	if ref != "" {
		b.WriteString(`<autoFilter ref="` + ref + `"/>`)
	}
	b.WriteString(`</worksheet>`)
	return b.String()
}
