package eudr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
)

// fieldKey folds a property or column name so that "ProducerName",
// "producer_name" and "Producer name" are the same field.
func fieldKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// field names what a plot attribute is called in the files people send: the
// EU Information System's GeoJSON properties (ProducerName, ProducerCountry,
// ProductionPlace, Area) and the plain names of a spreadsheet.
type field int

const (
	fNone field = iota
	fRef
	fProducerRef
	fProducerName
	fSupplierRef
	fCountry
	fCommodity
	fPlace
	fArea
	fFrom
	fTo
	fDate
	fLat
	fLon
	fWKT
)

var fieldNames = map[string]field{
	"id": fRef, "plotid": fRef, "plot": fRef, "plotref": fRef, "ref": fRef, "reference": fRef,
	"producerref": fProducerRef, "producerid": fProducerRef, "farmerid": fProducerRef, "farmid": fProducerRef,
	"producername": fProducerName, "producer": fProducerName, "farmername": fProducerName, "farmer": fProducerName,
	"supplierref": fSupplierRef, "supplierid": fSupplierRef, "supplier": fSupplierRef,
	"producercountry": fCountry, "countrycode": fCountry, "country": fCountry, "countryofproduction": fCountry,
	"commodity": fCommodity, "crop": fCommodity,
	"productionplace": fPlace, "place": fPlace, "location": fPlace, "village": fPlace,
	"area": fArea, "areaha": fArea, "hectares": fArea, "areahectares": fArea,
	"productionstart": fFrom, "productionfrom": fFrom, "harveststart": fFrom,
	"productionend": fTo, "productionto": fTo, "harvestend": fTo,
	"productiondate": fDate, "harvestdate": fDate,
	"latitude": fLat, "lat": fLat, "y": fLat,
	"longitude": fLon, "lon": fLon, "lng": fLon, "long": fLon, "x": fLon,
	"wkt": fWKT, "geometry": fWKT, "geom": fWKT,
}

// setField stores one attribute on the plot, returning what is wrong with
// the value when it cannot be read.
func setField(p *Plot, f field, raw string) error {
	v := strings.TrimSpace(raw)
	if v == "" {
		return nil
	}
	switch f {
	case fRef:
		p.Ref = v
	case fProducerRef:
		p.ProducerRef = v
	case fProducerName:
		p.ProducerName = v
	case fSupplierRef:
		p.SupplierRef = v
	case fPlace:
		p.Place = v
	case fCountry:
		c, err := country.Lookup(v)
		if err != nil {
			return fmt.Errorf("country: %w", err)
		}
		p.Country = c.Alpha2
	case fCommodity:
		id, err := ParseCommodity(v)
		if err != nil {
			return err
		}
		p.Commodity = id
	case fArea:
		a, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		if err != nil || math.IsNaN(a) || math.IsInf(a, 0) || a < 0 {
			return fmt.Errorf("area %q is not a number of hectares", v)
		}
		p.DeclaredAreaHa = a
	case fFrom, fTo, fDate:
		d, err := parseDate(v)
		if err != nil {
			return err
		}
		if f != fTo {
			p.ProductionFrom = d
		}
		if f != fFrom {
			p.ProductionTo = d
		}
	}
	return nil
}

// ParseCommodity reads a commodity name ("cocoa beans", "palm oil", "soy")
// as the EUDR commodity it falls under.
func ParseCommodity(raw string) (string, error) {
	if id := fieldKey(raw); id == "oilpalm" || id == "palmoil" {
		return "oil_palm", nil
	}
	c, known := commodity.Normalise(raw)
	if !known || c.EUDR == "" {
		return "", fmt.Errorf("commodity %q is not one the Regulation covers; use cattle, cocoa, coffee, oil_palm, rubber, soya or wood", raw)
	}
	return c.EUDR, nil
}

// parseDate reads a production date: 2024-03-15, or a month (2024-03) or a
// year (2024) standing for its first day.
func parseDate(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q is not YYYY-MM-DD", v)
}
