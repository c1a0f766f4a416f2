package eudr_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/eudr"
)

// TestPlotFileFormat tells plot files from supplier files in a mixed
// upload: by name for .geojson, otherwise by content.
func TestPlotFileFormat(t *testing.T) {
	tests := []struct {
		name, file, head string
		want             eudr.Format
	}{
		{"geojson by name", "plots.geojson", "", eudr.FormatGeoJSON},
		{"geojson by content", "plots.json", `{"type": "FeatureCollection", "features": []}`, eudr.FormatGeoJSON},
		{"one feature", "plot.json", "\ufeff {\"properties\":{},\"type\":\"Feature\"}", eudr.FormatGeoJSON},
		{"epcis json", "events.json", `{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent"}]}}`, ""},
		{"json array", "x.json", `[{"type":"Feature"}]`, ""},
		{"xml", "events.xml", `<epcis:EPCISDocument/>`, ""},
		{"csv with wkt", "plots.csv", "plot_id,wkt\nP1,POINT (1 2)\n", eudr.FormatCSV},
		{"csv lat lon and producer", "plots.csv", "Farmer ID;Latitude;Longitude\nF1;5.790123;-6.601234\n", eudr.FormatCSV},
		{"csv lat lon and area", "farms.txt", "latitude,longitude,area_ha\r\n", eudr.FormatCSV},
		{"supplier csv with coordinates", "suppliers.csv", "id,name,country,lat,lng,producer_name\n", ""},
		{"facility list", "osh.csv", "name,country,address,lat,lng,area\n", ""},
		{"lat lon alone", "points.csv", "latitude,longitude\n", ""},
		{"supplier csv", "suppliers.csv", "id,name,country,buyer_id\n", ""},
		{"empty", "empty.csv", "", ""},
		{"bad csv", "x.csv", "\"unclosed,quote\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := eudr.PlotFileFormat(tt.file, []byte(tt.head))
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("PlotFileFormat(%q, %q) = %q, %v; want %q", tt.file, tt.head, got, ok, tt.want)
			}
		})
	}
}

// The sniffer reads the start of any uploaded file: it never panics, and
// a file it takes for plots is one the readers can be asked to read.
func FuzzPlotFileFormat(f *testing.F) {
	f.Add("plots.csv", "plot_id,latitude,longitude\n")
	f.Add("x.json", `{"type":"FeatureCollection"}`)
	f.Add("s.csv", "id,name,country\n")
	f.Fuzz(func(t *testing.T, name, head string) {
		got, ok := eudr.PlotFileFormat(name, []byte(head))
		if ok != (got != "") {
			t.Fatalf("PlotFileFormat(%q, %q) = %q, %v", name, head, got, ok)
		}
	})
}
