package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// intakeForm is the intake form as sent, before checking.
type intakeForm struct {
	Lang         string
	Categories   []string
	Narrative    string
	SupplierID   string
	SupplierText string
	// Query is the supplier search whose matches the form offered, sent
	// back so the matches can be offered again with the worker's choice.
	Query    string
	Country  string
	Contact  string
	Identity string
	Consents []string
	Danger   bool
	Files    []grievance.Attachment
}

// Limits of the intake request. Files are read into memory, never to
// temporary files: an attachment must not touch the disk in clear.
const (
	maxFieldBytes  = grievance.MaxNarrativeBytes + 1024
	maxFormFields  = 64
	maxIntakeBody  = grievance.MaxAttachments*(grievance.MaxAttachmentBytes+4096) + 256<<10
	maxSimpleBody  = 128 << 10
	maxFileNameLen = 200
)

// allowedMedia are the attachment types accepted, decided from the content
// (never from the name or the browser's claim).
var allowedMedia = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "application/pdf": true}

var errBadForm = kernel.Errorf(kernel.Invalid, "the form could not be read; please try again")

// The form's problems a reporter can meet, each shown in the page's
// language (reporterError).
var (
	errBadCountry     = kernel.Errorf(kernel.Invalid, "write the country as two letters, for example BD, or leave it empty")
	errFileType       = kernel.Errorf(kernel.Invalid, "only photos (JPEG, PNG, WebP) and PDF documents can be attached")
	errTooManyFiles   = kernel.Errorf(kernel.Invalid, "at most %d files can be attached", grievance.MaxAttachments)
	errFileTooLarge   = kernel.Errorf(kernel.Invalid, "each file must be at most %d MB", grievance.MaxAttachmentBytes>>20)
	errReportTooLarge = kernel.Errorf(kernel.Invalid, "the report is too large: at most %d files of %d MB", grievance.MaxAttachments, grievance.MaxAttachmentBytes>>20)
)

// readIntakeForm reads the intake form, multipart (with files) or
// URL-encoded, within the size limits.
func readIntakeForm(w http.ResponseWriter, r *http.Request) (intakeForm, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return intakeForm{}, kernel.Errorf(kernel.Invalid, "the form must be sent as multipart/form-data or application/x-www-form-urlencoded")
	}
	switch mt {
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, maxIntakeBody)
		return decodeIntakeForm(r.Body, params["boundary"])
	case "application/x-www-form-urlencoded":
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSimpleBody))
		if err != nil {
			return intakeForm{}, kernel.Errorf(kernel.Invalid, "the form is too large")
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return intakeForm{}, errBadForm
		}
		var f intakeForm
		for k, vs := range vals {
			for _, v := range vs {
				if err := f.set(k, v); err != nil {
					return f, err
				}
			}
		}
		return f, nil
	default:
		return intakeForm{}, kernel.Errorf(kernel.Invalid, "the form must be sent as multipart/form-data or application/x-www-form-urlencoded")
	}
}

// decodeIntakeForm reads a multipart intake form from body. It is the
// parser of outside input that the fuzz target exercises.
func decodeIntakeForm(body io.Reader, boundary string) (intakeForm, error) {
	var f intakeForm
	if boundary == "" || len(boundary) > 70 {
		return f, errBadForm
	}
	mr := multipart.NewReader(body, boundary)
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return f, errReportTooLarge
			}
			return f, errBadForm
		}
		if n >= maxFormFields {
			return f, errBadForm
		}
		name := part.FormName()
		if name == "files" {
			if part.FileName() == "" {
				// An empty file input is sent as a part without a name.
				io.Copy(io.Discard, io.LimitReader(part, 1<<10))
				continue
			}
			if len(f.Files) >= grievance.MaxAttachments {
				return f, errTooManyFiles
			}
			content, err := io.ReadAll(io.LimitReader(part, grievance.MaxAttachmentBytes+1))
			if err != nil {
				return f, errBadForm
			}
			if len(content) > grievance.MaxAttachmentBytes {
				return f, errFileTooLarge
			}
			if len(content) == 0 {
				continue
			}
			mt := http.DetectContentType(content)
			if i := strings.IndexByte(mt, ';'); i >= 0 {
				mt = mt[:i]
			}
			if !allowedMedia[mt] {
				return f, errFileType
			}
			f.Files = append(f.Files, grievance.Attachment{Name: cleanFileName(part.FileName()), MediaType: mt, Content: content})
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return f, errBadForm
		}
		if len(v) > maxFieldBytes {
			return f, kernel.Errorf(kernel.Invalid, "a field is too long")
		}
		if err := f.set(name, string(v)); err != nil {
			return f, err
		}
	}
}

// cleanFileName keeps the last path element of a file name, valid UTF-8 and
// bounded, so the stored name is only a name.
func cleanFileName(s string) string {
	s = strings.ReplaceAll(s, "\\", "/")
	s = path.Base(s)
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > maxFileNameLen {
		s = string([]rune(s)[:maxFileNameLen])
	}
	if s == "" || s == "." || s == "/" {
		s = "file"
	}
	return s
}

func (f *intakeForm) set(name, v string) error {
	if !utf8.ValidString(v) {
		return kernel.Errorf(kernel.Invalid, "the form contains characters that could not be read")
	}
	switch name {
	case "lang":
		f.Lang = v
	case "category":
		if len(f.Categories) >= len(grievance.Categories()) {
			return kernel.Errorf(kernel.Invalid, "too many categories")
		}
		f.Categories = append(f.Categories, v)
	case "narrative":
		f.Narrative = v
	case "supplier_id":
		f.SupplierID = v
	case "supplier_text":
		f.SupplierText = v
	case "q":
		f.Query = v
	case "country":
		f.Country = v
	case "contact":
		f.Contact = v
	case "identity":
		f.Identity = v
	case "consent":
		if len(f.Consents) >= len(grievance.Purposes()) {
			return kernel.Errorf(kernel.Invalid, "too many answers")
		}
		f.Consents = append(f.Consents, v)
	case "danger":
		f.Danger = v != ""
	}
	return nil
}

// submission checks the form and turns it into a grievance submission. A
// supplier typed as free text is kept inside the sealed narrative: a name
// typed by the reporter is not a triage field.
func (f intakeForm) submission() (grievance.Submission, error) {
	cats, err := grievance.ParseCategories(f.Categories)
	if err != nil {
		return grievance.Submission{}, err
	}
	t := grievance.Triage{Categories: cats, Channel: grievance.ChannelWeb}
	if f.SupplierID != "" && f.SupplierID != "none" {
		if !kernel.ValidID(f.SupplierID) {
			return grievance.Submission{}, kernel.Errorf(kernel.Invalid, "the chosen company is not valid; search again")
		}
		t.SupplierID = f.SupplierID
	}
	if c := strings.ToUpper(strings.TrimSpace(f.Country)); c != "" {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return grievance.Submission{}, errBadCountry
		}
		t.Country = c
	}
	if f.Danger {
		t.Severity = grievance.SeverityCritical
	}
	narrative := strings.TrimSpace(f.Narrative)
	if st := strings.TrimSpace(f.SupplierText); st != "" {
		if len(st) > 500 {
			return grievance.Submission{}, kernel.Errorf(kernel.Invalid, "the company name is too long")
		}
		narrative = "[Company: " + st + "]\n\n" + narrative
	}
	sub := grievance.Submission{Triage: t, Narrative: narrative, Contact: strings.TrimSpace(f.Contact), Identity: strings.TrimSpace(f.Identity), Attachments: f.Files}
	given := map[string]bool{}
	for _, c := range f.Consents {
		given[c] = true
	}
	for _, p := range []grievance.Purpose{grievance.PurposeReferral, grievance.PurposeShareSupplier, grievance.PurposeShareAuthorities} {
		sub.Consents = append(sub.Consents, grievance.Consent{Purpose: p, Granted: given[string(p)]})
	}
	for c := range given {
		if c != string(grievance.PurposeReferral) && c != string(grievance.PurposeShareSupplier) && c != string(grievance.PurposeShareAuthorities) {
			return grievance.Submission{}, kernel.Errorf(kernel.Invalid, "unknown consent answer")
		}
	}
	return sub, nil
}
