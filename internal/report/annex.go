package report

import (
	"encoding/csv"
	"io"
	"strings"
)

// annexHead is the column list of the figures annex, in CSV and XLSX alike.
var annexHead = []string{"figure", "section", "subject_id", "subject", "measure", "value", "shown", "unit", "suppressed", "source_id", "source", "edition", "source_detail"}

// sourcesHead is the column list of the sources sheet.
var sourcesHead = []string{"source_id", "title", "edition", "detail"}

// cell is one annex value: a number when num is set (a share shown as a
// percentage when pct is set too), else text.
type cell struct {
	s   string
	n   float64
	num bool
	pct bool
}

func str(s string) cell { return cell{s: s} }

func num(v float64) cell { return cell{n: v, num: true} }

func percent(share float64) cell { return cell{n: share, num: true, pct: true} }

// annexRows returns the figures annex: one row per number in the report.
func annexRows(doc *Document) [][]cell {
	rows := [][]cell{cellsOf(annexHead)}
	for _, f := range doc.Figures {
		value := cell{n: f.Value, num: true}
		suppressed := "no"
		if f.Suppressed {
			value, suppressed = str(""), "yes"
		}
		rows = append(rows, []cell{
			str(f.ID), str(f.Section), str(f.SubjectID), str(f.Subject), str(f.Measure), value, str(f.Text), str(f.Unit),
			str(suppressed), str(f.Source.ID), str(f.Source.Title), str(f.Source.Edition), str(f.Source.Detail),
		})
	}
	return rows
}

func sourceRows(doc *Document) [][]cell {
	rows := [][]cell{cellsOf(sourcesHead)}
	for _, s := range doc.Sources {
		rows = append(rows, []cell{str(s.ID), str(s.Title), str(s.Edition), str(s.Detail)})
	}
	return rows
}

func cellsOf(ss []string) []cell {
	out := make([]cell, len(ss))
	for i, s := range ss {
		out[i] = str(s)
	}
	return out
}

// defuse stops a spreadsheet from reading text that came from the data as
// a formula (CSV injection).
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes the figures annex of doc as CSV: every number in the
// report with what it measures and its source.
func WriteCSV(w io.Writer, doc *Document) error {
	cw := csv.NewWriter(w)
	for _, row := range annexRows(doc) {
		rec := make([]string, len(row))
		for i, c := range row {
			if c.num {
				rec[i] = formatNumber(c.n)
			} else {
				rec[i] = defuse(c.s)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
