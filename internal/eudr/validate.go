package eudr

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Format is a plot file's format.
type Format string

const (
	FormatGeoJSON Format = "geojson"
	FormatCSV     Format = "csv"
)

// FormatOf picks the format from a file name: .geojson and .json are
// GeoJSON, .csv and .txt are CSV.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".geojson", ".json":
		return FormatGeoJSON, nil
	case ".csv", ".txt", ".tsv":
		return FormatCSV, nil
	}
	return "", kernel.Errorf(kernel.Invalid, "%s: cannot tell the format from the name; use .geojson for GeoJSON or .csv for CSV (latitude/longitude or wkt columns)", name)
}

// ReadPlots reads a plot file in the given format.
func ReadPlots(name string, f Format, r io.Reader) ([]Plot, []Problem, error) {
	switch f {
	case FormatGeoJSON:
		return ReadGeoJSON(name, r)
	case FormatCSV:
		return ReadCSV(name, r)
	}
	return nil, nil, kernel.Errorf(kernel.Invalid, "%s: unknown format %q", name, f)
}

// Report is the outcome of validating one plot file: the plots read, those
// that could not be, and every finding of the checks, in file order.
type Report struct {
	File     string    `json:"file"`
	Plots    int       `json:"plots"`
	Findings []Finding `json:"findings"`
}

// Validate reads a plot file and runs every check on it. Unreadable plots
// become findings of CheckRead, so the report names every bad plot at once.
func (c Checker) Validate(name string, f Format, r io.Reader) (Report, []Plot, error) {
	plots, problems, err := ReadPlots(name, f, r)
	if err != nil {
		return Report{}, nil, err
	}
	rep := Report{File: name, Plots: len(plots) + len(problems)}
	// Findings follow the file: the checks' findings come grouped by plot
	// in file order, and an unreadable plot's finding goes where it stood.
	checked := c.Check(plots)
	pi := 0
	seqOf := map[string]int{}
	for _, p := range plots {
		seqOf[p.Label()] = p.Seq
	}
	for _, p := range problems {
		for pi < len(checked) && seqOf[checked[pi].Plot] < p.Seq {
			rep.Findings = append(rep.Findings, checked[pi])
			pi++
		}
		rep.Findings = append(rep.Findings, Finding{Plot: Plot{Origin: p.Origin, Ref: p.Ref}.Label(), Check: CheckRead, Severity: Error, Message: p.Message})
	}
	rep.Findings = append(rep.Findings, checked[pi:]...)
	return rep, plots, nil
}

// Count returns the number of findings of a severity.
func (r Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Failed reports whether any check failed with an error.
func (r Report) Failed() bool { return r.Count(Error) > 0 }

// WriteText writes the report for a person: a summary line, then each
// plot with findings and what is wrong with it.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	bad := map[string]bool{}
	for _, f := range r.Findings {
		if f.Severity == Error {
			bad[f.Plot] = true
		}
	}
	fmt.Fprintf(&b, "%s: %d plot(s), %d with errors; %d error(s), %d warning(s)\n", r.File, r.Plots, len(bad), r.Count(Error), r.Count(Warning))
	last := ""
	for _, f := range r.Findings {
		if f.Plot != last {
			fmt.Fprintf(&b, "\n%s\n", f.Plot)
			last = f.Plot
		}
		fmt.Fprintf(&b, "  %-7s %s: %s\n", f.Severity, f.Check, f.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as one JSON document.
func (r Report) WriteJSON(w io.Writer) error {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
