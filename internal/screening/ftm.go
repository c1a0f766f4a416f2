package screening

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
)

// maxFTMLine bounds one JSON line of a FollowTheMoney file.
const maxFTMLine = 16 << 20

type ftmEntity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
}

// ftmKinds maps FollowTheMoney schemata that can be screened to a kind;
// other schemata (addresses, sanctions, ownership links) are skipped.
var ftmKinds = map[string]Kind{
	"Person": KindPerson, "Organization": KindOrganization, "Company": KindOrganization,
	"LegalEntity": KindOrganization, "PublicBody": KindOrganization, "Vessel": KindVessel, "Airplane": KindAircraft,
}

var ftmIDProps = []string{"registrationNumber", "taxNumber", "innCode", "ogrnCode", "leiCode", "imoNumber",
	"idNumber", "passportNumber", "swiftBic", "dunsCode", "vatCode", "mmsi", "callSign"}

// loadFTM reads FollowTheMoney entities, one JSON object per line, as
// OpenSanctions publishes them.
func loadFTM(name string, r io.Reader) (*Watchlist, error) {
	wl := &Watchlist{List: List{Name: listNameFor(name, "ftm"), Source: "FollowTheMoney entities (JSON lines)"}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxFTMLine)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var fe ftmEntity
		if err := json.Unmarshal(b, &fe); err != nil {
			return nil, lineError(name, line, "not a JSON object: %v", err)
		}
		kind, ok := ftmKinds[fe.Schema]
		if !ok {
			if fe.Schema == "" {
				return nil, lineError(name, line, "entity without a schema")
			}
			continue
		}
		if fe.ID == "" {
			return nil, lineError(name, line, "entity without an id")
		}
		names := fe.Properties["name"]
		if len(names) == 0 {
			return nil, lineError(name, line, "entity %s has no name", trunc(fe.ID))
		}
		e := Entity{ID: fe.ID, Name: strings.TrimSpace(names[0]), Kind: kind, ListName: wl.List.Name}
		for _, f := range [][]string{names, fe.Properties["alias"], fe.Properties["weakAlias"], fe.Properties["previousName"]} {
			for _, v := range f {
				if err := checkField(name, line, "name", v); err != nil {
					return nil, err
				}
			}
		}
		if e.Name == "" {
			return nil, lineError(name, line, "entity %s has an empty name", trunc(fe.ID))
		}
		e.Aliases = appendUnique(nil, names[1:]...)
		e.Aliases = appendUnique(e.Aliases, fe.Properties["alias"]...)
		e.Aliases = appendUnique(e.Aliases, fe.Properties["previousName"]...)
		e.WeakAliases = appendUnique(nil, fe.Properties["weakAlias"]...)
		for _, p := range []string{"country", "nationality", "jurisdiction", "citizenship", "mainCountry", "flag"} {
			for _, c := range fe.Properties[p] {
				e.Countries = appendUnique(e.Countries, countryOrRaw(c))
			}
		}
		for _, p := range ftmIDProps {
			for _, v := range fe.Properties[p] {
				e.Identifiers = append(e.Identifiers, Identifier{Type: p, Value: v})
			}
		}
		e.Programs = appendUnique(e.Programs, fe.Properties["program"]...)
		e.Programs = appendUnique(e.Programs, fe.Properties["topics"]...)
		wl.Entities = append(wl.Entities, e)
	}
	if err := sc.Err(); err != nil {
		return nil, lineError(name, line+1, "%v", err)
	}
	return wl, nil
}
