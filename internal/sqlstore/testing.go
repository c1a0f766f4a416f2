package sqlstore

import (
	"context"
	"fmt"
)

// ExecForTest runs a statement directly, for tests that need to simulate
// tampering or other processes. Errors are returned, not hidden.
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// QueryForTest runs a query directly and returns its rows with every
// value written with fmt's %v, for tests that compare what is stored
// before and after an operation.
func (db *DB) QueryForTest(ctx context.Context, query string, args ...any) ([][]string, error) {
	rows, err := db.write.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			row[i] = fmt.Sprintf("%v", v)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// PartyRefColumnsForTest lists the table and column of every reference
// to a party that a facility merge moves.
func PartyRefColumnsForTest() [][2]string {
	out := make([][2]string, len(partyRefs))
	for i, r := range partyRefs {
		out[i] = [2]string{r.table, r.column}
	}
	return out
}
