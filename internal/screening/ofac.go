package screening

import (
	"io"
	"strings"
)

type ofacFile struct {
	name string
	r    io.Reader
	kind Format
}

// ofacNull is OFAC's marker for an empty cell.
func ofacValue(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

// loadOFAC reads OFAC's headerless CSV layout. Primary file columns:
// ent_num, name, type, programs, title, call sign, vessel type, tonnage,
// GRT, vessel flag, vessel owner, remarks. Alternate names: ent_num,
// alt_num, type, name, remarks. Addresses: ent_num, add_num, address,
// city, country, remarks. Rows of the alternate and address files must
// refer to an entity of the primary file.
func loadOFAC(listName string, files []ofacFile) (*Watchlist, error) {
	source := "US Treasury OFAC SDN list (CSV)"
	if listName == "ofac-cons" {
		source = "US Treasury OFAC consolidated non-SDN lists (CSV)"
	}
	wl := &Watchlist{List: List{Name: listName, Source: source}}
	byNum := map[string]int{}
	for _, f := range files {
		cr := newCSV(f.r)
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, csvError(f.name, err)
			}
			line, _ := cr.FieldPos(0)
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" || len(rec) == 1 && rec[0] == "\x1a" {
				continue // blank line or DOS end-of-file marker
			}
			num := strings.TrimSpace(rec[0])
			if !isDigits(num) {
				return nil, lineError(f.name, line, "column 1: entity number %q is not a number", trunc(num))
			}
			switch f.kind {
			case FormatOFAC:
				if len(rec) != 12 {
					return nil, lineError(f.name, line, "expected 12 columns of the OFAC primary file, found %d", len(rec))
				}
				name := ofacValue(rec[1])
				if err := checkField(f.name, line, "column 2 (name)", name); err != nil {
					return nil, err
				}
				if name == "" {
					return nil, lineError(f.name, line, "column 2: empty name")
				}
				if _, dup := byNum[num]; dup {
					return nil, lineError(f.name, line, "entity number %s appears twice", num)
				}
				e := Entity{ID: num, Name: name, ListName: listName}
				switch strings.ToLower(ofacValue(rec[2])) {
				case "individual":
					e.Kind = KindPerson
				case "vessel":
					e.Kind = KindVessel
				case "aircraft":
					e.Kind = KindAircraft
				default:
					e.Kind = KindOrganization
				}
				for _, p := range strings.Split(ofacValue(rec[3]), "] [") {
					p = strings.Trim(p, "[] ")
					e.Programs = appendUnique(e.Programs, p)
				}
				if cs := ofacValue(rec[5]); cs != "" {
					e.Identifiers = append(e.Identifiers, Identifier{Type: "call sign", Value: cs})
				}
				if flag := ofacValue(rec[9]); flag != "" {
					e.Countries = appendUnique(e.Countries, countryOrRaw(flag))
				}
				parseOFACRemarks(&e, ofacValue(rec[11]))
				byNum[num] = len(wl.Entities)
				wl.Entities = append(wl.Entities, e)
			case FormatOFACAlt:
				if len(rec) != 5 {
					return nil, lineError(f.name, line, "expected 5 columns of the OFAC alternate-names file, found %d", len(rec))
				}
				i, ok := byNum[num]
				if !ok {
					return nil, lineError(f.name, line, "entity number %s is not in the primary file", num)
				}
				alias := ofacValue(rec[3])
				if err := checkField(f.name, line, "column 4 (alternate name)", alias); err != nil {
					return nil, err
				}
				if alias == "" {
					continue
				}
				if strings.Contains(strings.ToLower(ofacValue(rec[4])), "weak") {
					wl.Entities[i].WeakAliases = appendUnique(wl.Entities[i].WeakAliases, alias)
				} else {
					wl.Entities[i].Aliases = appendUnique(wl.Entities[i].Aliases, alias)
				}
			case FormatOFACAdd:
				if len(rec) != 6 {
					return nil, lineError(f.name, line, "expected 6 columns of the OFAC address file, found %d", len(rec))
				}
				i, ok := byNum[num]
				if !ok {
					return nil, lineError(f.name, line, "entity number %s is not in the primary file", num)
				}
				if c := ofacValue(rec[4]); c != "" {
					wl.Entities[i].Countries = appendUnique(wl.Entities[i].Countries, countryOrRaw(c))
				}
			}
		}
	}
	return wl, nil
}

// ofacIDPrefixes are the identifier labels of OFAC remarks kept as
// identifiers.
var ofacIDPrefixes = []string{
	"Passport", "National ID No.", "Tax ID No.", "Registration Number", "Registration ID", "Vessel Registration Identification",
	"Legal Entity Number", "SWIFT/BIC", "Identification Number", "Cedula No.", "NIT #", "RFC", "D-U-N-S Number",
	"Company Number", "Business Registration Number", "Aircraft Manufacturer's Serial Number (MSN)",
}

// parseOFACRemarks takes weak aliases ("a.k.a. 'X'"), nationality and
// citizenship, and identifiers from the remarks column.
func parseOFACRemarks(e *Entity, remarks string) {
	if remarks == "" {
		return
	}
	for _, part := range strings.Split(strings.TrimSuffix(remarks, "."), ";") {
		part = strings.TrimSpace(part)
		lower := strings.ToLower(part)
		switch {
		case strings.HasPrefix(lower, "a.k.a.") || strings.HasPrefix(lower, "f.k.a.") || strings.HasPrefix(lower, "n.k.a."):
			v := strings.TrimSpace(part[6:])
			v = strings.Trim(strings.TrimSuffix(v, "."), "'\" ")
			if v != "" && len(v) <= MaxNameLength {
				e.WeakAliases = appendUnique(e.WeakAliases, v)
			}
		case strings.HasPrefix(lower, "nationality "), strings.HasPrefix(lower, "citizen "):
			v := part[strings.IndexByte(part, ' ')+1:]
			if c, ok := CountryCode(v); ok {
				e.Countries = appendUnique(e.Countries, c)
			}
		default:
			for _, p := range ofacIDPrefixes {
				if strings.HasPrefix(part, p+" ") {
					v := strings.TrimSpace(part[len(p):])
					if i := strings.Index(v, " ("); i > 0 {
						v = v[:i]
					}
					if v != "" {
						e.Identifiers = append(e.Identifiers, Identifier{Type: p, Value: v})
					}
					break
				}
			}
		}
	}
}

// trunc shortens a value quoted in an error message.
func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
