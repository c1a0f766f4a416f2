package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Audit is one audit or certification of a site, as an audit file lists
// it: which supplier (its reference or id in the organisation's files),
// which scheme (SA8000, amfori BSCI, SMETA, Fair Trade, Rainforest
// Alliance, RSPO, FSC, ...), when, with what result and until when, and
// its findings by category.
type Audit struct {
	Line     int
	Supplier string
	// SupplierColumn is the byte column of the supplier cell, for messages
	// about whom the audit names.
	SupplierColumn int
	Scheme         string
	Date           time.Time
	// Outcome is AuditPassed, AuditFailed or AuditUnrated (no result or
	// grade given: only the findings count).
	Outcome AuditOutcome
	Result  string // the result or grade as written
	Expiry  time.Time
	// Findings are the severities by category (1 minor, 2 major, 3
	// critical), from the findings_<category> columns.
	Findings map[string]int
}

// AuditOutcome is what an audit's result or grade says.
type AuditOutcome string

const (
	AuditPassed  AuditOutcome = "passed"
	AuditFailed  AuditOutcome = "failed"
	AuditUnrated AuditOutcome = "unrated"
)

// auditResults maps results and grades as schemes write them. amfori BSCI
// grades A to C are acceptable, D (insufficient) and E (unacceptable) are
// not.
var auditResults = map[string]AuditOutcome{
	"pass": AuditPassed, "passed": AuditPassed, "certified": AuditPassed, "compliant": AuditPassed, "approved": AuditPassed,
	"a": AuditPassed, "b": AuditPassed, "c": AuditPassed, "valid": AuditPassed,
	"fail": AuditFailed, "failed": AuditFailed, "non_compliant": AuditFailed, "noncompliant": AuditFailed,
	"not_certified": AuditFailed, "withdrawn": AuditFailed, "suspended": AuditFailed, "revoked": AuditFailed,
	"d": AuditFailed, "e": AuditFailed, "zero_tolerance": AuditFailed,
}

var severities = map[string]int{"": 0, "0": 0, "none": 0, "no": 0, "1": 1, "minor": 1, "2": 2, "major": 2, "3": 3, "critical": 3, "zero_tolerance": 3}

// ReadAudits reads an audit CSV: columns supplier (or supplier_id,
// supplier_ref, id), scheme, date (or audit_date), result and/or grade,
// expiry (or expiry_date, valid_until; optional), and findings_<category>
// columns (e.g. findings_forced_labour) holding a severity: minor, major,
// critical or 1 to 3, empty or none for no finding. Dates are YYYY-MM-DD.
// Every bad row is reported with its line, column and field; rows read
// before a bad one are still returned, so a caller can refuse the file
// without losing what it says.
func ReadAudits(r io.Reader, name string) ([]Audit, []RowError, error) {
	cr := newCSVReader(r)
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, RowError{File: name, Line: 1, Reason: "the file is empty"}
	}
	if err != nil {
		return nil, nil, RowError{File: name, Line: 1, Reason: "cannot read the header: " + err.Error()}
	}
	cols := map[string]int{}
	names := make([]string, len(head))
	roles := make([]string, len(head)) // what each column holds
	for i, h := range head {
		k := headerKey(h)
		names[i] = k
		if n, known := auditColumnNames[k]; known {
			k = n
		}
		if _, dup := cols[k]; dup && k != "" {
			return nil, nil, RowError{File: name, Line: 1, Column: i + 1, Field: names[i], Reason: "column given twice"}
		}
		cols[k] = i
		roles[i] = k
	}
	for _, d := range AuditColumns {
		if _, ok := cols[d.Name]; d.Required && !ok {
			return nil, nil, RowError{File: name, Line: 1, Reason: fmt.Sprintf("no %s column; an audit file needs %s, result or grade, and may have expiry and %s<category> columns", d.Name, requiredNames(AuditColumns), AuditFindingPrefix)}
		}
	}
	_, hasResult := cols["result"]
	_, hasGrade := cols["grade"]
	if !hasResult && !hasGrade {
		return nil, nil, RowError{File: name, Line: 1, Reason: "no result or grade column"}
	}
	var out []Audit
	var bad []RowError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, bad, nil
		}
		if err != nil {
			// A malformed record has no fields to point at; the parse
			// error says where it is.
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return out, bad, fmt.Errorf("read %s: %w", name, err)
			}
			bad = append(bad, RowError{File: name, Line: max(pe.StartLine, 1), Reason: err.Error()})
			continue
		}
		line, _ := cr.FieldPos(0)
		fail := func(i int, reason string) {
			_, col := cr.FieldPos(i)
			bad = append(bad, RowError{File: name, Line: line, Column: col, Field: names[i], Reason: reason})
		}
		if len(rec) != len(head) {
			bad = append(bad, RowError{File: name, Line: line, Reason: fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(head))})
			continue
		}
		a := Audit{Line: line, Outcome: AuditUnrated}
		_, a.SupplierColumn = cr.FieldPos(cols["supplier"])
		ok := true
		for i, v := range rec {
			if !utf8.ValidString(v) {
				fail(i, "is not valid UTF-8")
				ok = false
				break
			}
			v = strings.TrimSpace(v)
			switch k := roles[i]; {
			case k == "supplier":
				a.Supplier = v
			case k == "scheme":
				a.Scheme = v
			case k == "date":
				d, err := time.Parse(time.DateOnly, v)
				if err != nil {
					fail(i, fmt.Sprintf("%q is not a date written YYYY-MM-DD", v))
					ok = false
				}
				a.Date = d
			case k == "result", k == "grade":
				if v == "" {
					continue
				}
				o, known := auditResults[headerKey(v)]
				if !known {
					fail(i, fmt.Sprintf("%q is not a result Upstream knows; use pass or fail, or a grade A to E", v))
					ok = false
					continue
				}
				// A failing result or grade wins over a passing one.
				if a.Outcome != AuditFailed {
					a.Outcome, a.Result = o, v
				}
			case k == "expiry":
				if v == "" {
					continue
				}
				d, err := time.Parse(time.DateOnly, v)
				if err != nil {
					fail(i, fmt.Sprintf("%q is not a date written YYYY-MM-DD", v))
					ok = false
				}
				a.Expiry = d
			case strings.HasPrefix(k, AuditFindingPrefix):
				sev, known := severities[headerKey(v)]
				if !known {
					if n, err := strconv.Atoi(v); err == nil && n > 3 {
						sev, known = 3, true // a count of findings: many is critical
					}
				}
				if !known {
					fail(i, fmt.Sprintf("%q is not a severity; use minor, major, critical, 1 to 3, or leave it empty", v))
					ok = false
					continue
				}
				if sev > 0 {
					if a.Findings == nil {
						a.Findings = map[string]int{}
					}
					a.Findings[strings.ReplaceAll(strings.TrimPrefix(k, AuditFindingPrefix), "_", " ")] = sev
				}
			}
		}
		if !ok {
			continue
		}
		switch {
		case a.Supplier == "":
			fail(cols["supplier"], "is empty")
		case a.Scheme == "":
			fail(cols["scheme"], "is empty")
		case !a.Expiry.IsZero() && a.Expiry.Before(a.Date):
			fail(cols["expiry"], "is before the audit date")
		default:
			out = append(out, a)
		}
	}
}

// StoredAudit is an audit as an organisation keeps it: Audit.Supplier is
// the id of the party audited, named here as people know it, with the
// file the audit was imported from.
type StoredAudit struct {
	Audit
	PartyName, PartyRef string
	File                string
}
