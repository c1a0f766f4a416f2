package supplychain_test

import (
	"errors"
	"math"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

func fp(v float64) *float64 { return &v }

func validParty() supplychain.Party {
	return supplychain.Party{ID: supplychain.RefID("S1"), Ref: "S1", Name: "Acme Cocoa", Kind: supplychain.KindTrader, Country: "CI"}
}

func TestPartyValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*supplychain.Party)
		field string // empty: valid
	}{
		{"valid", func(p *supplychain.Party) {}, ""},
		{"no name", func(p *supplychain.Party) { p.Name = "  " }, "name"},
		{"no id", func(p *supplychain.Party) { p.ID = "" }, "id"},
		{"bad kind", func(p *supplychain.Party) { p.Kind = "shop" }, "kind"},
		{"alpha3 country", func(p *supplychain.Party) { p.Country = "CIV" }, "country"},
		{"lowercase country", func(p *supplychain.Party) { p.Country = "ci" }, "country"},
		{"coordinates ok", func(p *supplychain.Party) { p.Lat, p.Lng = fp(-90), fp(180) }, ""},
		{"lat too big", func(p *supplychain.Party) { p.Lat, p.Lng = fp(90.1), fp(0) }, "lat"},
		{"lng too small", func(p *supplychain.Party) { p.Lat, p.Lng = fp(0), fp(-180.5) }, "lng"},
		{"lat NaN", func(p *supplychain.Party) { p.Lat, p.Lng = fp(math.NaN()), fp(0) }, "lat"},
		{"lat without lng", func(p *supplychain.Party) { p.Lat = fp(1) }, "lng"},
		{"good LEI", func(p *supplychain.Party) { p.LEI = "5493001KJTIIGC8Y1R12" }, ""},
		{"LEI check digits", func(p *supplychain.Party) { p.LEI = "5493001KJTIIGC8Y1R17" }, "lei"},
		{"LEI short", func(p *supplychain.Party) { p.LEI = "5493001KJT" }, "lei"},
		{"LEI letter in check digits", func(p *supplychain.Party) { p.LEI = "5493001KJTIIGC8Y1RAB" }, "lei"},
		{"good GLN", func(p *supplychain.Party) { p.GLN = "0614141003006" }, ""},
		{"GLN check digit", func(p *supplychain.Party) { p.GLN = "0614141003007" }, "gln"},
		{"GLN letters", func(p *supplychain.Party) { p.GLN = "06141410030A6" }, "gln"},
		{"negative workers", func(p *supplychain.Party) { p.Workers = -1 }, "workers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validParty()
			tt.edit(&p)
			err := p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var fe *supplychain.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("Validate() = %v, want a FieldError on %q", err, tt.field)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("code = %v, want invalid", kernel.ErrorCode(err))
			}
		})
	}
}

func TestLinkValidate(t *testing.T) {
	tests := []struct {
		name string
		link supplychain.Link
		ok   bool
	}{
		{"direct", supplychain.Link{Supplier: "a"}, true},
		{"share 0", supplychain.Link{Buyer: "b", Supplier: "a", Share: fp(0)}, true},
		{"share 1", supplychain.Link{Buyer: "b", Supplier: "a", Share: fp(1)}, true},
		{"share above 1", supplychain.Link{Buyer: "b", Supplier: "a", Share: fp(1.01)}, false},
		{"share negative", supplychain.Link{Buyer: "b", Supplier: "a", Share: fp(-0.1)}, false},
		{"share NaN", supplychain.Link{Buyer: "b", Supplier: "a", Share: fp(math.NaN())}, false},
		{"self", supplychain.Link{Buyer: "a", Supplier: "a"}, false},
		{"no supplier", supplychain.Link{Buyer: "a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.link.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestParseKind(t *testing.T) {
	for raw, want := range map[string]supplychain.Kind{
		"Company": supplychain.KindCompany, " factory ": supplychain.KindFacility, "Co-op": supplychain.KindCooperative,
		"plantation": supplychain.KindFarm, "TRADER": supplychain.KindTrader,
	} {
		t.Run(raw, func(t *testing.T) {
			got, err := supplychain.ParseKind(raw)
			if err != nil || got != want {
				t.Fatalf("ParseKind(%q) = %q, %v; want %q", raw, got, err, want)
			}
		})
	}
	if _, err := supplychain.ParseKind("spaceship"); err == nil {
		t.Fatal("ParseKind accepted an unknown kind")
	}
}

func TestCheckLEI(t *testing.T) {
	for _, lei := range []string{"5493001KJTIIGC8Y1R12", "529900T8BM49AURSDO55", "7LTWFZYICNSX8D621K86", "HWUPKR0MPOU8FGXBT394"} {
		if err := supplychain.CheckLEI(lei); err != nil {
			t.Errorf("CheckLEI(%q) = %v", lei, err)
		}
	}
}

func TestGS1CheckDigit(t *testing.T) {
	// Values checked by hand against the GS1 rule and against the site GLN
	// printed in the CBV 2.0 master-data example (0614141003006).
	for body, want := range map[string]byte{"401234500001": '6', "061414100300": '6', "401234500225": '6', "061414100777": '6', "000000000000": '0'} {
		if got := supplychain.GS1CheckDigit(body); got != want {
			t.Errorf("GS1CheckDigit(%s) = %c, want %c", body, got, want)
		}
	}
}

func TestStableIDs(t *testing.T) {
	a := supplychain.FacilityID("Injae Garment Co. Ltd.", "KH", "Toul Kor Village, St. 598")
	b := supplychain.FacilityID("  INJAE GARMENT CO LTD ", "kh", "toul kor village st 598")
	if a != b {
		t.Errorf("FacilityID differs for the same facility written differently: %s vs %s", a, b)
	}
	if c := supplychain.FacilityID("Injae Garment Co. Ltd.", "VN", "Toul Kor Village, St. 598"); c == a {
		t.Error("FacilityID ignores the country")
	}
	if supplychain.RefID("S1") != supplychain.RefID(" S1 ") || supplychain.RefID("S1") == supplychain.RefID("s1") {
		t.Error("RefID should trim spaces and keep case")
	}
	if !kernel.ValidID(supplychain.RefID("S1")) {
		t.Error("RefID is not a valid kernel id")
	}
	if got := supplychain.NormalKey("Café  Côte-d'Ivoire, S.A."); got != "cafe cote d ivoire s a" {
		t.Errorf("NormalKey = %q", got)
	}
}
