package impact

import (
	"encoding/json"
	"math"
	"strconv"
)

// MinGroupSize is the smallest group whose count may be shown to people
// without case access. Smaller groups can identify the people in them.
const MinGroupSize = 5

// CountTable is a breakdown of people counted by one or two dimensions.
// A one-way breakdown has a single column.
type CountTable struct {
	Rows   []string
	Cols   []string
	Counts [][]int // Counts[row][col]
}

// Shown is a count as displayed: either the count or a suppression mark.
type Shown struct {
	Count      int
	Suppressed bool
}

// MarshalJSON writes a suppressed count as null so that no number leaks.
func (s Shown) MarshalJSON() ([]byte, error) {
	if s.Suppressed {
		return []byte(`{"count":null,"suppressed":true}`), nil
	}
	return json.Marshal(struct {
		Count      int  `json:"count"`
		Suppressed bool `json:"suppressed"`
	}{s.Count, false})
}

// String shows the count, or "suppressed".
func (s Shown) String() string {
	if s.Suppressed {
		return "suppressed"
	}
	return strconv.Itoa(s.Count)
}

// ProtectedTable is a CountTable ready to display, with its totals.
type ProtectedTable struct {
	Rows      []string  `json:"rows"`
	Cols      []string  `json:"cols"`
	Cells     [][]Shown `json:"cells"`
	RowTotals []Shown   `json:"row_totals"`
	ColTotals []Shown   `json:"col_totals"`
	Total     Shown     `json:"total"`
}

// ProtectCounts prepares a breakdown for display. With case access it is
// shown as it is. Without, every count (cell or total) from 1 to
// MinGroupSize-1 is suppressed, and then complementary suppression hides
// further counts until no row or column (with its total) has exactly one
// suppressed count, since a single hidden count is the total less the
// others. Complements are the smallest non-zero cells, then zero cells,
// then the total; zero itself identifies no one and is shown.
//
// This is the standard heuristic of statistical offices; it stops exact
// recovery from any one row or column, which is what a reader with the
// table and a calculator can do.
func ProtectCounts(t CountTable, caseAccess bool) (ProtectedTable, error) {
	R, C := len(t.Rows), len(t.Cols)
	if R == 0 || C == 0 {
		return ProtectedTable{}, invalidf("breakdown: needs at least one row and one column")
	}
	if len(t.Counts) != R {
		return ProtectedTable{}, invalidf("breakdown: %d rows of counts for %d row labels", len(t.Counts), R)
	}
	// g holds the cells with the row totals as column C, the column totals
	// as row R and the grand total at [R][C]. Every row and column of g is
	// then one line whose last entry is the sum of the others.
	g := make([][]int, R+1)
	for i := range g {
		g[i] = make([]int, C+1)
	}
	for i, row := range t.Counts {
		if len(row) != C {
			return ProtectedTable{}, invalidf("breakdown: row %q has %d counts for %d columns", t.Rows[i], len(row), C)
		}
		for j, n := range row {
			if n < 0 {
				return ProtectedTable{}, invalidf("breakdown: row %q, column %q: negative count %d", t.Rows[i], t.Cols[j], n)
			}
			g[i][j] = n
			g[i][C] += n
			g[R][j] += n
			g[R][C] += n
		}
	}
	hide := make([][]bool, R+1)
	for i := range hide {
		hide[i] = make([]bool, C+1)
		if caseAccess {
			continue
		}
		for j := range hide[i] {
			hide[i][j] = g[i][j] > 0 && g[i][j] < MinGroupSize
		}
	}
	for changed := !caseAccess; changed; {
		changed = false
		for i := 0; i <= R; i++ {
			if complement(C+1, func(k int) (int, *bool) { return g[i][k], &hide[i][k] }) {
				changed = true
			}
		}
		for j := 0; j <= C; j++ {
			if complement(R+1, func(k int) (int, *bool) { return g[k][j], &hide[k][j] }) {
				changed = true
			}
		}
	}
	show := func(i, j int) Shown {
		if hide[i][j] {
			return Shown{Suppressed: true}
		}
		return Shown{Count: g[i][j]}
	}
	out := ProtectedTable{Rows: append([]string(nil), t.Rows...), Cols: append([]string(nil), t.Cols...), Total: show(R, C)}
	for i := 0; i < R; i++ {
		row := make([]Shown, C)
		for j := range row {
			row[j] = show(i, j)
		}
		out.Cells = append(out.Cells, row)
		out.RowTotals = append(out.RowTotals, show(i, C))
	}
	for j := 0; j < C; j++ {
		out.ColTotals = append(out.ColTotals, show(R, j))
	}
	return out, nil
}

// complement hides one more entry of a line of n entries (the last being
// the total) when exactly one is hidden, and reports whether it did.
func complement(n int, at func(k int) (int, *bool)) bool {
	hidden := 0
	for k := 0; k < n; k++ {
		if _, h := at(k); *h {
			hidden++
		}
	}
	if hidden != 1 {
		return false
	}
	best, bestRank, bestVal := -1, 3, math.MaxInt
	for k := 0; k < n; k++ {
		v, h := at(k)
		if *h {
			continue
		}
		rank := 0 // a non-zero cell
		switch {
		case k == n-1:
			rank = 2 // the total, last resort
		case v == 0:
			rank = 1
		}
		if rank < bestRank || (rank == bestRank && v < bestVal) {
			best, bestRank, bestVal = k, rank, v
		}
	}
	if best < 0 {
		return false
	}
	_, h := at(best)
	*h = true
	return true
}

// ShownGroup is a breakdown group as displayed.
type ShownGroup struct {
	Key        string `json:"key"`
	Suppressed bool   `json:"suppressed"`
	// Aggregate is zero when the group is suppressed.
	Aggregate Aggregate `json:"aggregate"`
}

// ProtectGroups applies ProtectCounts to a one-way breakdown of an
// indicator. The size of a group is its count (Sum and Latest indicators)
// or its denominator, the number of people behind an average or a ratio.
func ProtectGroups(ind Indicator, groups []Group, caseAccess bool) ([]ShownGroup, error) {
	if len(groups) == 0 {
		return []ShownGroup{}, nil
	}
	t := CountTable{Cols: []string{"size"}}
	for _, g := range groups {
		size := g.Aggregate.Value
		if ind.Aggregation == Average || ind.Aggregation == Ratio {
			size = g.Aggregate.Denominator
		}
		if size < 0 || math.IsNaN(size) || size > math.MaxInt32 {
			return nil, invalidf("breakdown of %q: group %q has size %v, not a count of people", ind.Code, g.Key, size)
		}
		t.Rows = append(t.Rows, g.Key)
		t.Counts = append(t.Counts, []int{int(math.Ceil(size))})
	}
	p, err := ProtectCounts(t, caseAccess)
	if err != nil {
		return nil, err
	}
	out := make([]ShownGroup, len(groups))
	for i, g := range groups {
		out[i] = ShownGroup{Key: g.Key, Suppressed: p.Cells[i][0].Suppressed}
		if !out[i].Suppressed {
			out[i].Aggregate = g.Aggregate
		} else {
			out[i].Aggregate = Aggregate{Indicator: g.Aggregate.Indicator, Periods: []string{}}
		}
	}
	return out, nil
}
