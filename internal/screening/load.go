package screening

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Format is a watchlist file layout.
type Format string

const (
	FormatOFAC      Format = "ofac"       // OFAC sdn.csv or cons_prim.csv (headerless), with alt and add files
	FormatOFACAlt   Format = "ofac-alt"   // OFAC alt.csv / cons_alt.csv: only read with its primary file
	FormatOFACAdd   Format = "ofac-add"   // OFAC add.csv / cons_add.csv: only read with its primary file
	FormatFTM       Format = "ftm"        // FollowTheMoney entity JSON lines (OpenSanctions)
	FormatUFLPAHTML Format = "uflpa-html" // the DHS UFLPA Entity List web page as saved
	FormatUFLPACSV  Format = "uflpa-csv"  // the UFLPA Entity List as CSV (name, aliases, uflpa_section, date_added)
	FormatCBP       Format = "cbp-wro"    // CBP Withhold Release Orders and Findings CSV
	FormatSimple    Format = "simple"     // id, name, aliases, country, list
)

// sniffSize is how much of a file format detection looks at.
const sniffSize = 8192

// DetectFormat tells the layout of a list file from its first bytes.
func DetectFormat(head []byte) (Format, error) {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	h = bytes.TrimLeft(h, " \t\r\n")
	if len(h) == 0 {
		return "", kernel.Errorf(kernel.Invalid, "the file is empty")
	}
	lower := bytes.ToLower(h)
	if h[0] == '{' {
		return FormatFTM, nil
	}
	if h[0] == '<' || bytes.Contains(lower, []byte("<html")) {
		if bytes.Contains(lower, []byte("uflpa")) || bytes.Contains(lower, []byte("name of entity")) {
			return FormatUFLPAHTML, nil
		}
		return "", kernel.Errorf(kernel.Invalid, "an HTML file that is not the DHS UFLPA Entity List page")
	}
	// The first CSV record decides the rest.
	line := h
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	cr := csv.NewReader(bytes.NewReader(append(bytes.TrimRight(line, "\r"), '\n')))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rec, err := cr.Read()
	if err != nil || len(rec) == 0 {
		return "", kernel.Errorf(kernel.Invalid, "not a recognised watchlist format (first line is not CSV, JSON or HTML)")
	}
	hdr := map[string]bool{}
	for _, f := range rec {
		hdr[strings.ToLower(strings.TrimSpace(f))] = true
	}
	switch {
	case hdr["uflpa_section"] && hdr["name"]:
		return FormatUFLPACSV, nil
	case hdr["entity"] && (hdr["wro/finding"] || hdr["merchandise"]):
		return FormatCBP, nil
	case hdr["id"] && hdr["name"]:
		return FormatSimple, nil
	}
	if len(rec) >= 2 && isDigits(strings.TrimSpace(rec[0])) {
		switch {
		case len(rec) == 12:
			return FormatOFAC, nil
		case len(rec) == 5 && isDigits(strings.TrimSpace(rec[1])):
			return FormatOFACAlt, nil
		case len(rec) == 6 && isDigits(strings.TrimSpace(rec[1])):
			return FormatOFACAdd, nil
		}
	}
	return "", kernel.Errorf(kernel.Invalid, "not a recognised watchlist format: expected OFAC CSV (sdn.csv), FollowTheMoney JSON lines, the UFLPA Entity List (HTML or CSV), the CBP WRO/Findings CSV, or a CSV with columns id,name,aliases,country,list")
}

// lineError is a bad row: file, line and what is wrong.
func lineError(file string, line int, format string, args ...any) error {
	return kernel.Errorf(kernel.Invalid, "%s:%d: %s", file, line, fmt.Sprintf(format, args...))
}

// hashingReader feeds everything read through it into a checksum.
type hashingReader struct {
	r io.Reader
	h hash.Hash
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	return n, err
}

// Load reads one list file from r, detecting its format from content. name
// is used in error messages and as the default list name. OFAC primary files
// are read alone here (no alternate names or addresses); use LoadOFAC or
// LoadFile to join alt.csv and add.csv.
func Load(name string, r io.Reader) (*Watchlist, error) {
	br := bufio.NewReaderSize(r, 64*1024)
	head, _ := br.Peek(sniffSize)
	f, err := DetectFormat(head)
	if err != nil {
		return nil, kernel.Wrap(kernel.Invalid, err, "%s", name)
	}
	return LoadFormat(name, f, br)
}

// LoadFormat reads one list file of a known format.
func LoadFormat(name string, f Format, r io.Reader) (*Watchlist, error) {
	h := sha256.New()
	hr := &hashingReader{r: r, h: h}
	var (
		wl  *Watchlist
		err error
	)
	switch f {
	case FormatOFAC:
		wl, err = loadOFAC(listNameFor(name, "ofac"), []ofacFile{{name: name, r: hr, kind: FormatOFAC}})
	case FormatOFACAlt, FormatOFACAdd:
		return nil, kernel.Errorf(kernel.Invalid, "%s: this is an OFAC %s file; give the primary file (sdn.csv or cons_prim.csv) and keep this file beside it", name, strings.TrimPrefix(string(f), "ofac-"))
	case FormatFTM:
		wl, err = loadFTM(name, hr)
	case FormatUFLPAHTML:
		wl, err = loadUFLPAHTML(name, hr)
	case FormatUFLPACSV:
		wl, err = loadUFLPACSV(name, hr)
	case FormatCBP:
		wl, err = loadCBP(name, hr)
	case FormatSimple:
		wl, err = loadSimple(name, hr)
	default:
		return nil, kernel.Errorf(kernel.Invalid, "%s: unknown watchlist format %q", name, f)
	}
	if err != nil {
		return nil, err
	}
	wl.List.SHA256 = hex.EncodeToString(h.Sum(nil))
	wl.List.EntityCount = len(wl.Entities)
	return wl, nil
}

// LoadFile opens a list file, detects its format and, for an OFAC primary
// file, reads the alternate-name and address files beside it (alt.csv and
// add.csv for sdn.csv; cons_alt.csv and cons_add.csv for cons_prim.csv) when
// they exist.
func LoadFile(path string) (*Watchlist, error) {
	wls, err := LoadFiles(path)
	if err != nil {
		return nil, err
	}
	return wls[0], nil
}

// LoadFiles loads list files, one watchlist per list. OFAC publishes a list
// as three files (sdn.csv, alt.csv, add.csv): an alternate-name or address
// file given beside its primary file is read with it, so passing all three
// loads the list once. An alternate-name or address file is paired with the
// primary file of the same list (SDN or consolidated) in its folder, or the
// only such primary file given; files not given are looked for beside the
// primary file. A file named twice is read once.
func LoadFiles(paths ...string) ([]*Watchlist, error) {
	type ofacSet struct {
		prim, alt, add string
		cons           bool
	}
	type item struct {
		path string
		f    Format
		set  *ofacSet
	}
	var items []item
	var sets []*ofacSet
	var parts []item // alternate-name and address files
	seen := map[string]bool{}
	for _, p := range paths {
		key := filepath.Clean(p)
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		f, err := detectFile(p)
		if err != nil {
			return nil, err
		}
		it := item{path: p, f: f}
		switch f {
		case FormatOFAC:
			it.set = &ofacSet{prim: p, cons: isConsFile(p)}
			sets = append(sets, it.set)
		case FormatOFACAlt, FormatOFACAdd:
			parts = append(parts, it)
			continue
		}
		items = append(items, it)
	}
	for _, pt := range parts {
		var home, only *ofacSet
		n := 0
		for _, st := range sets {
			if st.cons != isConsFile(pt.path) {
				continue
			}
			n++
			only = st
			if filepath.Dir(st.prim) == filepath.Dir(pt.path) && home == nil {
				home = st
			}
		}
		if home == nil && n == 1 {
			home = only
		}
		what, prim := "alternate-name", "sdn.csv"
		if pt.f == FormatOFACAdd {
			what = "address"
		}
		if isConsFile(pt.path) {
			prim = "cons_prim.csv"
		}
		if home == nil {
			return nil, kernel.Errorf(kernel.Invalid, "%s: this is an OFAC %s file; give its primary file (%s) too, or only the primary file with this one beside it", pt.path, what, prim)
		}
		slot := &home.alt
		if pt.f == FormatOFACAdd {
			slot = &home.add
		}
		if *slot != "" {
			return nil, kernel.Errorf(kernel.Invalid, "%s: a second OFAC %s file for %s (the first is %s)", pt.path, what, home.prim, *slot)
		}
		*slot = pt.path
	}
	out := make([]*Watchlist, 0, len(items))
	for _, it := range items {
		var (
			wl  *Watchlist
			err error
		)
		if it.set != nil {
			wl, err = loadOFACFiles(it.set.prim, it.set.alt, it.set.add)
		} else {
			wl, err = loadPlainFile(it.path, it.f)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, wl)
	}
	return out, nil
}

func isConsFile(path string) bool {
	return strings.HasPrefix(strings.ToLower(filepath.Base(path)), "cons_")
}

// detectFile reads the first bytes of a list file and tells its format.
func detectFile(path string) (Format, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", kernel.Wrap(kernel.Invalid, err, "cannot open watchlist %s", path)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		return "", kernel.Errorf(kernel.Invalid, "watchlist %s is a directory; give the list file (for OFAC, sdn.csv or cons_prim.csv)", path)
	}
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(fh, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", kernel.Wrap(kernel.Invalid, err, "cannot read watchlist %s", path)
	}
	f, err := DetectFormat(head[:n])
	if err != nil {
		return "", kernel.Wrap(kernel.Invalid, err, "%s", path)
	}
	return f, nil
}

func loadPlainFile(path string, f Format) (*Watchlist, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, kernel.Wrap(kernel.Invalid, err, "cannot open watchlist %s", path)
	}
	defer fh.Close()
	return LoadFormat(path, f, bufio.NewReaderSize(fh, 64*1024))
}

// loadOFACFiles reads an OFAC primary file with its alternate-name and
// address files; an empty alt or add path means the file of the usual name
// beside the primary file, when there is one.
func loadOFACFiles(prim, alt, add string) (*Watchlist, error) {
	dir, base := filepath.Split(prim)
	altName, addName, list := "alt.csv", "add.csv", "ofac-sdn"
	if strings.HasPrefix(strings.ToLower(base), "cons_") {
		altName, addName, list = "cons_alt.csv", "cons_add.csv", "ofac-cons"
	}
	h := sha256.New()
	var files []ofacFile
	for _, c := range []struct {
		path, sibling string
		kind          Format
	}{{prim, "", FormatOFAC}, {alt, altName, FormatOFACAlt}, {add, addName, FormatOFACAdd}} {
		p := c.path
		if p == "" {
			p = filepath.Join(dir, c.sibling)
		}
		cf, err := os.Open(p)
		if c.path == "" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, kernel.Wrap(kernel.Invalid, err, "cannot open %s", p)
		}
		defer cf.Close()
		files = append(files, ofacFile{name: p, r: &hashingReader{r: bufio.NewReaderSize(cf, 64*1024), h: h}, kind: c.kind})
	}
	wl, err := loadOFAC(list, files)
	if err != nil {
		return nil, err
	}
	wl.List.SHA256 = hex.EncodeToString(h.Sum(nil))
	wl.List.EntityCount = len(wl.Entities)
	return wl, nil
}

// LoadOFAC reads OFAC's CSV files: the primary file (sdn.csv or
// cons_prim.csv) and, when not nil, the alternate names and addresses.
func LoadOFAC(listName string, prim io.Reader, alt, add io.Reader) (*Watchlist, error) {
	h := sha256.New()
	files := []ofacFile{{name: listName + " primary file", r: &hashingReader{r: prim, h: h}, kind: FormatOFAC}}
	if alt != nil {
		files = append(files, ofacFile{name: listName + " alt file", r: &hashingReader{r: alt, h: h}, kind: FormatOFACAlt})
	}
	if add != nil {
		files = append(files, ofacFile{name: listName + " add file", r: &hashingReader{r: add, h: h}, kind: FormatOFACAdd})
	}
	wl, err := loadOFAC(listName, files)
	if err != nil {
		return nil, err
	}
	wl.List.SHA256 = hex.EncodeToString(h.Sum(nil))
	wl.List.EntityCount = len(wl.Entities)
	return wl, nil
}

func listNameFor(file, def string) string {
	base := strings.ToLower(filepath.Base(file))
	switch {
	case strings.HasPrefix(base, "sdn"):
		return "ofac-sdn"
	case strings.HasPrefix(base, "cons_"):
		return "ofac-cons"
	}
	return def
}

// checkField validates a name-like field from a list file.
func checkField(file string, line int, field, v string) error {
	if !utf8.ValidString(v) {
		return lineError(file, line, "%s is not valid UTF-8", field)
	}
	if len(v) > MaxNameLength {
		return lineError(file, line, "%s is longer than %d bytes", field, MaxNameLength)
	}
	return nil
}

// newCSV returns a CSV reader suited to list files: variable field counts
// (checked by the loaders), records reused.
func newCSV(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// csvError turns a CSV syntax error into a categorised one with the line.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return lineError(file, pe.Line, "column %d: %v", pe.Column, pe.Err)
	}
	return kernel.Wrap(kernel.Invalid, err, "%s: reading failed", file)
}

// header maps lower-cased column names to their index.
// csvHeader maps the column names of a CSV header (trimmed, lower case) to
// their positions.
type csvHeader map[string]int

func header(rec []string) csvHeader {
	m := make(csvHeader, len(rec))
	for i, f := range rec {
		f = strings.TrimPrefix(f, "\ufeff")
		m[strings.ToLower(strings.TrimSpace(f))] = i
	}
	return m
}

// col returns the position of column k, or -1 when the header lacks it
// (field then reads "").
func (h csvHeader) col(k string) int {
	if i, ok := h[k]; ok {
		return i
	}
	return -1
}

// eachCSVRecord calls fn with each record after the header and the line it
// starts on.
func eachCSVRecord(name string, cr *csv.Reader, fn func(rec []string, line int) error) error {
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

// requiredName checks the cell of a column that names an entity: valid
// text of a bounded length, and not empty.
func requiredName(file string, line int, column, v string) error {
	if err := checkField(file, line, "column "+column, v); err != nil {
		return err
	}
	if v == "" {
		return lineError(file, line, "column %s is empty", column)
	}
	return nil
}

func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// splitList splits a ";"-separated cell into trimmed, non-empty parts.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// slug makes a stable identifier part from a name.
func slug(name string) string {
	toks := normaliseName(name)
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		parts = append(parts, t.text)
	}
	return strings.Join(parts, "-")
}

func appendUnique(list []string, vs ...string) []string {
outer:
	for _, v := range vs {
		if v == "" {
			continue
		}
		for _, x := range list {
			if strings.EqualFold(x, v) {
				continue outer
			}
		}
		list = append(list, v)
	}
	return list
}
