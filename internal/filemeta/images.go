package filemeta

import (
	"bytes"
	"encoding/binary"
)

// stripJPEG copies a JPEG's segments, leaving out every application
// segment but JFIF (APP0), an ICC colour profile (APP2) and Adobe's colour
// transform (APP14), every comment, and anything after the end of the
// first image (phones append motion-photo video, second images with their
// own EXIF, and vendor trailers there). The camera's orientation is the one
// EXIF field a viewer needs; it is written back alone, so a portrait photo
// is not shown on its side.
func stripJPEG(b []byte) ([]byte, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, unclean(JPEG, "not a JPEG file")
	}
	body := make([]byte, 0, len(b))
	orientation := 0
	i := 2
	for {
		if i >= len(b) {
			return nil, unclean(JPEG, "the file ends before the image does")
		}
		if b[i] != 0xFF {
			return nil, unclean(JPEG, "unexpected data at byte %d", i)
		}
		for i < len(b) && b[i] == 0xFF { // fill bytes before a marker
			i++
		}
		if i >= len(b) {
			return nil, unclean(JPEG, "the file ends inside a marker")
		}
		m := b[i]
		i++
		switch {
		case m == 0xD9: // end of image: anything after it is dropped
			body = append(body, 0xFF, 0xD9)
			out := make([]byte, 0, len(body)+40)
			out = append(out, 0xFF, 0xD8)
			if orientation >= 2 && orientation <= 8 {
				out = append(out, orientationSegment(orientation)...)
			}
			return append(out, body...), nil
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7): // markers without a length
			body = append(body, 0xFF, m)
			continue
		case m == 0x00 || m == 0xD8:
			return nil, unclean(JPEG, "unexpected marker at byte %d", i-1)
		}
		if i+2 > len(b) {
			return nil, unclean(JPEG, "the file ends inside a segment header")
		}
		n := int(b[i])<<8 | int(b[i+1])
		if n < 2 || i+n > len(b) {
			return nil, unclean(JPEG, "a segment runs past the end of the file")
		}
		payload := b[i+2 : i+n]
		seg := b[i-2 : i+n]
		i += n
		if m == 0xE1 && bytes.HasPrefix(payload, []byte("Exif\x00\x00")) {
			if o := exifOrientation(payload[6:]); o != 0 {
				orientation = o
			}
		}
		if !keepJPEGSegment(m, payload) {
			continue
		}
		body = append(body, 0xFF, m)
		body = append(body, seg[2:]...)
		if m == 0xDA { // start of scan: entropy-coded data up to the next marker
			j := i
			for j < len(b) {
				if b[j] == 0xFF && j+1 < len(b) {
					if nx := b[j+1]; nx == 0x00 || (nx >= 0xD0 && nx <= 0xD7) {
						j += 2
						continue
					}
					break
				}
				j++
			}
			body = append(body, b[i:j]...)
			i = j
		}
	}
}

// keepJPEGSegment says whether a segment is image data or a block a
// decoder needs, rather than metadata.
func keepJPEGSegment(m byte, payload []byte) bool {
	switch {
	case m == 0xE0:
		return bytes.HasPrefix(payload, []byte("JFIF\x00"))
	case m == 0xE2:
		return bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00"))
	case m == 0xEE:
		return bytes.HasPrefix(payload, []byte("Adobe"))
	case m >= 0xE0 && m <= 0xEF, m == 0xFE:
		return false
	}
	return true
}

// exifOrientation reads tag 0x0112 of IFD0 from a TIFF structure; 0 when
// it is absent or unreadable.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:4]) != 42 {
		return 0
	}
	off := int(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[off : off+2]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:e+2]) == 0x0112 && bo.Uint16(t[e+2:e+4]) == 3 {
			return int(bo.Uint16(t[e+8 : e+10]))
		}
	}
	return 0
}

// orientationSegment is an APP1 EXIF segment holding only the orientation.
func orientationSegment(o int) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD0 at offset 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0, // Orientation, SHORT, 1
		0, 0, 0, 0} // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	n := len(payload) + 2
	return append([]byte{0xFF, 0xE1, byte(n >> 8), byte(n)}, payload...)
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pngKeep are the chunks that carry the image or change how it is drawn;
// every other chunk (tEXt, zTXt, iTXt with XMP, eXIf, tIME, private
// chunks) is dropped.
var pngKeep = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true, "tRNS": true,
	"cHRM": true, "gAMA": true, "iCCP": true, "sBIT": true, "sRGB": true, "cICP": true,
	"bKGD": true, "pHYs": true, "acTL": true, "fcTL": true, "fdAT": true,
}

func stripPNG(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, pngSignature) {
		return nil, unclean(PNG, "not a PNG file")
	}
	out := make([]byte, 0, len(b))
	out = append(out, pngSignature...)
	i := len(pngSignature)
	for {
		if i+12 > len(b) {
			return nil, unclean(PNG, "the file ends before its last chunk")
		}
		n := int(binary.BigEndian.Uint32(b[i : i+4]))
		if n < 0 || n > len(b)-i-12 {
			return nil, unclean(PNG, "a chunk runs past the end of the file")
		}
		typ := string(b[i+4 : i+8])
		end := i + 12 + n
		if pngKeep[typ] {
			out = append(out, b[i:end]...)
		}
		i = end
		if typ == "IEND" { // anything after the end is dropped
			return out, nil
		}
	}
}

// webpKeep are the RIFF chunks of a WebP image that are not metadata.
var webpKeep = map[string]bool{"VP8 ": true, "VP8L": true, "VP8X": true, "ALPH": true, "ANIM": true, "ANMF": true, "ICCP": true}

func stripWebP(b []byte) ([]byte, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil, unclean(WebP, "not a WebP file")
	}
	size := int(binary.LittleEndian.Uint32(b[4:8]))
	if size < 4 || size > len(b)-8 {
		return nil, unclean(WebP, "the file is shorter than its header says")
	}
	end := 8 + size
	out := make([]byte, 12, len(b))
	copy(out, b[:12])
	for i := 12; i < end; {
		if i+8 > end {
			return nil, unclean(WebP, "the file ends inside a chunk header")
		}
		typ := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4 : i+8]))
		padded := n + n&1
		if n > end-i-8 {
			return nil, unclean(WebP, "a chunk runs past the end of the file")
		}
		stop := min(i+8+padded, end)
		if webpKeep[typ] {
			start := len(out)
			out = append(out, b[i:stop]...)
			if typ == "VP8X" && n >= 1 {
				out[start+8] &^= 0x08 | 0x04 // the EXIF and XMP flags
			}
		}
		i = stop
	}
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out, nil
}
