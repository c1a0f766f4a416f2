package impact_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/impact"
	"pgregory.net/rapid"
)

// render draws a protected table as text: "S" for suppressed.
func render(p impact.ProtectedTable) string {
	var b strings.Builder
	for i := range p.Rows {
		for _, c := range p.Cells[i] {
			b.WriteString(mark(c) + " ")
		}
		b.WriteString("| " + mark(p.RowTotals[i]) + "\n")
	}
	for _, c := range p.ColTotals {
		b.WriteString(mark(c) + " ")
	}
	b.WriteString("| " + mark(p.Total))
	return b.String()
}

func mark(s impact.Shown) string {
	if s.Suppressed {
		return "S"
	}
	return s.String()
}

func TestProtectCounts(t *testing.T) {
	tests := []struct {
		name   string
		rows   []string
		cols   []string
		counts [][]int
		access bool
		want   string
	}{
		{"case access sees all", []string{"a", "b"}, []string{"n"}, [][]int{{3}, {10}}, true,
			"3 | 3\n10 | 10\n13 | 13"},
		// One small group: hiding only it would leave 13 - 10 = 3, so the
		// smallest other group is hidden too.
		{"one-way complement", []string{"a", "b", "c"}, []string{"n"}, [][]int{{3}, {10}, {12}}, false,
			"S | S\nS | S\n12 | 12\n25 | 25"},
		{"nothing small", []string{"a", "b"}, []string{"n"}, [][]int{{5}, {9}}, false,
			"5 | 5\n9 | 9\n14 | 14"},
		// Zero is shown: it identifies no one.
		{"zero shown", []string{"a", "b", "c"}, []string{"n"}, [][]int{{0}, {2}, {2}}, false,
			"0 | 0\nS | S\nS | S\nS | S"},
		// Two small groups already protect each other against the total.
		{"two small", []string{"a", "b", "c"}, []string{"n"}, [][]int{{1}, {4}, {30}}, false,
			"S | S\nS | S\n30 | 30\n35 | 35"},
		// Sex by place. Primary: 2 (female, B). Complements: in row B the
		// smallest other non-zero cell (male, B: 8); in the female column
		// the smallest other cell (female, A: 6); then row A has one hidden,
		// so (male, A: 20) goes too; columns then hold two each.
		{"two-way", []string{"A", "B"}, []string{"female", "male"}, [][]int{{6, 20}, {2, 8}}, false,
			"S S | 26\nS S | 10\n8 28 | 36"},
		{"total too small", []string{"A", "B"}, []string{"n"}, [][]int{{1}, {2}}, false,
			"S | S\nS | S\nS | S"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := impact.ProtectCounts(impact.CountTable{Rows: tt.rows, Cols: tt.cols, Counts: tt.counts}, tt.access)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(p); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestProtectCountsErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		t    impact.CountTable
		want string
	}{
		{"empty", impact.CountTable{}, "needs at least one row"},
		{"ragged", impact.CountTable{Rows: []string{"a"}, Cols: []string{"x", "y"}, Counts: [][]int{{1}}}, `row "a" has 1 counts for 2 columns`},
		{"negative", impact.CountTable{Rows: []string{"a"}, Cols: []string{"x"}, Counts: [][]int{{-1}}}, `negative count -1`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := impact.ProtectCounts(tt.t, false); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestProtectCountsJSONLeaksNothing(t *testing.T) {
	p, err := impact.ProtectCounts(impact.CountTable{Rows: []string{"a", "b", "c"}, Cols: []string{"n"}, Counts: [][]int{{3}, {17}, {12}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(p)
	if strings.Contains(string(b), `"count":3,`) || strings.Contains(string(b), `"count":12,`) || !strings.Contains(string(b), `{"count":null,"suppressed":true}`) {
		t.Errorf("json %s", b)
	}
}

// Every small count is hidden, and no row or column (with its total) has
// exactly one hidden count, so none can be recovered by subtraction.
func TestProtectCountsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		R := rapid.IntRange(1, 5).Draw(t, "rows")
		C := rapid.IntRange(1, 5).Draw(t, "cols")
		tab := impact.CountTable{}
		for i := 0; i < R; i++ {
			tab.Rows = append(tab.Rows, string(rune('A'+i)))
			tab.Counts = append(tab.Counts, rapid.SliceOfN(rapid.IntRange(0, 15), C, C).Draw(t, "row"))
		}
		for j := 0; j < C; j++ {
			tab.Cols = append(tab.Cols, string(rune('a'+j)))
		}
		p, err := impact.ProtectCounts(tab, false)
		if err != nil {
			t.Fatal(err)
		}
		lineOK := func(name string, line []impact.Shown) {
			n := 0
			for _, s := range line {
				if s.Suppressed {
					n++
				}
			}
			if n == 1 {
				t.Fatalf("%s has one suppressed count:\n%s", name, render(p))
			}
		}
		for i := 0; i < R; i++ {
			for j := 0; j < C; j++ {
				if c := tab.Counts[i][j]; c > 0 && c < impact.MinGroupSize && !p.Cells[i][j].Suppressed {
					t.Fatalf("small count %d shown", c)
				}
			}
			lineOK("row "+tab.Rows[i], append(append([]impact.Shown(nil), p.Cells[i]...), p.RowTotals[i]))
		}
		for j := 0; j < C; j++ {
			var line []impact.Shown
			for i := 0; i < R; i++ {
				line = append(line, p.Cells[i][j])
			}
			lineOK("column "+tab.Cols[j], append(line, p.ColTotals[j]))
		}
		lineOK("totals row", append(append([]impact.Shown(nil), p.ColTotals...), p.Total))
		lineOK("totals column", append(append([]impact.Shown(nil), p.RowTotals...), p.Total))
	})
}

func TestProtectGroups(t *testing.T) {
	pct := indicator("retained", impact.Ratio, false, "%")
	groups := []impact.Group{
		{Key: "female", Aggregate: impact.Aggregate{Indicator: "retained", Defined: true, Value: 50, Numerator: 10, Denominator: 20}},
		{Key: "male", Aggregate: impact.Aggregate{Indicator: "retained", Defined: true, Value: 100, Numerator: 3, Denominator: 3}},
		{Key: "other", Aggregate: impact.Aggregate{Indicator: "retained", Defined: true, Value: 60, Numerator: 6, Denominator: 10}},
	}
	shown, err := impact.ProtectGroups(pct, groups, false)
	if err != nil {
		t.Fatal(err)
	}
	// Sizes 20, 3, 10: 3 is hidden, and 10 with it (the smallest other).
	want := []bool{false, true, true}
	for i, w := range want {
		if shown[i].Suppressed != w || (w && shown[i].Aggregate.Defined) {
			t.Errorf("%s: %+v", shown[i].Key, shown[i])
		}
	}
	all, _ := impact.ProtectGroups(pct, groups, true)
	for _, g := range all {
		if g.Suppressed {
			t.Errorf("case access suppressed %s", g.Key)
		}
	}
}
