package filemeta

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
)

// PDF documents are cleaned in place: every value of every document
// information dictionary (the current one and those of earlier revisions
// an incremental update left behind) and every XMP packet is overwritten
// with spaces, and the EXIF and XMP blocks of JPEG images inside are
// overwritten with zeros. Nothing moves, so the cross-reference offsets
// stay right and the document opens as before, without author, tool,
// title, dates or position.
//
// Comments and other annotations, embedded files, JavaScript and other
// actions are removed too (pdfactive.go).
//
// Where the metadata cannot be reached without rewriting the file (an
// information dictionary inside a compressed object stream, a compressed
// XMP stream, an encrypted document) the file is refused.

var (
	pdfTypeMetadata = regexp.MustCompile(`/Type\s*/Metadata\b`)
	pdfRefInDict    = regexp.MustCompile(`(\d+)\s+(\d+)\s+R\b`)
)

type pdfRef struct{ num, gen int }

// maxDictBytes bounds the dictionaries read.
const maxDictBytes = 64 << 10

// maxRevisions bounds the definitions of one information dictionary
// (one per incremental update) that are read.
const maxRevisions = 1000

func stripPDF(b []byte) ([]byte, error) {
	if i := bytes.Index(b, []byte("%PDF-")); i < 0 || i > 1024 {
		return nil, unclean(PDF, "not a PDF file")
	}
	if len(refsAfter(b, "/Encrypt")) > 0 || bytes.Contains(b, []byte("/Encrypt<<")) || bytes.Contains(b, []byte("/Encrypt <<")) {
		return nil, unclean(PDF, "the document is encrypted, so its details cannot be read or removed")
	}
	out := bytes.Clone(b)
	objs := indexObjects(b)

	// Information dictionaries, referenced from every trailer or
	// cross-reference stream, and any indirect value they point to.
	infos := map[pdfRef]bool{}
	for _, r := range refsAfter(b, "/Info") {
		infos[r] = true
	}
	for _, at := range keyOffsets(b, "/Info") {
		if d := skipSpace(b, at); bytes.HasPrefix(b[d:], []byte("<<")) {
			if _, _, err := blankDictStrings(out, d); err != nil {
				return nil, err
			}
		}
	}
	for r := range infos {
		starts := objs[r]
		if len(starts) == 0 {
			return nil, unclean(PDF, "its document information is inside a compressed object stream")
		}
		if len(starts) > maxRevisions {
			return nil, unclean(PDF, "its document information is defined %d times", len(starts))
		}
		for _, at := range starts {
			d := skipSpace(b, at)
			if !bytes.HasPrefix(b[d:], []byte("<<")) {
				continue
			}
			_, refs, err := blankDictStrings(out, d)
			if err != nil {
				return nil, err
			}
			for _, v := range refs {
				for _, vat := range objs[v] {
					blankObjectString(out, skipSpace(b, vat))
				}
			}
		}
	}

	// XMP metadata streams must be readable as they are.
	for _, r := range refsAfter(b, "/Metadata") {
		if len(objs[r]) == 0 {
			return nil, unclean(PDF, "its XMP metadata stream cannot be found")
		}
		for _, at := range objs[r] {
			d := skipSpace(b, at)
			end, err := dictEnd(b, d)
			if err != nil {
				return nil, err
			}
			if bytes.Contains(b[d:end], []byte("/Filter")) {
				return nil, unclean(PDF, "its XMP metadata is compressed")
			}
		}
	}
	blankBetween(out, []byte("<?xpacket begin"), []byte("<?xpacket end"), []byte("?>"), ' ')
	blankBetween(out, []byte("<x:xmpmeta"), []byte("</x:xmpmeta>"), nil, ' ')
	blankBetween(out, []byte("<x:xapmeta"), []byte("</x:xapmeta>"), nil, ' ')

	// JPEG images keep their camera's EXIF inside a PDF too. Each object
	// is read only up to the next one, so the scan stays linear.
	var all []int
	for _, starts := range objs {
		all = append(all, starts...)
	}
	slices.Sort(all)
	for k, at := range all {
		{
			next := len(b)
			if k+1 < len(all) {
				next = all[k+1]
			}
			d := skipSpace(b, at)
			if d >= next || !bytes.HasPrefix(b[d:], []byte("<<")) {
				continue
			}
			window := b[:min(next, d+maxDictBytes)]
			if !bytes.Contains(window[d:], []byte("/DCTDecode")) && !pdfTypeMetadata.Match(window[d:]) {
				continue
			}
			end, _, err := walkDict(window, nil, d)
			if err != nil {
				continue // not a dictionary this scan can read; images have short ones
			}
			dict := b[d:end]
			if pdfTypeMetadata.Match(dict) && bytes.Contains(dict, []byte("/Filter")) {
				return nil, unclean(PDF, "its XMP metadata is compressed")
			}
			if !bytes.Contains(dict, []byte("/DCTDecode")) {
				continue
			}
			s := skipSpace(b, end)
			if !bytes.HasPrefix(b[s:], []byte("stream")) {
				continue
			}
			if bytes.Contains(dict, []byte("/FlateDecode")) || bytes.Contains(dict, []byte("/LZWDecode")) {
				return nil, unclean(PDF, "it holds a compressed photo whose details cannot be checked")
			}
			s += len("stream")
			if s < len(b) && b[s] == '\r' {
				s++
			}
			if s < len(b) && b[s] == '\n' {
				s++
			}
			e := bytes.Index(b[s:], []byte("endstream"))
			if e < 0 {
				return nil, unclean(PDF, "an image stream has no end")
			}
			blankJPEGMetadata(out[s : s+e])
		}
	}
	if err := removeActiveParts(b, out, objs); err != nil {
		return nil, err
	}
	return out, nil
}

// keyOffsets returns the offsets just after each occurrence of the name
// key that is not the start of a longer name.
func keyOffsets(b []byte, key string) []int {
	var out []int
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(key))
		if j < 0 {
			return out
		}
		e := i + j + len(key)
		if e >= len(b) || !isRegular(b[e]) {
			out = append(out, e)
		}
		i = e
	}
}

// refsAfter returns the indirect references "N G R" that follow the key.
func refsAfter(b []byte, key string) []pdfRef {
	var out []pdfRef
	for _, at := range keyOffsets(b, key) {
		i := skipSpace(b, at)
		n, i, ok := digits(b, i)
		if !ok {
			continue
		}
		g, i, ok := digits(b, skipSpace(b, i))
		if !ok {
			continue
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == 'R' && (i+1 == len(b) || !isRegular(b[i+1])) {
			out = append(out, pdfRef{n, g})
		}
	}
	return out
}

func digits(b []byte, i int) (int, int, bool) {
	s := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-s < 10 {
		i++
	}
	if i == s {
		return 0, i, false
	}
	n, err := strconv.Atoi(string(b[s:i]))
	return n, i, err == nil
}

// isRegular says whether c continues a PDF name or keyword.
func isRegular(c byte) bool {
	return !bytes.ContainsRune([]byte(" \t\r\n\f\x00()<>[]{}/%"), rune(c))
}

// indexObjects maps each object number and generation to the offsets just
// after each "N G obj" that defines it (an incremental update defines an
// object again; every definition is kept).
func indexObjects(b []byte) map[pdfRef][]int {
	idx := map[pdfRef][]int{}
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("obj"))
		if j < 0 {
			return idx
		}
		at := i + j
		i = at + 3
		if i < len(b) && isRegular(b[i]) {
			continue // "objects", "endobj" are caught below
		}
		k := at
		if k == 0 || !isSpace(b[k-1]) {
			continue
		}
		for k > 0 && isSpace(b[k-1]) {
			k--
		}
		ge := k
		for k > 0 && b[k-1] >= '0' && b[k-1] <= '9' {
			k--
		}
		if k == ge || k == 0 || !isSpace(b[k-1]) {
			continue
		}
		gs := k
		for k > 0 && isSpace(b[k-1]) {
			k--
		}
		ne := k
		for k > 0 && b[k-1] >= '0' && b[k-1] <= '9' {
			k--
		}
		if k == ne || ne-k > 10 || ge-gs > 5 || (k > 0 && isRegular(b[k-1]) && !(b[k-1] >= '0' && b[k-1] <= '9')) {
			continue
		}
		n, _ := strconv.Atoi(string(b[k:ne]))
		g, _ := strconv.Atoi(string(b[gs:ge]))
		r := pdfRef{n, g}
		idx[r] = append(idx[r], i)
	}
}

func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\f', 0:
		return true
	}
	return false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n', '\f', 0:
			i++
		case '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		default:
			return i
		}
	}
	return i
}

// dictEnd returns the offset just past the dictionary that starts at d.
func dictEnd(b []byte, d int) (int, error) {
	end, _, err := walkDict(b, nil, d)
	return end, err
}

// blankDictStrings overwrites the contents of every string in the
// dictionary starting at d with spaces and returns its end and the
// indirect references among its values.
func blankDictStrings(out []byte, d int) (int, []pdfRef, error) {
	return walkDict(out, out, d)
}

// walkDict scans the dictionary at d, nested dictionaries and arrays
// included; when blank is not nil, string contents are overwritten there.
func walkDict(b, blank []byte, d int) (int, []pdfRef, error) {
	if !bytes.HasPrefix(b[d:], []byte("<<")) {
		return 0, nil, unclean(PDF, "a dictionary was expected at byte %d", d)
	}
	depth := 0
	var refs []pdfRef
	start := d
	// A dictionary of metadata or of an image is a few hundred bytes; the
	// bound keeps a crafted file of many unclosed dictionaries from costing
	// time quadratic in its size.
	limit := min(len(b), d+maxDictBytes)
	for i := d; i < limit; {
		switch {
		case bytes.HasPrefix(b[i:], []byte("<<")):
			depth++
			i += 2
		case bytes.HasPrefix(b[i:], []byte(">>")):
			depth--
			i += 2
			if depth == 0 {
				for _, m := range pdfRefInDict.FindAllSubmatch(b[start:i], -1) {
					refs = append(refs, refOf(m[1], m[2]))
				}
				return i, refs, nil
			}
		case b[i] == '(':
			e, err := literalEnd(b[:limit], i)
			if err != nil {
				return 0, nil, err
			}
			if blank != nil {
				fill(blank[i+1:e-1], ' ')
			}
			i = e
		case b[i] == '<':
			e := bytes.IndexByte(b[i:limit], '>')
			if e < 0 {
				return 0, nil, unclean(PDF, "a hex string has no end")
			}
			if blank != nil {
				fill(blank[i+1:i+e], ' ')
			}
			i += e + 1
		case b[i] == '%':
			i = skipSpace(b, i)
		default:
			i++
		}
	}
	return 0, nil, unclean(PDF, "a dictionary has no end")
}

// literalEnd returns the offset just past the literal string at i,
// following balanced parentheses and backslash escapes.
func literalEnd(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, unclean(PDF, "a string has no end")
}

// blankObjectString blanks the string an indirect object holds, if it is one.
func blankObjectString(out []byte, at int) {
	switch {
	case at < len(out) && out[at] == '(':
		if e, err := literalEnd(out, at); err == nil {
			fill(out[at+1:e-1], ' ')
		}
	case at < len(out) && out[at] == '<' && !bytes.HasPrefix(out[at:], []byte("<<")):
		if e := bytes.IndexByte(out[at:], '>'); e > 0 {
			fill(out[at+1:at+e], ' ')
		}
	}
}

// blankBetween overwrites every region from open to close (and then to
// tail, when given) with c.
func blankBetween(out, open, close, tail []byte, c byte) {
	for i := 0; ; {
		s := bytes.Index(out[i:], open)
		if s < 0 {
			return
		}
		s += i
		e := bytes.Index(out[s:], close)
		if e < 0 {
			fill(out[s:], c)
			return
		}
		e += s + len(close)
		if tail != nil {
			if t := bytes.Index(out[e:], tail); t >= 0 {
				e += t + len(tail)
			}
		}
		fill(out[s:e], c)
		i = e
	}
}

// blankJPEGMetadata zeroes, in place, the payloads of the segments
// stripJPEG would drop and everything after the end of the image.
func blankJPEGMetadata(b []byte) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return
		}
		m := b[i+1]
		if m == 0xDA || m == 0xD9 {
			if m == 0xD9 {
				fill(b[i+2:], 0)
			}
			return // image data follows; metadata comes before it
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return
		}
		if !keepJPEGSegment(m, b[i+4:i+2+n]) {
			fill(b[i+4:i+2+n], 0)
		}
		i += 2 + n
	}
}

func fill(b []byte, c byte) {
	for i := range b {
		b[i] = c
	}
}

func refOf(num, gen []byte) pdfRef {
	n, _ := strconv.Atoi(string(num))
	g, _ := strconv.Atoi(string(gen))
	return pdfRef{n, g}
}
