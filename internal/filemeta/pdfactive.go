package filemeta

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"slices"
)

// Besides its metadata, a PDF can carry what its author never meant to
// send, or what would act when a case handler opens it: comments and other
// annotations (with their author's name and reply threads), files attached
// inside it, and actions: JavaScript, launching programs, opening web
// addresses, submitting forms, XFA forms with their scripts.
//
// They are removed in place as the metadata is: an object that holds one
// becomes the PDF null object ("N G obj null ... endobj", the rest of its
// bytes spaces), and a key naming one (/OpenAction, /AA, /JavaScript,
// /EmbeddedFiles...) gets the value null. A reference to a null object
// reads as null, so the document stays valid, with its offsets unchanged.
// Form fields (widget annotations) stay, without their actions: what a
// person typed into a form is the document's content. Bookmarks and links
// within the document keep working (GoTo and Named actions stay).
//
// Objects inside compressed object streams cannot be changed in place;
// those streams are read, and a file with any of these things inside one
// is refused.

var (
	// pdfAnnotSubtype names every annotation kind but Widget (form fields)
	// and Link (whose actions are judged like any other).
	pdfAnnotSubtype = regexp.MustCompile(`/Subtype\s*/(Text|FreeText|Line|Square|Circle|Polygon|PolyLine|Highlight|Underline|Squiggly|StrikeOut|Stamp|Caret|Ink|Popup|FileAttachment|Sound|Movie|Screen|PrinterMark|TrapNet|Watermark|3D|Redact|RichMedia|Projection)[\s/>\]]`)
	// pdfActiveAction names the actions that run or reach outside the
	// document.
	pdfActiveAction = regexp.MustCompile(`/S\s*/(JavaScript|Launch|URI|SubmitForm|ImportData|ResetForm|GoToR|GoToE|Rendition|Sound|Movie|RichMediaExecute|Hide|SetOCGState|Trans|GoTo3DView|Thread)[\s/>\]]`)
	pdfEmbeddedFile = regexp.MustCompile(`/Type\s*/(EmbeddedFile|Filespec|F)[\s/>\]]|/EF\s*<<`)
	pdfFilterName   = regexp.MustCompile(`/[A-Za-z0-9]+Decode\b`)
	pdfObjStm       = regexp.MustCompile(`/Type\s*/ObjStm[\s/>\]]`)
	pdfNotToNull    = regexp.MustCompile(`/Type\s*/(Page|Pages|Catalog|Font|FontDescriptor|ExtGState|ColorSpace|Pattern|Shading|OCG|OCMD|StructTreeRoot|StructElem|Outlines)[\s/>\]]`)
	// pdfRiskyInCompressed is what may not hide in an object stream.
	pdfRiskyInCompressed = regexp.MustCompile(`/(OpenAction|AA|JavaScript|JS|EmbeddedFiles|EmbeddedFile|AF|XFA|Launch|Filespec)[\s/<\[(]`)
)

// pdfActiveKeys are the keys whose values are removed wherever they
// appear, with what they refer to.
var pdfActiveKeys = []string{"/OpenAction", "/AA", "/JavaScript", "/JS", "/EmbeddedFiles", "/AF", "/XFA"}

// pdfActiveKeysAndA adds /A, an action whose value is removed when it runs
// or reaches outside the document.
var pdfActiveKeysAndA = append(slices.Clone(pdfActiveKeys), "/A")

// pdfAnnotParts are the keys of an annotation whose targets go with it:
// its appearance, rich text, file, popup and media.
var pdfAnnotParts = []string{"/AP", "/RC", "/FS", "/Popup", "/Sound", "/Movie", "/RichMediaContent", "/3DD"}

// maxObjStmBytes bounds what the compressed object streams of one file may
// inflate to.
const maxObjStmBytes = 64 << 20

// maxNullDepth bounds how far removal follows references.
const maxNullDepth = 8

type pdfCleaner struct {
	b, out []byte
	objs   map[pdfRef][]int
	// defs are the object definitions found outside any stream, by the
	// offset just after "obj"; offsets inside a stream's data are not
	// objects, whatever the bytes there say.
	defs    map[int]pdfDef
	visited map[int]bool
}

// pdfDef is where the parts of one object definition lie.
type pdfDef struct {
	d, dictEnd int // its dictionary, when it is one (dictEnd 0 otherwise)
	streamEnd  int // where "endstream" starts, for a stream (0 otherwise)
	bodyEnd    int // where "endobj" starts; -1 when it has none
}

// removeActiveParts removes annotations, embedded files and actions from
// out (a copy of b), in place.
func removeActiveParts(b, out []byte, objs map[pdfRef][]int) error {
	c := &pdfCleaner{b: b, out: out, objs: objs, defs: map[int]pdfDef{}, visited: map[int]bool{}}
	var all []int
	for _, starts := range objs {
		all = append(all, starts...)
	}
	slices.Sort(all)
	// Each scan below stops at the next object, and stream data is
	// skipped, so the work stays linear in the file's size.
	var order []int
	skipUntil := 0
	for k, at := range all {
		if at < skipUntil {
			continue
		}
		next := len(b)
		if k+1 < len(all) {
			next = all[k+1]
		}
		def := pdfDef{bodyEnd: -1}
		d := skipSpace(b, at)
		from := at
		if d < next && bytes.HasPrefix(b[d:], []byte("<<")) {
			if end, err := dictEnd(b[:min(next, d+maxDictBytes)], d); err == nil {
				def.d, def.dictEnd, from = d, end, end
				if s := skipSpace(b, end); bytes.HasPrefix(b[s:], []byte("stream")) {
					e := bytes.Index(b[s:], []byte("endstream"))
					if e < 0 {
						skipUntil = len(b)
					} else {
						def.streamEnd = s + e
						from = s + e
						skipUntil = from
						next = max(next, from)
						for k+1 < len(all) && all[k+1] < from { // the next object after the stream
							k++
						}
						if k+1 < len(all) {
							next = all[k+1]
						} else {
							next = len(b)
						}
					}
				}
			}
		}
		if from <= next {
			if e := bytes.Index(b[from:next], []byte("endobj")); e >= 0 {
				def.bodyEnd = from + e
			}
		}
		c.defs[at] = def
		order = append(order, at)
	}
	inflated := 0
	for _, at := range order {
		def := c.defs[at]
		if def.dictEnd == 0 {
			continue
		}
		dict := topLevel(b[def.d:def.dictEnd])
		switch {
		case pdfObjStm.Match(dict):
			n, err := c.checkObjectStream(def, maxObjStmBytes-inflated)
			if err != nil {
				return err
			}
			inflated += n
			continue
		case pdfAnnotSubtype.Match(dict) && bytes.Contains(dict, []byte("/Rect")):
			if err := c.nullAnnotation(at, def); err != nil {
				return err
			}
			continue
		case pdfActiveAction.Match(dict) || pdfEmbeddedFile.Match(dict):
			if err := c.nullObject(at, 0); err != nil {
				return err
			}
			continue
		}
		if err := c.removeKeys(def.d, def.dictEnd, 0); err != nil {
			return err
		}
	}
	// Trailers are dictionaries outside any object.
	for _, at := range keyOffsets(b, "trailer") {
		if d := skipSpace(b, at); bytes.HasPrefix(b[d:], []byte("<<")) {
			if end, err := dictEnd(b[:min(len(b), d+maxDictBytes)], d); err == nil {
				if err := c.removeKeys(d, end, 0); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// removeKeys gives every active key in the dictionary b[d:end] the value
// null, and removes what those values refer to; inline actions that run
// or reach outside (under /A) go the same way.
func (c *pdfCleaner) removeKeys(d, end, depth int) error {
	for _, key := range pdfActiveKeysAndA {
		for _, k := range keyOffsets(c.b[d:end], key) {
			v := skipSpace(c.b, d+k)
			vEnd, refs, ok := valueSpan(c.b, v, end)
			if !ok {
				continue
			}
			if key == "/A" && !pdfActiveAction.Match(c.b[v:vEnd]) && !bytes.Contains(c.b[v:vEnd], []byte("/JS")) {
				// An inline GoTo or Named action stays; a referenced
				// action object is judged on its own.
				continue
			}
			c.nullValue(v, vEnd)
			if err := c.nullRefs(refs, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *pdfCleaner) nullRefs(refs []pdfRef, depth int) error {
	for _, r := range refs {
		for _, at := range c.objs[r] {
			if err := c.nullObject(at, depth); err != nil {
				return err
			}
		}
	}
	return nil
}

// nullAnnotation makes an annotation null with its appearance, text, file
// and popup.
func (c *pdfCleaner) nullAnnotation(at int, def pdfDef) error {
	for _, key := range pdfAnnotParts {
		for _, k := range keyOffsets(c.b[def.d:def.dictEnd], key) {
			v := skipSpace(c.b, def.d+k)
			if _, refs, ok := valueSpan(c.b, v, def.dictEnd); ok {
				if err := c.nullRefs(refs, 1); err != nil {
					return err
				}
			}
		}
	}
	return c.nullObject(at, 0)
}

// nullObject turns the object whose body starts at "at" into null,
// following the references in its dictionary (for a stream: none; its
// resources may be shared) up to maxNullDepth. Pages, the catalog, fonts
// and other shared resources are never made null.
func (c *pdfCleaner) nullObject(at, depth int) error {
	def, ok := c.defs[at]
	if !ok || c.visited[at] || depth > maxNullDepth {
		return nil
	}
	c.visited[at] = true
	b := c.b
	var refs []pdfRef
	switch {
	case def.dictEnd > 0:
		if pdfNotToNull.Match(topLevel(b[def.d:def.dictEnd])) {
			return nil
		}
		if def.streamEnd == 0 {
			_, refs, _ = walkDict(b[:def.dictEnd], nil, def.d)
		}
	case def.bodyEnd > 0:
		// An array, a string or a number: a name tree's names, a script
		// as a string.
		if _, r, ok := valueSpan(b, skipSpace(b, at), def.bodyEnd); ok {
			refs = r
		}
	}
	if def.bodyEnd < 0 || def.bodyEnd-at < len(" null ") {
		return unclean(PDF, "a comment, attached file or action could not be removed")
	}
	fill(c.out[at:def.bodyEnd], ' ')
	copy(c.out[at+1:], "null")
	return c.nullRefs(refs, depth+1)
}

// nullValue overwrites the value b[v:end] with null; a value too short
// to hold the word ([] or a number) holds nothing to remove.
func (c *pdfCleaner) nullValue(v, end int) {
	if end-v < len("null") {
		return
	}
	fill(c.out[v:end], ' ')
	copy(c.out[v:], "null")
}

// valueSpan returns the end of the value that starts at v (before limit),
// with the references in it.
func valueSpan(b []byte, v, limit int) (int, []pdfRef, bool) {
	if v >= limit {
		return 0, nil, false
	}
	switch c := b[v]; {
	case bytes.HasPrefix(b[v:], []byte("<<")):
		end, refs, err := walkDict(b[:limit], nil, v)
		return end, refs, err == nil
	case c == '[':
		end, ok := arrayEnd(b[:limit], v)
		if !ok {
			return 0, nil, false
		}
		var refs []pdfRef
		for _, m := range pdfRefInDict.FindAllSubmatch(b[v:end], -1) {
			refs = append(refs, refOf(m[1], m[2]))
		}
		return end, refs, true
	case c == '(':
		end, err := literalEnd(b[:limit], v)
		return end, nil, err == nil
	case c == '<':
		e := bytes.IndexByte(b[v:limit], '>')
		return v + e + 1, nil, e >= 0
	case c >= '0' && c <= '9':
		n, i, _ := digits(b, v)
		g, j, ok := digits(b, skipSpace(b, i))
		if ok {
			if k := skipSpace(b, j); k < limit && b[k] == 'R' && (k+1 == len(b) || !isRegular(b[k+1])) {
				return k + 1, []pdfRef{{n, g}}, true
			}
		}
		return i, nil, true
	case c == '/':
		i := v + 1
		for i < limit && isRegular(b[i]) {
			i++
		}
		return i, nil, true
	}
	return 0, nil, false
}

// arrayEnd returns the offset just past the array that starts at v.
func arrayEnd(b []byte, v int) (int, bool) {
	depth := 0
	for i := v; i < len(b) && i < v+maxDictBytes; {
		switch b[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '(':
			e, err := literalEnd(b, i)
			if err != nil {
				return 0, false
			}
			i = e
			continue
		case '<':
			if !bytes.HasPrefix(b[i:], []byte("<<")) {
				e := bytes.IndexByte(b[i:], '>')
				if e < 0 {
					return 0, false
				}
				i += e + 1
				continue
			}
			i++
		}
		i++
	}
	return 0, false
}

// checkObjectStream reads a compressed object stream and refuses the file when something that must be
// removed is inside. It returns how many bytes the stream inflated to.
func (c *pdfCleaner) checkObjectStream(def pdfDef, budget int) (int, error) {
	b := c.b
	if def.streamEnd == 0 {
		return 0, unclean(PDF, "a compressed part has no end")
	}
	s := skipSpace(b, def.dictEnd) + len("stream")
	if s < len(b) && b[s] == '\r' {
		s++
	}
	if s < len(b) && b[s] == '\n' {
		s++
	}
	data := b[s:max(s, def.streamEnd)]
	// The filters are read from the whole dictionary: /Filter may be an
	// array.
	raw := b[def.d:def.dictEnd]
	filters := pdfFilterName.FindAll(raw, -1)
	switch {
	case len(filters) == 0:
	case len(filters) == 1 && string(filters[0]) == "/FlateDecode" && !bytes.Contains(raw, []byte("/DecodeParms")):
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return 0, unclean(PDF, "a compressed part cannot be read")
		}
		defer zr.Close()
		data, err = io.ReadAll(io.LimitReader(zr, int64(budget)+1))
		if err != nil && len(data) == 0 {
			return 0, unclean(PDF, "a compressed part cannot be read")
		}
		if len(data) > budget {
			return 0, unclean(PDF, "its compressed parts are too large to check")
		}
	default:
		return 0, unclean(PDF, "a compressed part is in a form that cannot be checked")
	}
	if pdfRiskyInCompressed.Match(data) || pdfActiveAction.Match(data) ||
		(pdfAnnotSubtype.Match(data) && bytes.Contains(data, []byte("/Rect"))) {
		return len(data), unclean(PDF, "it holds comments, attached files or scripts inside a compressed part, where they cannot be removed")
	}
	return len(data), nil
}

// topLevel returns a copy of the dictionary d with the contents of its
// nested dictionaries, arrays and strings blanked, so that a rule about
// the object itself is not met by a value inside it (a link whose inline
// action opens a web address is not itself an action).
func topLevel(d []byte) []byte {
	out := bytes.Clone(d)
	depth := 0
	for i := 0; i < len(out); i++ {
		switch {
		case bytes.HasPrefix(d[i:], []byte("<<")):
			depth++
			i++
		case bytes.HasPrefix(d[i:], []byte(">>")):
			depth--
			i++
		case d[i] == '[':
			depth++
		case d[i] == ']':
			depth--
		case d[i] == '(':
			if e, err := literalEnd(d, i); err == nil {
				fill(out[i+1:e-1], ' ')
				i = e - 1
			}
		case depth > 1:
			out[i] = ' '
		}
	}
	return out
}
