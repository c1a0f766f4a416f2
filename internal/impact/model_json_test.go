package impact_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestDecodeLogicModelRoundTrip(t *testing.T) {
	m := survivorModel()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := impact.DecodeLogicModel(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestDecodeLogicModelErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown field", `{"programme":"p","nodes":[{"id":"a","kind":"input","title":"t","colour":"red"}]}`, `unknown field "colour"`},
		{"wrong type", "{\"programme\":\"p\",\n\"nodes\":[{\"id\":7}]}", `line 2, column 17: nodes.id: want string, got number`},
		{"bad date", `{"programme":"p","indicators":[{"code":"c","baseline":{"value":1,"date":"1/2/2026"}}]}`, `date "1/2/2026" is not a date like 2026-01-31`},
		{"invalid model", `{"programme":"p","nodes":[{"id":"a","kind":"outcome","title":"t"}]}`, `outcome "a": not reached from any activity`},
		{"syntax", `{"programme":`, "unexpected end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := impact.DecodeLogicModel(strings.NewReader(tt.in))
			if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\n want %q", err, tt.want)
			}
		})
	}
}

func FuzzDecodeLogicModel(f *testing.F) {
	b, _ := json.Marshal(survivorModel())
	f.Add(string(b))
	f.Add(`{"programme":"p","nodes":[{"id":"a","kind":"activity","title":"t"},{"id":"b","kind":"output","title":"u"}],"links":[{"from":"a","to":"b"},{"from":"b","to":"a"}]}`)
	f.Add(`{"indicators":[{"baseline":{"value":1,"date":"2026-02-30"}}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		m, err := impact.DecodeLogicModel(strings.NewReader(in))
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error not Invalid: %v", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("decoded model does not validate: %v", err)
		}
	})
}
