package eudr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// MaxFileBytes bounds a plot file. The EU Information System takes at most
// 25 MB of geolocation per statement; twice that leaves room for the
// attributes a source carries beside the geometry.
const MaxFileBytes = 50 << 20

// MaxVertices bounds one plot's positions: enough for any surveyed field
// boundary, small enough that one feature cannot stall the checks.
const MaxVertices = 100_000

type geoFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties json.RawMessage `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

type geoGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// ReadGeoJSON reads plots from a GeoJSON FeatureCollection (or a single
// Feature): one plot per feature, its geometry a Point, Polygon or
// MultiPolygon in WGS84 longitude/latitude order (RFC 7946), its properties
// those of the EU Information System's file description (ProducerName,
// ProducerCountry, ProductionPlace, Area) and Upstream's own (plot_id,
// producer_ref, supplier_ref, commodity, production_start, production_end).
//
// A feature that cannot be read is a Problem naming it ("features[3]") and
// the reading goes on; a file that is not GeoJSON at all is a
// kernel.Invalid error naming the file.
func ReadGeoJSON(name string, r io.Reader) ([]Plot, []Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, nil, kernel.Wrap(kernel.Invalid, err, "%s: reading", name)
	}
	if len(data) > MaxFileBytes {
		return nil, nil, kernel.Errorf(kernel.Invalid, "%s: larger than %d MB; split it into several files", name, MaxFileBytes>>20)
	}
	var top struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, nil, kernel.Errorf(kernel.Invalid, "%s: not GeoJSON: %s", name, jsonErr(data, err))
	}
	var raws []json.RawMessage
	var prefix string
	switch top.Type {
	case "FeatureCollection":
		raws, prefix = top.Features, "features"
	case "Feature":
		raws = []json.RawMessage{data}
	case "":
		return nil, nil, kernel.Errorf(kernel.Invalid, "%s: not GeoJSON: no \"type\" member at the top", name)
	default:
		return nil, nil, kernel.Errorf(kernel.Invalid, "%s: a GeoJSON %s holds no plot attributes; send a FeatureCollection with one Feature per plot", name, top.Type)
	}
	var plots []Plot
	var problems []Problem
	for i, raw := range raws {
		origin := "feature"
		if prefix != "" {
			origin = fmt.Sprintf("%s[%d]", prefix, i)
		}
		p, err := readFeature(raw)
		p.Origin, p.Seq = origin, i
		if err != nil {
			problems = append(problems, Problem{Seq: i, Origin: origin, Ref: p.Ref, Message: err.Error()})
			continue
		}
		plots = append(plots, p)
	}
	return plots, problems, nil
}

func jsonErr(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := kernel.Position(data, se.Offset)
		return fmt.Sprintf("line %d, column %d: %s", line, col, se.Error())
	}
	return err.Error()
}

func readFeature(raw json.RawMessage) (Plot, error) {
	var p Plot
	var f geoFeature
	if err := json.Unmarshal(raw, &f); err != nil {
		return p, fmt.Errorf("not a GeoJSON feature: %v", err)
	}
	if f.Type != "Feature" {
		return p, fmt.Errorf("type is %q, want \"Feature\"", f.Type)
	}
	if len(f.ID) > 0 && string(f.ID) != "null" {
		var s string
		if json.Unmarshal(f.ID, &s) == nil {
			p.Ref = s
		} else {
			p.Ref = string(f.ID)
		}
	}
	if err := readProperties(&p, f.Properties); err != nil {
		return p, err
	}
	if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
		return p, fmt.Errorf("no geometry: every plot needs a point or a polygon")
	}
	g, err := readGeometry(f.Geometry)
	if err != nil {
		return p, err
	}
	p.Geometry = g
	return p, nil
}

func readProperties(p *Plot, raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var props map[string]any
	if err := dec.Decode(&props); err != nil {
		return fmt.Errorf("properties are not a JSON object")
	}
	var errs []string
	for k, v := range props {
		f := fieldNames[fieldKey(k)]
		if f == fNone || f == fLat || f == fLon || f == fWKT {
			continue
		}
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case json.Number:
			s = x.String()
		case nil:
			continue
		default:
			errs = append(errs, fmt.Sprintf("property %q is not a text or a number", k))
			continue
		}
		if err := setField(p, f, s); err != nil {
			errs = append(errs, fmt.Sprintf("property %q: %v", k, err))
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

func readGeometry(raw json.RawMessage) (Geometry, error) {
	var g geoGeometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return Geometry{}, fmt.Errorf("geometry is not a GeoJSON geometry")
	}
	dec := json.NewDecoder(bytes.NewReader(g.Coordinates))
	dec.UseNumber()
	var coords any
	if len(g.Coordinates) == 0 || dec.Decode(&coords) != nil {
		if g.Type == "GeometryCollection" || g.Type == "MultiPoint" || g.Type == "LineString" || g.Type == "MultiLineString" {
			return Geometry{}, unsupported(g.Type)
		}
		return Geometry{}, fmt.Errorf("%s geometry has no coordinates", g.Type)
	}
	count := 0
	switch g.Type {
	case "Point":
		c, err := position(coords, &count)
		if err != nil {
			return Geometry{}, fmt.Errorf("point: %v", err)
		}
		return Geometry{Kind: KindPoint, Point: c}, nil
	case "Polygon":
		rings, err := polygon(coords, &count)
		if err != nil {
			return Geometry{}, fmt.Errorf("polygon: %v", err)
		}
		return Geometry{Kind: KindPolygon, Polygons: [][][]Coord{rings}}, nil
	case "MultiPolygon":
		arr, ok := coords.([]any)
		if !ok || len(arr) == 0 {
			return Geometry{}, fmt.Errorf("multipolygon: coordinates are not a list of polygons")
		}
		g := Geometry{Kind: KindMultiPolygon}
		for i, pc := range arr {
			rings, err := polygon(pc, &count)
			if err != nil {
				return Geometry{}, fmt.Errorf("multipolygon part %d: %v", i+1, err)
			}
			g.Polygons = append(g.Polygons, rings)
		}
		return g, nil
	}
	return Geometry{}, unsupported(g.Type)
}

func unsupported(t string) error {
	switch t {
	case "MultiPoint", "GeometryCollection":
		return fmt.Errorf("%s: one plot per feature, please: split it into one Point or Polygon feature per plot", t)
	case "LineString", "MultiLineString":
		return fmt.Errorf("%s is a line, not a plot: close it into a Polygon (last position equal to the first)", t)
	}
	return fmt.Errorf("geometry type %q is not a GeoJSON Point, Polygon or MultiPolygon", t)
}

func polygon(v any, count *int) ([][]Coord, error) {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		return nil, fmt.Errorf("coordinates are not a list of rings")
	}
	rings := make([][]Coord, 0, len(arr))
	for i, rv := range arr {
		ra, ok := rv.([]any)
		if !ok {
			return nil, fmt.Errorf("ring %d is not a list of positions", i+1)
		}
		ring := make([]Coord, 0, len(ra))
		for j, pv := range ra {
			c, err := position(pv, count)
			if err != nil {
				return nil, fmt.Errorf("ring %d, position %d: %v", i+1, j+1, err)
			}
			ring = append(ring, c)
		}
		rings = append(rings, ring)
	}
	return rings, nil
}

func position(v any, count *int) (Coord, error) {
	*count++
	if *count > MaxVertices {
		return Coord{}, fmt.Errorf("more than %d positions in one plot", MaxVertices)
	}
	arr, ok := v.([]any)
	if !ok || len(arr) < 2 {
		return Coord{}, fmt.Errorf("a position is [longitude, latitude]")
	}
	if len(arr) > 3 {
		return Coord{}, fmt.Errorf("a position has at most 3 numbers (longitude, latitude, elevation), not %d", len(arr))
	}
	var nums [2]float64
	var decs [2]int
	for i := 0; i < 2; i++ {
		n, ok := arr[i].(json.Number)
		if !ok {
			return Coord{}, fmt.Errorf("%s is not a number", [2]string{"longitude", "latitude"}[i])
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil {
			return Coord{}, fmt.Errorf("%s %s is not a number", [2]string{"longitude", "latitude"}[i], n)
		}
		nums[i], decs[i] = f, decimalsOf(n.String())
	}
	return Coord{Lon: nums[0], Lat: nums[1], LonDecimals: decs[0], LatDecimals: decs[1]}, nil
}
