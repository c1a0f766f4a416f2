package screening

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// The OFAC SDN files of July 2021, built in for the demonstration (`serve
// --demo`), so that screening there runs against a list of realistic size
// in the layout OFAC publishes. The copy is years old: a real deployment
// loads a current download (UPSTREAM_WATCHLISTS or `upstream screen
// --watchlist`), and the screening page says how old this one is.
var (
	//go:embed data/ofac_sdn_2021/sdn.csv.gz
	demoSDN []byte
	//go:embed data/ofac_sdn_2021/alt.csv.gz
	demoSDNAlt []byte
	//go:embed data/ofac_sdn_2021/add.csv.gz
	demoSDNAdd []byte
)

// DemoSDNPublished is when the built-in demonstration copy of the SDN list
// was published: July 2021 (the files do not carry the day; the 1st is
// used).
func DemoSDNPublished() time.Time { return time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC) }

// DemoOFACSDN returns the demonstration copy of the OFAC SDN list (see
// data/SOURCES.md). Each call parses the embedded files afresh.
func DemoOFACSDN() (*Watchlist, error) {
	var files [3]*bytes.Reader
	for i, gz := range [][]byte{demoSDN, demoSDNAlt, demoSDNAdd} {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "built-in OFAC SDN copy")
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(zr); err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "built-in OFAC SDN copy")
		}
		files[i] = bytes.NewReader(b.Bytes())
	}
	wl, err := LoadOFAC("ofac-sdn", files[0], files[1], files[2])
	if err != nil {
		return nil, err
	}
	wl.List.Published = DemoSDNPublished()
	wl.List.Source = "OFAC SDN list, July 2021 (demonstration copy built in; out of date)"
	return wl, nil
}
