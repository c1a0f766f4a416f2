package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// mapMeasure is what the risk map colours countries by.
type mapMeasure struct {
	ID, Label, Unit string
	Org             bool // from the organisation's register, not reference data
	Bands           []band
}

// band is one colour class of the map and its legend.
type band struct {
	Class, Label string
	Upper        float64 // values below Upper fall in the band (the last takes the rest)
}

// mapMeasures are the map's measures; their words are catalog messages
// (a percent sign written %%), translated when a page shows them (see in).
var mapMeasures = []mapMeasure{
	{ID: "max", Label: translatable("Highest supplier exposure"), Unit: translatable("exposure (0-100)"), Org: true, Bands: []band{
		{"q1", translatable("under 20"), 20}, {"q2", translatable("20 to 40"), 40}, {"q3", translatable("40 to 60"), 60}, {"q4", translatable("60 to 80"), 80}, {"q5", translatable("80 or more"), 0}}},
	{ID: "count", Label: translatable("Number of suppliers"), Unit: translatable("suppliers"), Org: true, Bands: []band{
		{"q1", translatable("1 to 9"), 10}, {"q2", translatable("10 to 99"), 100}, {"q3", translatable("100 to 999"), 1000}, {"q4", translatable("1,000 to 9,999"), 10000}, {"q5", translatable("10,000 or more"), 0}}},
	{ID: "high", Label: translatable("Share of suppliers at high or critical risk"), Unit: translatable("%% of suppliers"), Org: true, Bands: []band{
		{"q1", translatable("under 10%%"), 10}, {"q2", translatable("10%% to 25%%"), 25}, {"q3", translatable("25%% to 50%%"), 50}, {"q4", translatable("50%% to 75%%"), 75}, {"q5", translatable("75%% or more"), 0}}},
	{ID: "gsi", Label: translatable("Modern slavery prevalence (Global Slavery Index)"), Unit: translatable("people per 1,000"), Bands: []band{
		{"q1", translatable("under 2 per 1,000"), 2}, {"q2", translatable("2 to 4"), 4}, {"q3", translatable("4 to 7"), 7}, {"q4", translatable("7 to 10"), 10}, {"q5", translatable("10 or more"), 0}}},
	{ID: "eudr", Label: translatable("EUDR country benchmark"), Unit: translatable("risk category"), Bands: []band{
		{"q1", translatable("low"), 1.5}, {"q3", translatable("standard"), 2.5}, {"q5", translatable("high"), 0}}},
}

// in is m with its words in the locale's language.
func (m mapMeasure) in(loc *locale) mapMeasure {
	out := m
	out.Label, out.Unit = loc.tr(m.Label), loc.tr(m.Unit)
	out.Bands = make([]band, len(m.Bands))
	for i, b := range m.Bands {
		b.Label = loc.tr(b.Label)
		out.Bands[i] = b
	}
	return out
}

func measureByID(id string) (mapMeasure, bool) {
	for _, m := range mapMeasures {
		if m.ID == id {
			return m, true
		}
	}
	return mapMeasure{}, false
}

func (m mapMeasure) class(v float64) string {
	for _, b := range m.Bands {
		if b.Upper == 0 || v < b.Upper {
			return b.Class
		}
	}
	return m.Bands[len(m.Bands)-1].Class
}

// countryValue is one country's figure on the map and in its table.
type countryValue struct {
	Alpha2, Name string
	Value        float64
	Text         string // the value as shown
	Suppliers    int
	Class        string
	Href         string
	Path         string
}

// countryStats holds what the register says about one country: how many
// suppliers, and the highest exposure among them.
type countryStats struct {
	N   int
	Max float64
	// High counts suppliers at high or critical risk; it is filled only
	// for the measure that shows it.
	High int
}

// orgCountryStats reads, for every country, the number of suppliers (of
// commodity, when not empty) and the highest exposure, from the
// register's first row and total per country (the register's country
// index serves both).
func (s *supplyHandlers) orgCountryStats(ctx context.Context, orgID, commodity string) (map[string]countryStats, error) {
	out := map[string]countryStats{}
	one := kernel.Page{Limit: 1}
	if _, total, err := s.suppliers.Register(ctx, orgID, supplychain.RegisterFilter{Commodity: commodity}, supplychain.SortExposure, one); err != nil || total == 0 {
		return out, err
	}
	for _, c := range country.All() {
		entries, total, err := s.suppliers.Register(ctx, orgID, supplychain.RegisterFilter{Country: c.Alpha2, Commodity: commodity}, supplychain.SortExposure, one)
		if err != nil {
			return nil, err
		}
		if total > 0 {
			st := countryStats{N: total}
			if len(entries) > 0 {
				st.Max = entries[0].Risk.Exposure
			}
			out[c.Alpha2] = st
		}
	}
	return out, nil
}

// withHighCounts adds to stats, for each country with suppliers, how many
// are at high or critical risk. It returns a new map: stats is shared.
func (s *supplyHandlers) withHighCounts(ctx context.Context, orgID, commodity string, stats map[string]countryStats) (map[string]countryStats, error) {
	out := make(map[string]countryStats, len(stats))
	one := kernel.Page{Limit: 1}
	for code, st := range stats {
		for _, lvl := range []string{"high", "critical"} {
			_, n, err := s.suppliers.Register(ctx, orgID, supplychain.RegisterFilter{Country: code, Level: lvl, Commodity: commodity}, supplychain.SortExposure, one)
			if err != nil {
				return nil, err
			}
			st.High += n
		}
		out[code] = st
	}
	return out, nil
}

// referenceValue returns a country's reference figure for the measure,
// and the figure as loc writes it.
func referenceValue(loc *locale, set *refdata.Set, m mapMeasure, iso2 string) (float64, string, bool) {
	switch m.ID {
	case "gsi":
		p, ok := set.Prevalence(iso2)
		if !ok {
			return 0, "", false
		}
		return p.PerThousand, loc.tr("%v per 1,000", loc.points(p.PerThousand)), true
	case "eudr":
		b, ok := set.Benchmark(iso2)
		if !ok {
			return 0, "", false
		}
		v := map[string]float64{"low": 1, "standard": 2, "high": 3}[b.Risk]
		if v == 0 {
			return 0, "", false
		}
		text := loc.tr(escapeVerbs(b.Risk)) // low, standard or high, as in the legend
		if b.Ambiguous {
			text = loc.tr("%v (disputed reading)", text)
		}
		return v, text, true
	}
	return 0, "", false
}

func (s *supplyHandlers) riskMap(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("by")
	if id == "" {
		id = "max"
	}
	m, ok := measureByID(id)
	if !ok {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "the map cannot be coloured by %q; choose one of the listed measures", id))
		return
	}
	world, err := geo.Default()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The commodity filter narrows the country colours (for the measures
	// from the register) and the facility points alike.
	chosen := r.URL.Query().Get("commodity")
	if _, known := commodity.ByID(chosen); chosen != "" && !known {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "%q is not a commodity; choose one of the listed commodities", chosen))
		return
	}
	var stats map[string]countryStats
	var ref *refdata.Set
	if m.Org {
		org := principalOf(r).User.OrgID
		stats, err = cachedAggregate(s.aggregates, org, "countries:"+chosen, func() (map[string]countryStats, error) {
			return s.orgCountryStats(r.Context(), org, chosen)
		})
		if err == nil && m.ID == "high" {
			base := stats
			stats, err = cachedAggregate(s.aggregates, org, "countries-high:"+chosen, func() (map[string]countryStats, error) {
				return s.withHighCounts(r.Context(), org, chosen, base)
			})
		}
	} else {
		ref, err = s.referenceData()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	var table []countryValue
	byCode := map[string]countryValue{}
	for _, c := range country.All() {
		cv := countryValue{Alpha2: c.Alpha2, Name: loc.country(c.Alpha2), Href: countryLink(c.Alpha2, chosen)}
		has := false
		if m.Org {
			st, ok := stats[c.Alpha2]
			if ok {
				has, cv.Suppliers = true, st.N
				switch m.ID {
				case "count":
					cv.Value, cv.Text = float64(st.N), loc.count(st.N)
				case "high":
					cv.Value = float64(st.High) * 100 / float64(st.N)
					cv.Text = loc.tr("%v (%v of %v)", loc.percent(math.Round(cv.Value)/100), loc.count(st.High), loc.count(st.N))
				default:
					cv.Value, cv.Text = st.Max, loc.points(st.Max)
				}
			}
		} else {
			cv.Value, cv.Text, has = referenceValue(loc, ref, m, c.Alpha2)
		}
		if has {
			cv.Class = m.class(cv.Value)
			table = append(table, cv)
			byCode[c.Alpha2] = cv
		}
	}
	shapes := make([]countryValue, 0, len(world.Countries))
	for _, gc := range world.Countries {
		cv, ok := byCode[gc.Alpha2]
		if !ok {
			// No figure: drawn grey, and not a link, so that keyboard
			// users do not tab through every country without data.
			cv = countryValue{Alpha2: gc.Alpha2, Name: loc.country(gc.Alpha2), Text: loc.tr("no data"), Class: "q0"}
		}
		cv.Path = gc.Path
		shapes = append(shapes, cv)
	}
	slices.SortStableFunc(table, func(a, b countryValue) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return 0
	})
	var measures []option
	for _, x := range mapMeasures {
		measures = append(measures, option{x.ID, loc.tr(x.Label), x.ID == m.ID})
	}
	layer, err := s.facilities(r.Context(), loc, principalOf(r).User.OrgID, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{
		"Measure": m.in(loc), "Measures": measures, "Shapes": shapes, "Table": table, "Commodity": loc.commodity(chosen),
		"Width": geo.Width, "Height": geo.Height, "Facilities": layer,
	}
	if ref != nil {
		dsID := refdata.GSI
		if m.ID == "eudr" {
			dsID = refdata.EUDRBenchmark
		}
		if ds, ok := ref.Dataset(dsID); ok {
			data["Source"] = ds
		}
	}
	s.render(w, r, http.StatusOK, "map.html", data)
}

// countryLink is the register filtered to a country and, when one is
// chosen on the map, a commodity.
func countryLink(code, commodity string) string {
	q := url.Values{"country": {code}}
	if commodity != "" {
		q.Set("commodity", commodity)
	}
	return "/suppliers?" + q.Encode()
}
