package eudr

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Upload is one file of a mixed upload (the supplier import page,
// `upstream import`): its name and how to open it. Open may be called
// more than once, and what it returns is closed after reading.
type Upload struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// sniffBytes is how much of a file PlotFileFormat looks at.
const sniffBytes = 64 << 10

var geoJSONType = regexp.MustCompile(`"type"\s*:\s*"(FeatureCollection|Feature)"`)

// PlotFileFormat says whether a file of a mixed upload holds plots, and in
// which format, from its name and the start of its content:
//
//   - a .geojson file, or JSON whose type is FeatureCollection or Feature
//     and that is not a GS1 EPCIS document;
//   - a CSV whose header has a wkt column, or latitude and longitude
//     columns and a column only plot files have (plot reference, producer,
//     area, production or harvest dates), and is not a supplier list (id,
//     name and country) or a facility list (name, country and address).
//
// Anything else is left to the other importers.
func PlotFileFormat(name string, head []byte) (Format, bool) {
	if strings.EqualFold(filepath.Ext(name), ".geojson") {
		return FormatGeoJSON, true
	}
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return "", false
	}
	switch trimmed[0] {
	case '{':
		epcis := bytes.Contains(head, []byte(`"epcisBody"`)) || bytes.Contains(head, []byte(`"eventList"`)) || bytes.Contains(head, []byte("EPCIS"))
		if !epcis && geoJSONType.Match(head) {
			return FormatGeoJSON, true
		}
		return "", false
	case '[', '<':
		return "", false
	}
	line := trimmed
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	cr := csv.NewReader(bytes.NewReader(line))
	cr.Comma = sniffComma(string(line))
	header, err := cr.Read()
	if err != nil {
		return "", false
	}
	raw := map[string]bool{}
	has := map[field]bool{}
	for _, h := range header {
		k := fieldKey(h)
		raw[k] = true
		has[fieldNames[k]] = true
	}
	if (raw["id"] && raw["name"] && raw["country"]) || (raw["name"] && raw["country"] && raw["address"]) {
		return "", false
	}
	plotOnly := raw["plotid"] || raw["plot"] || raw["plotref"] || has[fProducerRef] || has[fProducerName] ||
		has[fArea] || has[fFrom] || has[fTo] || has[fDate]
	if has[fWKT] || (has[fLat] && has[fLon] && plotOnly) {
		return FormatCSV, true
	}
	return "", false
}

// IsPlotFile opens the upload and tells whether it is a plot file (see
// PlotFileFormat).
func IsPlotFile(u Upload) (Format, bool, error) {
	if strings.EqualFold(filepath.Ext(u.Name), ".geojson") {
		return FormatGeoJSON, true, nil
	}
	rc, err := u.Open()
	if err != nil {
		return "", false, kernel.Wrap(kernel.Invalid, err, "cannot open %s", u.Name)
	}
	defer rc.Close()
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(rc, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", false, kernel.Wrap(kernel.Invalid, err, "cannot read %s", u.Name)
	}
	f, ok := PlotFileFormat(u.Name, head[:n])
	return f, ok, nil
}

// Batch is plot files read and checked together, ready to store: every
// file's report, and the plots that go into the store.
type Batch struct {
	Reports []Report
	// Skipped counts the plots left out because they could not be read or
	// failed a check with an error (when bad plots are skipped).
	Skipped int
	plots   []Plot
}

// Plots is the number of plots the batch stores.
func (b Batch) Plots() int { return len(b.plots) }

// Errors is the number of error findings over every file.
func (b Batch) Errors() int {
	n := 0
	for _, r := range b.Reports {
		n += r.Count(Error)
	}
	return n
}

// Warnings is the number of warnings over every file.
func (b Batch) Warnings() int {
	n := 0
	for _, r := range b.Reports {
		n += r.Count(Warning)
	}
	return n
}

// CheckFiles reads plot files and runs every check of `upstream eudr
// validate` on them, and the overlap check across the files and against
// the organisation's stored plots. It stores nothing (see SaveBatch).
//
// Without skipBad, any error finding refuses the whole batch: the error is
// kernel.Invalid naming the first (file, plot, what is wrong) and the
// Batch still holds every file's report. With skipBad, a plot with an
// error finding is left out and counted, and the rest are kept.
//
// A file that is not a plot file at all (no geometry columns, not
// GeoJSON) is kernel.Invalid naming the file.
func (s *Service) CheckFiles(ctx context.Context, orgID string, files []Upload, skipBad bool) (Batch, error) {
	var b Batch
	perFile := make([][]Plot, len(files))
	for i, f := range files {
		format, err := FormatOf(f.Name)
		if err != nil {
			// A plot file recognised by its content keeps its name.
			var ok bool
			if format, ok, err = IsPlotFile(f); err != nil {
				return b, err
			} else if !ok {
				return b, kernel.Errorf(kernel.Invalid, "%s: not a plot file; want GeoJSON, or CSV with latitude and longitude or wkt columns", f.Name)
			}
		}
		rc, err := f.Open()
		if err != nil {
			return b, kernel.Wrap(kernel.Invalid, err, "cannot open %s", f.Name)
		}
		rep, plots, err := s.Checker().Validate(f.Name, format, rc)
		rc.Close()
		if err != nil {
			return b, err
		}
		b.Reports = append(b.Reports, rep)
		perFile[i] = plots
	}
	stored, err := s.store.ListPlots(ctx, orgID)
	if err != nil {
		return b, err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	for fi, extra := range crossFileOverlaps(names, perFile, stored) {
		b.Reports[fi].Findings = insertAfterPlot(b.Reports[fi].Findings, extra)
	}
	first := ""
	for fi, rep := range b.Reports {
		bad := map[string]bool{}
		for _, f := range rep.Findings {
			if f.Severity != Error {
				continue
			}
			bad[f.Plot] = true
			if first == "" {
				first = rep.File + ": " + f.Plot + ": " + f.Message
			}
		}
		unread := rep.Plots - len(perFile[fi])
		b.Skipped += unread
		for _, p := range perFile[fi] {
			if bad[p.Label()] {
				b.Skipped++
				continue
			}
			b.plots = append(b.plots, p)
		}
	}
	if first != "" && !skipBad {
		return b, kernel.Errorf(kernel.Invalid, "%d error(s) in the plot files, so nothing was imported; the first: %s", b.Errors(), first)
	}
	return b, nil
}

// SaveBatch stores the batch's plots in one transaction, each replacing
// the stored plot with the same id.
func (s *Service) SaveBatch(ctx context.Context, orgID string, b Batch) error {
	if len(b.plots) == 0 {
		return nil
	}
	plots := make([]Plot, len(b.plots))
	copy(plots, b.plots)
	for i := range plots {
		plots[i].ID = PlotID(plots[i])
		if plots[i].Ref != "" {
			plots[i].Origin = ""
		}
	}
	return s.store.SavePlots(ctx, orgID, plots)
}

// crossFileOverlaps finds overlaps between plots of different files of one
// upload and between an uploaded plot and a stored one (overlaps within one
// file are in that file's report already). Findings come back by file
// index, each on the uploaded plot, naming the other plot with its file.
func crossFileOverlaps(names []string, perFile [][]Plot, stored []Plot) map[int][]Finding {
	type at struct{ file, plot int }
	var all []Plot
	var where []at
	incoming := map[string]bool{}
	for fi, plots := range perFile {
		for pi, p := range plots {
			incoming[PlotID(p)] = true
			q := p
			if len(perFile) > 1 {
				q.Origin = names[fi] + " " + p.Origin
			}
			all = append(all, q)
			where = append(where, at{fi, pi})
		}
	}
	if len(all) == 0 {
		return nil
	}
	n := len(all)
	for _, p := range stored {
		if !incoming[p.ID] { // a stored plot this upload replaces is not compared
			q := p
			q.Origin = "" // stored plots are named by their reference
			if q.Ref == "" {
				q.Ref = "a stored plot"
			}
			all = append(all, q)
		}
	}
	out := map[int][]Finding{}
	// Uploaded plots come first, so the first plot of a pair (the one the
	// finding is on) is always an uploaded one.
	for _, o := range overlaps(all) {
		if o.plot >= n {
			continue
		}
		w := where[o.plot]
		if o.other < n && where[o.other].file == w.file {
			continue
		}
		f := o.Finding
		f.Plot = perFile[w.file][w.plot].Label()
		out[w.file] = append(out[w.file], f)
	}
	return out
}

// insertAfterPlot puts each extra finding after the last finding on the
// same plot, or at the end when the plot has none.
func insertAfterPlot(fs []Finding, extra []Finding) []Finding {
	for _, e := range extra {
		at := len(fs)
		for i := len(fs) - 1; i >= 0; i-- {
			if fs[i].Plot == e.Plot {
				at = i + 1
				break
			}
		}
		fs = append(fs[:at], append([]Finding{e}, fs[at:]...)...)
	}
	return fs
}
