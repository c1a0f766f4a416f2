package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
)

// Upload limits: the whole request, and how many files it may carry.
// Larger supplier lists load through the import command.
const (
	maxImportBytes = 64 << 20
	maxImportFiles = 10
	// importMemory is how much of the upload is held in memory; the rest
	// spills to temporary files that are removed after the request.
	importMemory = 8 << 20
)

// importSummary is what the page shows after an import.
type importSummary struct {
	Files   []assessment.FileResult
	Total   ingest.Result
	ErrorsN int
	Errors  []ingest.RowError
	Levels  []levelCount
	Failed  bool
	Message string
	Plots   *plotSummary // nil when the upload held no plot file
}

func (s *supplyHandlers) supplierImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "supply_import.html", map[string]any{"Available": true, "PlotsOn": s.plots != nil})
}

func (s *supplyHandlers) supplierImport(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, msg string) {
		s.render(w, r, status, "supply_import.html", map[string]any{"Available": true, "Error": msg, "PlotsOn": s.plots != nil})
	}
	form, files, status, err := readUpload(w, r)
	if err != nil {
		fail(status, kernel.ErrorMessage(err))
		return
	}
	defer form.RemoveAll()
	skip := r.PostForm.Get("skip_bad_rows") == "on"
	org := principalOf(r).User.OrgID
	// Plot files are checked before anything is stored, so a bad plot
	// stores no supplier either.
	files, plots, err := s.checkPlotFiles(r, org, files, skip)
	if err != nil {
		s.renderPlotFailure(w, r, plots, err, skip)
		return
	}
	var res assessment.Summary
	if len(files) > 0 || plots == nil {
		res, err = s.imports.ImportAndRecompute(r.Context(), org, files, skip)
		s.aggregates.forget(org)
		err = ingest.SkipHint(err, "tick “Skip bad rows” to import the good rows")
	}
	if err == nil && plots != nil {
		err = s.plots.SaveBatch(r.Context(), org, plots.batch)
	}
	sum := summarise(res)
	sum.Plots = plots
	status = http.StatusOK
	if err != nil {
		code := kernel.ErrorCode(err)
		if code == kernel.Internal || code == kernel.Unavailable {
			s.fail(w, r, err)
			return
		}
		sum.Failed, sum.Message, status = true, kernel.ErrorMessage(err), statusOf(code)
	}
	s.render(w, r, status, "supply_import.html", map[string]any{"Available": true, "Summary": sum, "Skip": skip, "PlotsOn": s.plots != nil})
}

// importTemplates are the CSV templates the import page offers, by the
// name in their address: a header row of every column the reader knows.
var importTemplates = map[string]ingest.Format{"suppliers": ingest.FormatUpstreamCSV, "audits": ingest.FormatAudits}

// supplierImportTemplate sends the CSV template of one kind of import
// file, written from the columns the reader takes.
func (s *supplyHandlers) supplierImportTemplate(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	f, ok := importTemplates[kind]
	if !ok {
		s.fail(w, r, kernel.Errorf(kernel.NotFound, "there is no template of that name"))
		return
	}
	b, err := ingest.Template(f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="upstream-`+kind+`-template.csv"`)
	w.Write(b)
}

// readUpload reads a supplier upload: the multipart form with one or
// more files in the field "files", at most maxImportFiles of them and
// maxImportBytes together. The import page and the API share it, so both
// take the same uploads. The caller removes the form's temporary files.
// A refused upload comes back as a kernel.Invalid error with the status
// to answer: 413 when too large, 400 otherwise.
func readUpload(w http.ResponseWriter, r *http.Request) (*multipart.Form, []assessment.NamedFile, int, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
	if err := r.ParseMultipartForm(importMemory); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, http.StatusRequestEntityTooLarge, kernel.Wrap(kernel.Invalid, err,
				"the files are larger than 64 MB together; import large lists with the 'upstream import' command")
		}
		return nil, nil, http.StatusBadRequest, kernel.Wrap(kernel.Invalid, err,
			"the upload could not be read; choose one or more files and send the form again")
	}
	form := r.MultipartForm
	headers := form.File["files"]
	switch {
	case len(headers) == 0:
		form.RemoveAll()
		return nil, nil, http.StatusBadRequest, kernel.Errorf(kernel.Invalid, "choose at least one file to import")
	case len(headers) > maxImportFiles:
		form.RemoveAll()
		return nil, nil, http.StatusBadRequest, kernel.Errorf(kernel.Invalid, "choose at most %d files at a time", maxImportFiles)
	}
	files := make([]assessment.NamedFile, len(headers))
	for i, h := range headers {
		name := uploadName(h)
		// The importer opens each file when it reads it and closes it
		// after, so no file stays open across the whole import.
		files[i] = assessment.NamedFile{Name: name, Open: func() (io.ReadCloser, error) {
			f, err := h.Open()
			if err != nil {
				return nil, fmt.Errorf("open uploaded file %s: %w", name, err)
			}
			return f, nil
		}}
	}
	return form, files, http.StatusOK, nil
}

// uploadName keeps only the base name of an uploaded file, as browsers may
// send a path.
func uploadName(h *multipart.FileHeader) string {
	n := h.Filename
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	if n == "" {
		n = "upload"
	}
	return n
}

// maxShownErrors bounds the row errors listed on the page.
const maxShownErrors = 200

func summarise(res assessment.Summary) importSummary {
	sum := importSummary{Files: res.Files, Total: res.Total}
	for _, f := range res.Files {
		sum.ErrorsN += max(f.ErrorCount, len(f.Errors))
		for _, e := range f.Errors {
			if len(sum.Errors) < maxShownErrors {
				sum.Errors = append(sum.Errors, e)
			}
		}
	}
	for i := len(levels) - 1; i >= 0 && res.Levels != nil; i-- {
		sum.Levels = append(sum.Levels, levelCount{Level: levels[i], N: res.Levels[risk.Level(levels[i])]})
	}
	return sum
}
