package eudr

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// ReadCSV reads plots from a CSV file with a header row: one plot per row,
// located either by latitude and longitude columns (a point) or by a WKT
// column (POINT, POLYGON or MULTIPOLYGON, longitude before latitude as WKT
// has it). The other columns are those ReadGeoJSON takes as properties
// (plot_id, producer_ref, producer_name, supplier_ref, country, commodity,
// production_place, area_ha, production_start, production_end); unknown
// columns are ignored. Commas and semicolons both separate columns.
//
// A row that cannot be read is a Problem naming it ("row 7", counting the
// header as row 1) and the reading goes on; a file without the columns a
// plot needs is a kernel.Invalid error.
func ReadCSV(name string, r io.Reader) ([]Plot, []Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, nil, kernel.Wrap(kernel.Invalid, err, "%s: reading", name)
	}
	if len(data) > MaxFileBytes {
		return nil, nil, kernel.Errorf(kernel.Invalid, "%s: larger than %d MB; split it into several files", name, MaxFileBytes>>20)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sniffComma(text)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, kernel.Errorf(kernel.Invalid, "%s: empty file; want a header row and one row per plot", name)
		}
		return nil, nil, kernel.Errorf(kernel.Invalid, "%s: header: %v", name, err)
	}
	cols := make([]field, len(header))
	has := map[field]bool{}
	for i, h := range header {
		f := fieldNames[fieldKey(h)]
		if f != fNone && has[f] {
			return nil, nil, kernel.Errorf(kernel.Invalid, "%s: header: column %d %q repeats another column's meaning", name, i+1, h)
		}
		cols[i], has[f] = f, true
	}
	if !has[fWKT] && !(has[fLat] && has[fLon]) {
		return nil, nil, kernel.Errorf(kernel.Invalid, "%s: header: no latitude and longitude columns and no wkt column; a plot needs one or the other", name)
	}
	var plots []Plot
	var problems []Problem
	seq := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				origin := "row " + strconv.Itoa(pe.StartLine)
				problems = append(problems, Problem{Seq: seq, Origin: origin, Message: pe.Err.Error()})
				seq++
				continue
			}
			return plots, problems, kernel.Wrap(kernel.Invalid, err, "%s", name)
		}
		line, _ := cr.FieldPos(0)
		origin := "row " + strconv.Itoa(line)
		if blank(rec) {
			continue
		}
		p, err := readRow(cols, header, rec)
		p.Origin, p.Seq = origin, seq
		seq++
		if err != nil {
			problems = append(problems, Problem{Seq: p.Seq, Origin: origin, Ref: p.Ref, Message: err.Error()})
			continue
		}
		plots = append(plots, p)
	}
	return plots, problems, nil
}

func sniffComma(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	if strings.Count(first, ";") > strings.Count(first, ",") {
		return ';'
	}
	return ','
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func readRow(cols []field, header, rec []string) (Plot, error) {
	var p Plot
	var errs []string
	var lat, lon, wkt string
	for i, v := range rec {
		if i >= len(cols) {
			if strings.TrimSpace(v) != "" {
				errs = append(errs, fmt.Sprintf("column %d has a value but no header", i+1))
			}
			continue
		}
		switch cols[i] {
		case fLat:
			lat = strings.TrimSpace(v)
		case fLon:
			lon = strings.TrimSpace(v)
		case fWKT:
			wkt = strings.TrimSpace(v)
		default:
			if err := setField(&p, cols[i], v); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", header[i], err))
			}
		}
	}
	switch {
	case wkt != "":
		g, err := ParseWKT(wkt)
		if err != nil {
			errs = append(errs, "wkt: "+err.Error())
		} else {
			p.Geometry = g
		}
	case lat != "" || lon != "":
		c, err := latLon(lat, lon)
		if err != nil {
			errs = append(errs, err.Error())
		} else {
			p.Geometry = Geometry{Kind: KindPoint, Point: c}
		}
	default:
		errs = append(errs, "no location: give latitude and longitude, or wkt")
	}
	if len(errs) > 0 {
		return p, errors.New(strings.Join(errs, "; "))
	}
	return p, nil
}

func latLon(lat, lon string) (Coord, error) {
	if lat == "" || lon == "" {
		return Coord{}, fmt.Errorf("latitude and longitude are both needed")
	}
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lon, 64)
	if err1 != nil {
		return Coord{}, fmt.Errorf("latitude %q is not a number in decimal degrees", lat)
	}
	if err2 != nil {
		return Coord{}, fmt.Errorf("longitude %q is not a number in decimal degrees", lon)
	}
	return Coord{Lon: lo, Lat: la, LonDecimals: decimalsOf(lon), LatDecimals: decimalsOf(lat)}, nil
}
