package commodity_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/testkit"
)

func TestNormaliseKnown(t *testing.T) {
	tests := []struct{ in, id, eudr string }{
		{"cocoa", "cocoa", "cocoa"}, {"Cacao", "cocoa", "cocoa"}, {"cocoa beans", "cocoa", "cocoa"},
		{"Cacao beans", "cocoa", "cocoa"}, {"CHOCOLATE", "cocoa", "cocoa"}, {"organic cocoa beans", "cocoa", "cocoa"},
		{"palm oil", "palm-oil", "oil_palm"}, {"Crude Palm Oil", "palm-oil", "oil_palm"}, {"CPO", "palm-oil", "oil_palm"},
		{"Palm Fruit", "palm-fruit", "oil_palm"}, {"oil palm", "palm-fruit", "oil_palm"},
		{"polysilicon", "polysilicon", ""}, {"Polysilicon", "polysilicon", ""},
		{"cotton yarn", "thread-yarn", ""}, {"Thread/Yarn", "thread-yarn", ""}, {"cotton", "cotton", ""},
		{"beef", "cattle", "cattle"}, {"Bovines", "cattle", "cattle"}, {"timber", "wood", "wood"},
		{"Timber", "wood", "wood"}, {"logs", "wood", "wood"}, {"soybeans", "soy", "soya"}, {"Soya beans", "soy", "soya"},
		{"soya", "soy", "soya"}, {"coffee beans", "coffee", "coffee"}, {"green coffee", "coffee", "coffee"},
		{"natural rubber", "rubber", "rubber"}, {"Rubber", "rubber", "rubber"}, {"leather", "leather", "cattle"},
		{"Açaí Berries", "acai", ""}, {"acai berry", "acai", ""}, {"Pepper", "pepper", ""}, {"Peppers", "peppers", ""},
		{"Tomato", "tomatoes", ""}, {"potato", "potatoes", ""}, {"Strawberry", "strawberries", ""},
		{"Bricks (clay)", "bricks", ""}, {"brick", "bricks", ""}, {"Beans (green, soy, yellow)", "beans", ""},
		{"Cobalt ore (heterogenite)", "cobalt", ""}, {"coltan", "tantalum", ""}, {"Manioc/Cassava", "cassava", ""},
		{"  Cotton  ", "cotton", ""}, {"shrimps", "shrimp", ""}, {"Garments", "garments", ""}, {"apparel", "garments", ""},
		{"Teak", "teak", "wood"}, {"Charcoal", "charcoal", "wood"}, {"gold (artisanal)", "gold", ""},
		{"Fruit (Pome and Stone)", "fruit-pome-stone", ""}, {"raw sugar", "sugarcane", ""},
		// Merchandise as US Customs and Border Protection words it.
		{"All Garments", "garments", ""}, {"Cotton and Cotton Products", "cotton", ""}, {"Cotton and Processed Cotton", "cotton", ""},
		{"Fresh Tomatoes", "tomatoes", ""}, {"Peeled Garlic", "garlic", ""}, {"Sea Salt Products", "salt", ""},
		{"Automobile Tires", "rubber", "rubber"}, {"Work Gloves", "gloves", ""},
		{"Hair Products", "hair-products", ""}, {"Artisanal Rough Cut Diamonds", "diamonds", ""}, {"leather shoes", "footwear", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, known := commodity.Normalise(tt.in)
			if !known || c.ID != tt.id || c.EUDR != tt.eudr {
				t.Fatalf("Normalise(%q) = %+v, %v; want id %q eudr %q", tt.in, c, known, tt.id, tt.eudr)
			}
		})
	}
}

func TestNormaliseUnknownIsKept(t *testing.T) {
	tests := []struct{ in, id, name string }{
		{"Quinoa", "quinoa", "Quinoa"},
		{"  Widget   Parts ", "widget-parts", "Widget Parts"},
		{"Dragon fruit (organic)", "dragon-fruit-organic", "Dragon fruit (organic)"},
		{"棉纱", "棉纱", "棉纱"},
		{"Computer Parts", "computer-parts", "Computer Parts"},
		{"Cotton, Tomatoes and Downstream Products", "cotton-tomatoes-and-downstream-products", "Cotton, Tomatoes and Downstream Products"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, known := commodity.Normalise(tt.in)
			if known {
				t.Fatalf("Normalise(%q) claims to know it: %+v", tt.in, c)
			}
			if c.ID != tt.id || c.Name != tt.name || c.EUDR != "" {
				t.Fatalf("Normalise(%q) = %+v; want id %q name %q", tt.in, c, tt.id, tt.name)
			}
		})
	}
	for _, blank := range []string{"", "   ", "()", ";"} {
		if c, known := commodity.Normalise(blank); known || c != (commodity.Commodity{}) {
			t.Errorf("Normalise(%q) = %+v, %v; want zero", blank, c, known)
		}
	}
	long := strings.Repeat("very long name ", 40)
	c, _ := commodity.Normalise(long)
	if len(c.ID) > 140 || c.Name != strings.TrimSpace(long) {
		t.Errorf("long unknown name: id %d bytes, name kept = %v", len(c.ID), c.Name == strings.TrimSpace(long))
	}
	other, _ := commodity.Normalise(long + "x")
	if other.ID == c.ID {
		t.Errorf("two long distinct names share id %q", c.ID)
	}
}

// Every good on the ILAB list and every EUDR commodity must resolve.
func TestSharedListsResolve(t *testing.T) {
	goods := readColumn(t, filepath.Join(testkit.RepoRoot(t), "internal", "refdata", "data", "ilab_goods_list.csv"), "good")
	distinct := map[string]bool{}
	for _, g := range goods {
		distinct[g] = true
		if c, known := commodity.Normalise(g); !known {
			t.Errorf("ILAB good %q is not known (got %+v)", g, c)
		}
	}
	if len(distinct) != 169 {
		t.Errorf("ILAB list has %d distinct goods, want 169", len(distinct))
	}
	eudr := map[string]bool{}
	for _, c := range commodity.All() {
		if c.EUDR != "" {
			eudr[c.EUDR] = true
		}
	}
	for _, e := range readColumn(t, filepath.Join(testkit.RepoRoot(t), "internal", "refdata", "data", "eudr_commodities.csv"), "commodity") {
		if !eudr[e] {
			t.Errorf("EUDR commodity %q has no canonical commodity", e)
		}
		name := strings.ReplaceAll(e, "_", " ")
		if c, known := commodity.Normalise(name); !known || c.EUDR != e {
			t.Errorf("Normalise(%q) = %+v, %v; want EUDR %s", name, c, known, e)
		}
	}
}

func readColumn(t *testing.T, path, col string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	at := -1
	for i, h := range rows[0] {
		if h == col {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("%s: no column %q", path, col)
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[at])
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"cocoa", []string{"cocoa"}},
		{"cocoa; coffee ;;palm oil;", []string{"cocoa", "coffee", "palm oil"}},
		{"", nil},
		{" ; ; ", nil},
		{"Beans (green, soy, yellow);tea", []string{"Beans (green, soy, yellow)", "tea"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := commodity.Split(tt.in)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Fatalf("Split(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSectorTable fixes the reviewed outcome of every sector: the goods
// its facilities make, not their raw materials, and none where the sector
// does not name a product.
func TestSectorTable(t *testing.T) {
	tests := []struct {
		in   string
		want string // ids joined by ","
	}{
		{"Apparel", "garments"},
		{"apparel|Health", "garments"},
		{"Garments", "garments"},
		{"Textiles", "textiles"},
		{"Footwear", "footwear"},
		{"Leather", "leather"},
		{"Accessories", "fashion-accessories"},
		{"Electronics", "electronics"},
		{"Renewable Energy", "solar-modules"},
		{"Toys", "toys"},
		{"Home Textiles", "textiles"},
		{"Furniture", "furniture"},
		{"Cocoa", "cocoa"}, // a sector named after a good stands for it
		{"Agriculture", ""},
		{"Food & Beverage", ""},
		{"Mining", ""},
		{"Jewelry", ""},
		{"Sporting Goods", ""},
		{"Space Tourism", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var ids []string
			for _, c := range commodity.ForSector(tt.in) {
				ids = append(ids, c.ID)
			}
			if got := strings.Join(ids, ","); got != tt.want {
				t.Errorf("ForSector(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	// No sector gives cotton: it is a raw material of apparel and
	// textiles, never what their facilities make.
	for _, s := range []string{"Apparel", "Textiles", "Garments", "Home Textiles", "Footwear"} {
		for _, c := range commodity.ForSector(s) {
			if c.ID == "cotton" {
				t.Errorf("sector %s gives cotton", s)
			}
		}
	}
}

func TestInfer(t *testing.T) {
	tests := []struct {
		sector, productType, name string
		want, from                string
	}{
		// Names from the Open Supply Hub sample lists.
		{"Apparel", "", "WENZHOU JIETU(AOLUN) SHOES FACTORY", "footwear", "name"},
		{"Apparel", "", "KSI (Karnaphuli Shoes Industries- Garment Division)", "footwear,garments", "name"},
		{"Apparel", "", "Fujian Jinjiang Huamei Knitting & Clothing Co Ltd", "garments", "name"},
		{"Apparel", "", "NOMAN TERRY TOWEL MILLS LTD", "textiles", "name"},
		{"Apparel", "", "BOX RING", "garments", "sector Apparel"},
		{"Apparel", "", "Hanes Global Supply Chain Germany GmbH", "garments", "sector Apparel"},
		{"Apparel", "", "Sialkot Gloves Works", "gloves", "name"},
		{"Footwear", "", "Pou Chen", "footwear", "sector Footwear"},
		// A product type is more specific than the name.
		{"Apparel", "Footwear|Accessories", "Garment Co", "footwear,fashion-accessories", "product type Footwear|Accessories"},
		{"Apparel", "Knitting", "X", "garments", "product type Knitting"},
		// Words that could mean anything infer nothing.
		{"", "", "Best Tex Fashion Ltd", "", ""},
		{"Agriculture", "", "Green Valley Holdings", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := commodity.Infer(tt.sector, tt.productType, tt.name)
			if strings.Join(got.IDs, ",") != tt.want || got.From != tt.from {
				t.Errorf("Infer(%q, %q, %q) = %v from %q, want %s from %q", tt.sector, tt.productType, tt.name, got.IDs, got.From, tt.want, tt.from)
			}
		})
	}
}

func TestByIDAndAll(t *testing.T) {
	all := commodity.All()
	for i, c := range all {
		if i > 0 && all[i-1].ID >= c.ID {
			t.Errorf("All not sorted at %s", c.ID)
		}
		got, ok := commodity.ByID(c.ID)
		if !ok || got != c {
			t.Errorf("ByID(%s) = %v, %v", c.ID, got, ok)
		}
		// Normalising a canonical name or id gives the commodity back.
		for _, in := range []string{c.ID, c.Name} {
			if n, known := commodity.Normalise(in); !known || n.ID != c.ID {
				t.Errorf("Normalise(%q) = %+v, %v; want %s", in, n, known, c.ID)
			}
		}
	}
	if _, ok := commodity.ByID("nope"); ok {
		t.Error("ByID(nope) found something")
	}
}
