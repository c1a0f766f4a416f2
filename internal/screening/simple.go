package screening

import (
	"io"
	"strings"
)

// loadSimple reads the simple list CSV: a header with id and name, and
// optionally aliases (";"-separated), country (";"-separated), list and
// kind (person, organization, vessel or aircraft; empty when unknown).
func loadSimple(name string, r io.Reader) (*Watchlist, error) {
	wl := &Watchlist{List: List{Name: strings.TrimSuffix(baseName(name), ".csv"), Source: "simple CSV (id, name, aliases, country, list)"}}
	cr := newCSV(r)
	rec, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	h := header(rec)
	idC, nameC, aliasC, countryC, listC, kindC := h.col("id"), h.col("name"), h.col("aliases"), h.col("country"), h.col("list"), h.col("kind")
	if idC < 0 || nameC < 0 {
		return nil, lineError(name, 1, "the header needs the columns id and name")
	}
	seen := map[string]int{}
	err = eachCSVRecord(name, cr, func(rec []string, line int) error {
		id, n := field(rec, idC), field(rec, nameC)
		if id == "" {
			return lineError(name, line, "column id is empty")
		}
		if prev, dup := seen[id]; dup {
			return lineError(name, line, "id %q already used on line %d", trunc(id), prev)
		}
		seen[id] = line
		if err := requiredName(name, line, "name", n); err != nil {
			return err
		}
		e := Entity{ID: id, Name: n, Kind: KindUnknown, ListName: wl.List.Name}
		switch k := Kind(strings.ToLower(field(rec, kindC))); k {
		case KindUnknown, KindPerson, KindOrganization, KindVessel, KindAircraft:
			e.Kind = k
		default:
			return lineError(name, line, "column kind is %q; expected person, organization, vessel, aircraft or nothing", trunc(string(k)))
		}
		if l := field(rec, listC); l != "" {
			e.ListName = l
		}
		for _, a := range splitList(field(rec, aliasC)) {
			if err := checkField(name, line, "column aliases", a); err != nil {
				return err
			}
			e.Aliases = appendUnique(e.Aliases, a)
		}
		for _, c := range splitList(field(rec, countryC)) {
			e.Countries = appendUnique(e.Countries, countryOrRaw(c))
		}
		wl.Entities = append(wl.Entities, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return wl, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
