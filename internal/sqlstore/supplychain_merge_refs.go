package sqlstore

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// partyRef is a column outside parties and links that names a party: a
// merge moves what it names from the merged party to the kept one, and
// undoing the merge moves exactly those rows back.
type partyRef struct {
	table, column string
	// kindColumn and kind narrow the rows to those whose subject is a
	// party, in tables whose column names other things too.
	kindColumn, kind string
	// unique are the other columns of a unique key that holds column, or
	// nil when column is in none. A row of the merged party whose unique
	// columns equal those of a row of the kept party (the same audit, the
	// same watchlist entry) cannot move: it is set aside whole, and put
	// back by the undo, unless leave is set.
	unique []string
	// ident are the columns that tell one row from the others, when
	// column is in no unique key.
	ident []string
	// leave keeps a clashing row where it is, naming the merged party,
	// instead of setting it aside: a survey site's row holds the code
	// its workers type, which must keep working.
	leave bool
}

// partyRefs are every reference to a party a merge moves, in the order it
// moves them; the undo goes through them backwards. The risk register's
// keys and the early-warning watermarks are not here: the recompute after
// the merge and after its undo writes them again.
var partyRefs = []partyRef{
	{table: "party_audits", column: "party_id", unique: []string{"scheme", "audit_date"}},
	{table: "screening_reviews", column: "party_id", unique: []string{"list_name", "entity_id"}},
	{table: "osh_lookups", column: "party_id", unique: []string{}},
	{table: "epcis_link_events", column: "buyer_id", unique: []string{"supplier_id", "commodity", "event_id"}},
	{table: "epcis_link_events", column: "supplier_id", unique: []string{"buyer_id", "commodity", "event_id"}},
	{table: "epcis_containment", column: "location_id", ident: []string{"id"}},
	{table: "grievance_reports", column: "supplier_id", ident: []string{"id"}},
	{table: "ew_signals", column: "subject_id", kindColumn: "subject_kind", kind: "party", ident: []string{"id"}},
	{table: "ew_alerts", column: "subject_id", kindColumn: "subject_kind", kind: "party", ident: []string{"id"}},
	{table: "scorecard_answers", column: "subject_id", kindColumn: "subject_kind", kind: "supplier", ident: []string{"id"}},
	{table: "scorecards", column: "subject_id", kindColumn: "subject_kind", kind: "supplier", unique: []string{"subject_kind", "day"}},
	{table: "survey_sites", column: "site_id", unique: []string{"survey_id"}, leave: true},
	{table: "survey_responses", column: "site_id", unique: []string{"survey_id", "round", "respondent"}, leave: true},
	{table: "survey_texts", column: "site_id", ident: []string{"id"}},
}

// movedRefs is what a merge did to one partyRef, kept in the merge's
// undo record.
type movedRefs struct {
	Table  string `json:"table"`
	Column string `json:"column"`
	// Moved are the rows moved to the kept party, by their unique (or
	// ident) columns as text.
	Moved [][]string `json:"moved,omitempty"`
	// SetAside are the rows removed because the kept party had the same
	// one, whole.
	SetAside []storedRow `json:"set_aside,omitempty"`
}

// storedRow is one row as stored, column by column, with each value's
// type so that it goes back as it was.
type storedRow struct {
	Columns []string `json:"columns"`
	Values  []cell   `json:"values"`
}

// cell is one stored value: its kind (s text, i integer, f float, b
// boolean, t time, x bytes, n null) and its text.
type cell struct {
	K string `json:"k"`
	V string `json:"v,omitempty"`
}

func encodeCell(v any) (cell, error) {
	switch x := v.(type) {
	case nil:
		return cell{K: "n"}, nil
	case string:
		return cell{K: "s", V: x}, nil
	case int64:
		return cell{K: "i", V: strconv.FormatInt(x, 10)}, nil
	case int32:
		return cell{K: "i", V: strconv.FormatInt(int64(x), 10)}, nil
	case float64:
		return cell{K: "f", V: strconv.FormatFloat(x, 'g', -1, 64)}, nil
	case bool:
		return cell{K: "b", V: strconv.FormatBool(x)}, nil
	case time.Time:
		return cell{K: "t", V: x.UTC().Format(time.RFC3339Nano)}, nil
	case []byte:
		return cell{K: "x", V: base64.StdEncoding.EncodeToString(x)}, nil
	}
	return cell{}, fmt.Errorf("a stored value of type %T cannot be kept for an undo", v)
}

func (c cell) value() (any, error) {
	switch c.K {
	case "n":
		return nil, nil
	case "s":
		return c.V, nil
	case "i":
		return strconv.ParseInt(c.V, 10, 64)
	case "f":
		return strconv.ParseFloat(c.V, 64)
	case "b":
		return strconv.ParseBool(c.V)
	case "t":
		return time.Parse(time.RFC3339Nano, c.V)
	case "x":
		return base64.StdEncoding.DecodeString(c.V)
	}
	return nil, fmt.Errorf("unknown kind %q of a kept value", c.K)
}

// rowFilter is the SQL condition picking the rows of r naming the party
// in parameter $2 of the organisation in $1, written against alias, and
// with clash (the kept party, in $3, has a row with the same unique
// columns) required or excluded.
func (r partyRef) rowFilter(alias string, clash *bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%[1]s.org_id = $1 AND %[1]s.%[2]s = $2", alias, r.column)
	if r.kindColumn != "" {
		fmt.Fprintf(&b, " AND %s.%s = '%s'", alias, r.kindColumn, r.kind)
	}
	if clash != nil && r.unique != nil {
		if !*clash {
			b.WriteString(" AND NOT")
		} else {
			b.WriteString(" AND")
		}
		fmt.Fprintf(&b, " EXISTS (SELECT 1 FROM %[1]s o WHERE o.org_id = %[2]s.org_id AND o.%[3]s = $3", r.table, alias, r.column)
		if r.kindColumn != "" {
			fmt.Fprintf(&b, " AND o.%s = %s.%s", r.kindColumn, alias, r.kindColumn)
		}
		for _, u := range r.unique {
			fmt.Fprintf(&b, " AND o.%[1]s = %[2]s.%[1]s", u, alias)
		}
		b.WriteString(")")
	}
	return b.String()
}

// refArgs are the parameters of a statement built on rowFilter: the kept
// party is named only where a clash is looked for.
func refArgs(org string, r partyRef, from, into string) []any {
	if r.unique == nil {
		return []any{org, from}
	}
	return []any{org, from, into}
}

// keyColumns are the columns that identify a moved row.
func (r partyRef) keyColumns() []string {
	if r.unique != nil {
		return r.unique
	}
	return r.ident
}

// moveReferences moves every reference to from over to into (see
// partyRefs) and returns what it did, for the undo.
func (w *Writer) moveReferences(from, into string) ([]movedRefs, error) {
	var out []movedRefs
	yes, no := true, false
	for _, r := range partyRefs {
		mr := movedRefs{Table: r.table, Column: r.column}
		if r.unique != nil && !r.leave {
			rows, err := w.tx.QueryContext(w.ctx, fmt.Sprintf(`SELECT * FROM %s t WHERE %s`, r.table, r.rowFilter("t", &yes)), refArgs(w.org, r, from, into)...)
			if err != nil {
				return nil, classify(err, r.table)
			}
			if mr.SetAside, err = scanStoredRows(rows); err != nil {
				return nil, fmt.Errorf("%s: %w", r.table, err)
			}
			if len(mr.SetAside) > 0 {
				if _, err := w.tx.ExecContext(w.ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s`, r.table, r.rowFilter(r.table, &yes)), refArgs(w.org, r, from, into)...); err != nil {
					return nil, classify(err, r.table)
				}
			}
		}
		keys := r.keyColumns()
		sel := make([]string, len(keys))
		for i, k := range keys {
			sel[i] = "CAST(t." + k + " AS TEXT)"
		}
		if len(sel) == 0 {
			sel = []string{"''"}
		}
		rows, err := w.tx.QueryContext(w.ctx, fmt.Sprintf(`SELECT %s FROM %s t WHERE %s`, strings.Join(sel, ", "), r.table, r.rowFilter("t", &no)), refArgs(w.org, r, from, into)...)
		if err != nil {
			return nil, classify(err, r.table)
		}
		if mr.Moved, err = scanTextRows(rows, len(keys)); err != nil {
			return nil, classify(err, r.table)
		}
		if len(mr.Moved) > 0 {
			if _, err := w.tx.ExecContext(w.ctx, fmt.Sprintf(`UPDATE %s SET %s = $3 WHERE %s`, r.table, r.column, r.rowFilter(r.table, &no)), w.org, from, into); err != nil {
				return nil, classify(err, r.table)
			}
		}
		if len(mr.Moved)+len(mr.SetAside) > 0 {
			out = append(out, mr)
		}
	}
	return out, nil
}

// restoreReferences undoes moveReferences: the moved rows go back to
// from, last move first, and the rows set aside are stored again.
func (w *Writer) restoreReferences(from, into string, moved []movedRefs) error {
	for i := len(moved) - 1; i >= 0; i-- {
		mr := moved[i]
		r, ok := findRef(mr.Table, mr.Column)
		if !ok {
			return fmt.Errorf("a merge moved rows of %s.%s, which no longer names parties", mr.Table, mr.Column)
		}
		keys := r.keyColumns()
		var cond strings.Builder
		fmt.Fprintf(&cond, "org_id = $1 AND %s = $2", r.column)
		if r.kindColumn != "" {
			fmt.Fprintf(&cond, " AND %s = '%s'", r.kindColumn, r.kind)
		}
		for j, k := range keys {
			fmt.Fprintf(&cond, " AND CAST(%s AS TEXT) = $%d", k, j+4)
		}
		update := fmt.Sprintf(`UPDATE %s SET %s = $3 WHERE %s`, r.table, r.column, cond.String())
		for _, key := range mr.Moved {
			if len(key) != len(keys) {
				return fmt.Errorf("a moved row of %s has %d key values, want %d", r.table, len(key), len(keys))
			}
			args := []any{w.org, into, from}
			for _, v := range key {
				args = append(args, v)
			}
			if _, err := w.tx.ExecContext(w.ctx, update, args...); err != nil {
				return classify(err, r.table)
			}
		}
		for _, row := range mr.SetAside {
			args := make([]any, len(row.Values))
			for j, c := range row.Values {
				v, err := c.value()
				if err != nil {
					return fmt.Errorf("%s: %w", r.table, err)
				}
				args[j] = v
			}
			if _, err := w.tx.ExecContext(w.ctx, fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s) ON CONFLICT DO NOTHING`,
				r.table, strings.Join(row.Columns, ", "), inList(len(args), 1)), args...); err != nil {
				return classify(err, r.table)
			}
		}
	}
	return nil
}

func findRef(table, column string) (partyRef, bool) {
	for _, r := range partyRefs {
		if r.table == table && r.column == column {
			return r, true
		}
	}
	return partyRef{}, false
}

func scanStoredRows(rows *sql.Rows) ([]storedRow, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []storedRow
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := storedRow{Columns: cols, Values: make([]cell, len(cols))}
		for i, v := range vals {
			if row.Values[i], err = encodeCell(v); err != nil {
				return nil, fmt.Errorf("column %s: %w", cols[i], err)
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func scanTextRows(rows *sql.Rows, n int) ([][]string, error) {
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		vals := make([]string, max(n, 1))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals[:n])
	}
	return out, rows.Err()
}

// encodeReferences and decodeReferences keep movedRefs in a merge's undo
// record, which the supply-chain package holds as opaque JSON.
func encodeReferences(m []movedRefs) (json.RawMessage, error) {
	if len(m) == 0 {
		return nil, nil
	}
	return json.Marshal(m)
}

func decodeReferences(raw json.RawMessage) ([]movedRefs, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var m []movedRefs
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("the rows a merge moved: %w", err)
	}
	return m, nil
}
