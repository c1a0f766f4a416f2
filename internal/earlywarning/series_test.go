package earlywarning_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func day(t *testing.T, s string) ew.Day {
	t.Helper()
	d, err := ew.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseSeriesCSV(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ew.Series
	}{
		{
			name: "sorted rows",
			in:   "date,key,count\n2026-03-01,a,1\n2026-03-02,a,2\n2026-03-03,a,0\n",
			want: []ew.Series{{Key: "a", Start: day(t, "2026-03-01"), Counts: []int{1, 2, 0}}},
		},
		{
			name: "unsorted rows, missing days zero, keys end on the last date of the file",
			in:   "Count,Key,Date\r\n4,b,2026-03-04\r\n1,a,2026-03-03\r\n2,a,2026-03-01\r\n3,b,2026-03-02\r\n",
			want: []ew.Series{
				{Key: "a", Start: day(t, "2026-03-01"), Counts: []int{2, 0, 1, 0}},
				{Key: "b", Start: day(t, "2026-03-02"), Counts: []int{3, 0, 4}},
			},
		},
		{
			name: "byte order mark, spaces and quoted keys",
			in:   "\uFEFFdate, key ,count\n2026-03-01,\"party:x, y\", 5\n",
			want: []ew.Series{{Key: "party:x, y", Start: day(t, "2026-03-01"), Counts: []int{5}}},
		},
		{name: "header only", in: "date,key,count\n", want: []ew.Series{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ew.ParseSeriesCSV(strings.NewReader(tt.in), "s.csv")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSeriesCSVErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "s.csv:1: empty file; expected the header date,key,count"},
		{"no header", "2026-03-01,a,1\n", `s.csv:1:1: unknown column "2026-03-01"; the header must be date,key,count`},
		{"missing column", "date,key\n", `s.csv:1: column "count" missing; the header must be date,key,count`},
		{"duplicate column", "date,key,count,key\n", `s.csv:1:4: column "key" appears twice`},
		{"bad date", "date,key,count\n2026-3-1,a,1\n", `s.csv:2:1: date "2026-3-1" is not in the form YYYY-MM-DD`},
		{"impossible date", "date,key,count\n2026-02-30,a,1\n", `s.csv:2:1: date "2026-02-30" is not a valid calendar day`},
		{"date out of range", "date,key,count\n1066-10-14,a,1\n", `s.csv:2:1: date "1066-10-14" is outside the years 1900 to 2999`},
		{"empty key", "date,key,count\n2026-03-01, ,1\n", "s.csv:2:12: key is empty"},
		{"negative count", "date,key,count\n2026-03-01,a,-1\n", `s.csv:2:14: count "-1" is not a whole number from 0 to 1000000`},
		{"fraction", "date,key,count\n2026-03-01,a,1.5\n", `s.csv:2:14: count "1.5" is not a whole number from 0 to 1000000`},
		{"short row", "date,key,count\n2026-03-01,a\n", "s.csv:2: 2 fields, the header has 3"},
		{"duplicate row", "date,key,count\n2026-03-01,a,1\n2026-03-02,a,1\n2026-03-01,a,3\n", `s.csv:4:1: key "a" already has a count for 2026-03-01 on line 2`},
		{"bad quote", "date,key,count\n2026-03-01,\"a,1\n", `s.csv:2:17: extraneous or missing " in quoted-field`},
		{"span too long", "date,key,count\n1900-01-01,a,1\n2999-01-01,a,1\n", "s.csv:3:1: dates span more than 7320 days (from 1900-01-01 to 2999-01-01)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ew.ParseSeriesCSV(strings.NewReader(tt.in), "s.csv")
			if err == nil {
				t.Fatal("no error")
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("code %s, want invalid", kernel.ErrorCode(err))
			}
			if err.Error() != tt.want {
				t.Errorf("got  %q\nwant %q", err.Error(), tt.want)
			}
		})
	}
}

func FuzzParseSeriesCSV(f *testing.F) {
	f.Add("date,key,count\n2026-03-01,a,1\n2026-03-05,a,2\n2026-03-02,b,0\n")
	f.Add("count,date,key\n3,2026-01-01,x\n")
	f.Add("date,key,count\n2026-03-01,\"a\"\"b\",1\n")
	f.Add("date,key,count\n1900-01-01,a,1\n2919-12-31,b,1\n")
	f.Add("\uFEFFdate,key,count\r\n2026-02-29,a,1\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ew.ParseSeriesCSV(strings.NewReader(in), "f.csv")
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error %v has code %s, want invalid", err, kernel.ErrorCode(err))
			}
			if !strings.HasPrefix(err.Error(), "f.csv:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		var last ew.Day
		for i, s := range got {
			if i > 0 && got[i-1].Key >= s.Key {
				t.Fatalf("keys not sorted and unique: %q then %q", got[i-1].Key, s.Key)
			}
			if len(s.Counts) == 0 {
				t.Fatalf("empty series %q", s.Key)
			}
			if i > 0 && s.End() != last {
				t.Fatalf("series %q ends %s, others end %s", s.Key, s.End(), last)
			}
			last = s.End()
			for _, c := range s.Counts {
				if c < 0 || c > ew.MaxCount {
					t.Fatalf("count %d out of range", c)
				}
			}
		}
	})
}

func BenchmarkParseSeriesCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("date,key,count\n")
	rows := 0
	for k := range 100 {
		s := ew.Generate(ew.Scenario{Days: 365, Rate: 2}, "", uint64(k))
		for i, c := range s.Counts {
			if c > 0 {
				sb.WriteString((s.Start + ew.Day(i)).String() + ",party:" + string(rune('a'+k%26)) + string(rune('a'+k/26)) + "," + strconv.Itoa(c) + "\n")
				rows++
			}
		}
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ew.ParseSeriesCSV(strings.NewReader(in), "b.csv"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
}
