package sqlstore

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// keyKind is how a key column's value is written in a cursor.
type keyKind int

const (
	keyText keyKind = iota
	keyFloat
	keyInt
	keyTime // RFC 3339 with nanoseconds, UTC
)

// keyCol is one column of a list's order, as in its ORDER BY.
type keyCol struct {
	expr string
	desc bool
	kind keyKind
}

// keysetAfter returns the condition that keeps the rows after the row whose
// key is after (one value per column, as text), in the order cols give,
// with numbered placeholders from $n+1, and its arguments. The last column
// must be unique (the id), so that ties are broken and no row is repeated
// or skipped.
func keysetAfter(cols []keyCol, after []string, n int) (string, []any, error) {
	if len(after) != len(cols) {
		return "", nil, kernel.Errorf(kernel.Invalid, "the cursor does not belong to this list and order: ask for the first page again")
	}
	vals := make([]any, len(cols))
	for i, c := range cols {
		v, err := keyValue(c.kind, after[i])
		if err != nil {
			return "", nil, kernel.Wrap(kernel.Invalid, err, "the cursor is damaged: ask for the first page again")
		}
		vals[i] = v
	}
	var args []any
	place := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(n+len(args))
	}
	// (c1 > v1) OR (c1 = v1 AND ((c2 > v2) OR (c2 = v2 AND ...)))
	var build func(i int) string
	build = func(i int) string {
		op := ">"
		if cols[i].desc {
			op = "<"
		}
		strict := fmt.Sprintf("%s %s %s", cols[i].expr, op, place(vals[i]))
		if i == len(cols)-1 {
			return strict
		}
		eq := fmt.Sprintf("%s = %s", cols[i].expr, place(vals[i]))
		return "(" + strict + " OR (" + eq + " AND " + build(i+1) + "))"
	}
	return build(0), args, nil
}

func keyValue(kind keyKind, s string) (any, error) {
	switch kind {
	case keyFloat:
		return strconv.ParseFloat(s, 64)
	case keyInt:
		return strconv.ParseInt(s, 10, 64)
	case keyTime:
		return time.Parse(time.RFC3339Nano, s)
	}
	return s, nil
}

// orderBy writes cols as an ORDER BY list.
func orderBy(cols []keyCol) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.expr
		if c.desc {
			parts[i] += " DESC"
		}
	}
	return strings.Join(parts, ", ")
}
