package refdata

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Dataset identifiers.
const (
	ILABGoods     = "ilab-goods"
	ILABFindings  = "ilab-findings"
	GSI           = "gsi-2023"
	EUDRBenchmark = "eudr-benchmark"
	EUDRList      = "eudr-commodities"
	// ISO3166 is the country table of package country. It is listed with
	// the others but built in for good: every other dataset is checked
	// against it, so it changes only with a new build.
	ISO3166 = "iso3166"
)

// Dataset describes one loaded reference dataset: where it comes from, which
// edition, under which licence, and the SHA-256 of the exact bytes loaded so
// a score can be traced to its data.
type Dataset struct {
	ID      string
	Title   string
	Source  string
	Edition string
	Licence string
	SHA256  string
	Rows    int
	// Origin is "embedded" for the data built into the program, or the
	// file an operator loaded with LoadFromFile.
	Origin string
	// Note carries caveats a reader must see and how to update the data.
	Note string
}

// Good is one entry of the ILAB List of Goods: a good from a country with
// the kinds of exploitation ILAB found in its production.
type Good struct {
	Country           string // ISO 3166 alpha-2
	Good              string // the ILAB name, as published
	Commodity         string // canonical commodity id (see package commodity)
	Sector            string
	ChildLabour       bool
	ForcedLabour      bool
	ForcedChildLabour bool
	// Derived marks a good listed because an input to it is made with
	// exploited labour (for example polysilicon from Chinese quartz);
	// DerivedFrom is the alpha-2 code of the country where that happens.
	Derived     bool
	DerivedFrom string
}

// Finding is one country of ILAB's Findings on the Worst Forms of Child
// Labor. Values ILAB marks unavailable have their Has flag false.
type Finding struct {
	Country             string
	Advancement         string // e.g. "Moderate Advancement", "" when not assessed
	AgeRange            string
	WorkingChildrenPct  float64 // share of children in the age range who work, 0..1
	HasWorkingChildren  bool
	WorkingChildren     float64
	HasWorkingChildrenN bool
	C138, C182, Palermo string // "Yes", "No" or "" when unknown
}

// Prevalence is a Global Slavery Index estimate for one country.
type Prevalence struct {
	Country     string
	Region      string
	PerThousand float64 // estimated people in modern slavery per 1,000 population
	People      float64
	Population  float64
	// Has is false for countries the index lists without an estimate.
	Has bool
}

// Benchmark is a country's EUDR risk category.
type Benchmark struct {
	Country string
	Risk    string // "low", "standard" or "high"
	Basis   string
	// Ambiguous is set when the category rests on an unsettled reading
	// (territories of a low-risk country); it must stay visible to users.
	Ambiguous bool
}

// EUDRCommodity is one of the seven commodities of Regulation (EU) 2023/1115.
type EUDRCommodity struct {
	ID       string
	Products string
}

//go:embed data/*.csv
var embedded embed.FS

// spec is the fixed description and parser of one dataset.
type spec struct {
	file                                  string
	title, source, edition, licence, note string
	parse                                 func(name string, data []byte) (any, int, error)
}

var specs = map[string]spec{
	ILABGoods: {
		file:    "ilab_goods_list.csv",
		title:   "List of Goods Produced by Child Labor or Forced Labor",
		source:  "US Department of Labor, Bureau of International Labor Affairs (ILAB)",
		edition: "2022",
		licence: "US Government work, public domain",
		note:    "Flattened from goods_2021.xml of DOL's Sweat & Toil app. Update: export the new edition to the same columns and run `upstream refdata replace ilab-goods FILE`.",
		parse:   parseGoods,
	},
	ILABFindings: {
		file:    "ilab_findings_2022_countries.csv",
		title:   "Findings on the Worst Forms of Child Labor",
		source:  "US Department of Labor, Bureau of International Labor Affairs (ILAB)",
		edition: "2022 reporting year",
		licence: "US Government work, public domain",
		note:    "Flattened from countries_2021.xml of DOL's Sweat & Toil app. Update: export the new report to the same columns and replace the dataset.",
		parse:   parseFindings,
	},
	GSI: {
		file:    "gsi_2023_prevalence_clean.csv",
		title:   "Global Slavery Index: estimated prevalence of modern slavery",
		source:  "Walk Free, Global Slavery Index 2023",
		edition: "2023 (estimates for 2021)",
		licence: "Published estimates; licence of the redistribution not verified. Cite \"Walk Free, Global Slavery Index 2023\" wherever shown.",
		note:    "Countries listed without an estimate are kept and carry no prevalence factor.",
		parse:   parseGSI,
	},
	EUDRBenchmark: {
		file:    "eudr_country_benchmark_2025.csv",
		title:   "EUDR country benchmarking (low, standard, high risk)",
		source:  "Commission Implementing Regulation (EU) 2025/1093, Annex, and Art. 1(2)",
		edition: "2025",
		licence: "EU reuse policy (CC BY 4.0)",
		note:    "TO BE VERIFIED: the country split was cross-checked across public transcriptions, not yet against the Annex text. Territories of low-risk countries are marked standard under the literal rule with AMBIGUOUS in their basis. Replace from a file when the Annex is checked.",
		parse:   parseBenchmark,
	},
	EUDRList: {
		file:    "eudr_commodities.csv",
		title:   "EUDR relevant commodities",
		source:  "Regulation (EU) 2023/1115, Article 1 and Annex I",
		edition: "2023 (Annex I as adopted)",
		licence: "EU reuse policy (CC BY 4.0)",
		note:    "A 2026 delegated act is reported to change Annex I from 30 December 2027; this is the 2023 scope.",
		parse:   parseEUDRList,
	},
}

// Set holds one loaded copy of every dataset. It is safe for concurrent use:
// LoadFromFile swaps a dataset in whole, so readers see either the old or
// the new data, never a mixture.
type Set struct {
	mu       sync.RWMutex
	version  uint64
	meta     map[string]Dataset
	goods    map[string][]Good // key country + "\x00" + commodity id
	byCtry   map[string][]Good
	findings map[string]Finding
	gsi      map[string]Prevalence
	bench    map[string]Benchmark
	eudr     []EUDRCommodity
}

// Default returns a Set holding the datasets built into the program.
func Default() (*Set, error) {
	s := &Set{meta: map[string]Dataset{}}
	for _, id := range IDs() {
		sp := specs[id]
		data, err := embedded.ReadFile("data/" + sp.file)
		if err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "refdata: embedded %s", sp.file)
		}
		v, n, err := sp.parse("embedded "+sp.file, data)
		if err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "refdata: embedded %s does not load", sp.file)
		}
		s.install(id, v, describe(id, data, n, "embedded", sp.edition))
	}
	return s, nil
}

// IDs lists the identifiers of the replaceable datasets in a stable order.
func IDs() []string {
	ids := make([]string, 0, len(specs))
	for id := range specs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func describe(id string, data []byte, rows int, origin, edition string) Dataset {
	sp := specs[id]
	sum := sha256.Sum256(data)
	return Dataset{ID: id, Title: sp.title, Source: sp.source, Edition: edition, Licence: sp.licence,
		SHA256: hex.EncodeToString(sum[:]), Rows: rows, Origin: origin, Note: sp.note}
}

// LoadFromFile replaces one dataset with the contents of a file in the same
// layout as the embedded one. The file is read and validated in full first;
// on any error nothing is replaced and the error names the file, line and
// column. The replaced dataset's edition records the file and its hash.
func (s *Set) LoadFromFile(datasetID, path string) error {
	if _, ok := specs[datasetID]; !ok {
		return unknownDataset(datasetID)
	}
	f, err := os.Open(path)
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "cannot open %s", path)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "cannot read %s", path)
	}
	return s.LoadBytes(datasetID, path, data)
}

// LoadBytes replaces one dataset with data in the same layout as the
// embedded one, named origin in messages and in the dataset's description
// (a file path, or where a stored replacement came from). Like LoadFromFile
// it validates everything before it replaces anything.
func (s *Set) LoadBytes(datasetID, origin string, data []byte) error {
	sp, ok := specs[datasetID]
	if !ok {
		return unknownDataset(datasetID)
	}
	if len(data) > maxFileSize {
		return kernel.Errorf(kernel.Invalid, "%s: larger than %d MiB; not a reference dataset", origin, maxFileSize>>20)
	}
	name := filepath.Base(origin)
	v, n, err := sp.parse(name, data)
	if err != nil {
		return err
	}
	d := describe(datasetID, data, n, origin, "")
	d.Edition = fmt.Sprintf("operator file %s (sha256 %s), replacing %s", name, d.SHA256[:12], sp.edition)
	s.install(datasetID, v, d)
	return nil
}

func unknownDataset(id string) error {
	if id == ISO3166 {
		return kernel.Errorf(kernel.Invalid, "dataset %s is built in and cannot be replaced; the country table changes with a new release", ISO3166)
	}
	return kernel.Errorf(kernel.Invalid, "unknown dataset %q; known datasets: %s", id, strings.Join(IDs(), ", "))
}

func (s *Set) install(id string, v any, d Dataset) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.meta[id] = d
	switch id {
	case ILABGoods:
		goods := v.([]Good)
		s.goods, s.byCtry = map[string][]Good{}, map[string][]Good{}
		for _, g := range goods {
			k := g.Country + "\x00" + g.Commodity
			s.goods[k] = append(s.goods[k], g)
			s.byCtry[g.Country] = append(s.byCtry[g.Country], g)
		}
	case ILABFindings:
		s.findings = v.(map[string]Finding)
	case GSI:
		s.gsi = v.(map[string]Prevalence)
	case EUDRBenchmark:
		s.bench = v.(map[string]Benchmark)
	case EUDRList:
		s.eudr = v.([]EUDRCommodity)
	}
}

// Version changes whenever a dataset is replaced, so callers that cache
// results derived from the data know when to drop them.
func (s *Set) Version() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version
}

// Datasets lists what is loaded, in the order of IDs, followed by the
// built-in country table.
func (s *Set) Datasets() []Dataset {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Dataset, 0, len(s.meta)+1)
	for _, id := range IDs() {
		if d, ok := s.meta[id]; ok {
			out = append(out, d)
		}
	}
	return append(out, countryDataset())
}

func countryDataset() Dataset {
	p := country.TableProvenance()
	return Dataset{ID: ISO3166, Title: "ISO 3166-1 country codes and names", Source: p.Source, Edition: p.Edition,
		Licence: p.Licence, SHA256: p.SHA256, Rows: p.Rows, Origin: "embedded",
		Note: "Built in; not replaceable from a file. Update internal/country/data/countries.csv and rebuild."}
}

// Dataset returns the description of one loaded dataset.
func (s *Set) Dataset(id string) (Dataset, bool) {
	if id == ISO3166 {
		return countryDataset(), true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.meta[id]
	return d, ok
}

// Goods returns the ILAB entries for a country (alpha-2) and a canonical
// commodity id; usually none or one, more when several ILAB goods share a
// commodity (crude and refined palm oil).
func (s *Set) Goods(iso2, commodityID string) []Good {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.goods[iso2+"\x00"+commodityID])
}

// GoodsOf returns every ILAB entry for a country.
func (s *Set) GoodsOf(iso2 string) []Good {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.byCtry[iso2])
}

// Finding returns ILAB's child-labour findings for a country.
func (s *Set) Finding(iso2 string) (Finding, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.findings[iso2]
	return f, ok
}

// Prevalence returns the Global Slavery Index estimate for a country; ok is
// false when the country is not in the index or has no estimate.
func (s *Set) Prevalence(iso2 string) (Prevalence, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.gsi[iso2]
	return p, ok && p.Has
}

// Benchmark returns a country's EUDR risk category.
func (s *Set) Benchmark(iso2 string) (Benchmark, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.bench[iso2]
	return b, ok
}

// EUDRCommodities lists the seven EUDR commodities with example products.
func (s *Set) EUDRCommodities() []EUDRCommodity {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]EUDRCommodity(nil), s.eudr...)
}

func parseGoods(name string, data []byte) (any, int, error) {
	t, err := readTable(name, data, "iso2", "good", "sector", "child_labor", "forced_labor", "forced_child_labor", "derived_labor_exploitation", "derived_country")
	if err != nil {
		return nil, 0, err
	}
	var out []Good
	seen := map[string]int{}
	err = t.each(func(r row) error {
		c, err := r.country("iso2")
		if err != nil {
			return err
		}
		good := r.str("good")
		if good == "" {
			return r.errf("good", "empty")
		}
		g := Good{Country: c.Alpha2, Good: good, Sector: r.str("sector")}
		com, _ := commodity.Normalise(good)
		g.Commodity = com.ID
		flags := []struct {
			col string
			dst *bool
		}{{"child_labor", &g.ChildLabour}, {"forced_labor", &g.ForcedLabour}, {"forced_child_labor", &g.ForcedChildLabour}, {"derived_labor_exploitation", &g.Derived}}
		for _, f := range flags {
			v, _, err := r.yesNo(f.col, false)
			if err != nil {
				return err
			}
			*f.dst = v
		}
		if dc := r.str("derived_country"); !strings.EqualFold(dc, "no") && dc != "" {
			from, err := country.Lookup(dc)
			if err != nil {
				return r.errf("derived_country", "%s", kernel.ErrorMessage(err))
			}
			g.DerivedFrom = from.Alpha2
		}
		if g.Derived && g.DerivedFrom == "" {
			return r.errf("derived_country", "a derived good must name the country the exploitation happens in")
		}
		if !g.ChildLabour && !g.ForcedLabour && !g.ForcedChildLabour && !g.Derived {
			return r.errf("child_labor", "the entry for %s from %s has no flag set; every listed good has at least one", good, c.Alpha2)
		}
		if g.ForcedChildLabour && !g.ChildLabour && !g.ForcedLabour {
			return r.errf("forced_child_labor", "forced child labour is set but neither child nor forced labour is")
		}
		k := c.Alpha2 + "\x00" + good
		if first, dup := seen[k]; dup {
			return r.errf("good", "%s from %s is listed twice (first on line %d)", good, c.Alpha2, first)
		}
		seen[k] = r.line()
		out = append(out, g)
		return nil
	})
	return out, len(out), err
}

func parseFindings(name string, data []byte) (any, int, error) {
	t, err := readTable(name, data, "iso2", "advancement_level", "children_work_age_range", "pct_working_children", "working_children_count", "c138_ratified", "c182_ratified", "palermo_ratified")
	if err != nil {
		return nil, 0, err
	}
	out := map[string]Finding{}
	err = t.eachCountry("iso2", func(r row, c country.Country) error {
		var err error
		f := Finding{Country: c.Alpha2, Advancement: r.str("advancement_level"), AgeRange: r.str("children_work_age_range")}
		if f.WorkingChildrenPct, f.HasWorkingChildren, err = r.number("pct_working_children", 1); err != nil {
			return err
		}
		if f.WorkingChildren, f.HasWorkingChildrenN, err = r.number("working_children_count", 1e9); err != nil {
			return err
		}
		for _, col := range []struct {
			name string
			dst  *string
		}{{"c138_ratified", &f.C138}, {"c182_ratified", &f.C182}, {"palermo_ratified", &f.Palermo}} {
			v, ok, err := r.yesNo(col.name, true)
			if err != nil {
				return err
			}
			switch {
			case !ok:
				*col.dst = ""
			case v:
				*col.dst = "Yes"
			default:
				*col.dst = "No"
			}
		}
		out[c.Alpha2] = f
		return nil
	})
	return out, len(out), err
}

func parseGSI(name string, data []byte) (any, int, error) {
	t, err := readTable(name, data, "iso2", "prevalence_per_1000", "estimated_people_in_modern_slavery", "population")
	if err != nil {
		return nil, 0, err
	}
	out := map[string]Prevalence{}
	err = t.eachCountry("iso2", func(r row, c country.Country) error {
		var err error
		p := Prevalence{Country: c.Alpha2, Region: r.str("gsi_region")}
		if p.PerThousand, p.Has, err = r.number("prevalence_per_1000", 1000); err != nil {
			return err
		}
		if p.People, _, err = r.number("estimated_people_in_modern_slavery", 1e10); err != nil {
			return err
		}
		if p.Population, _, err = r.number("population", 1e10); err != nil {
			return err
		}
		out[c.Alpha2] = p
		return nil
	})
	return out, len(out), err
}

func parseBenchmark(name string, data []byte) (any, int, error) {
	t, err := readTable(name, data, "iso2", "eudr_risk", "basis")
	if err != nil {
		return nil, 0, err
	}
	out := map[string]Benchmark{}
	err = t.eachCountry("iso2", func(r row, c country.Country) error {
		risk := strings.ToLower(r.str("eudr_risk"))
		switch risk {
		case "low", "standard", "high":
		default:
			return r.errf("eudr_risk", "want low, standard or high, got %q", r.str("eudr_risk"))
		}
		basis := r.str("basis")
		out[c.Alpha2] = Benchmark{Country: c.Alpha2, Risk: risk, Basis: basis, Ambiguous: strings.Contains(strings.ToUpper(basis), "AMBIGUOUS")}
		return nil
	})
	return out, len(out), err
}

func parseEUDRList(name string, data []byte) (any, int, error) {
	t, err := readTable(name, data, "commodity")
	if err != nil {
		return nil, 0, err
	}
	var out []EUDRCommodity
	known := map[string]bool{
		commodity.EUDRCattle: true, commodity.EUDRCocoa: true, commodity.EUDRCoffee: true, commodity.EUDROilPalm: true,
		commodity.EUDRRubber: true, commodity.EUDRSoya: true, commodity.EUDRWood: true,
	}
	err = t.each(func(r row) error {
		id := r.str("commodity")
		if !known[id] {
			return r.errf("commodity", "%q is not one of the seven EUDR commodities (cattle, cocoa, coffee, oil_palm, rubber, soya, wood)", id)
		}
		out = append(out, EUDRCommodity{ID: id, Products: r.str("example_relevant_products_annex_i_indicative")})
		return nil
	})
	return out, len(out), err
}
