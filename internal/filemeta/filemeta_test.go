package filemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// identifying are strings the fixtures carry in their metadata (see
// testdata/SOURCE.md): GPS position, device, serial number, author, tool.
var identifying = []string{"Canary", "CANARYSERIAL", "GPS", "ExifTool", "xmpmeta", "xpacket", "HeadlessChrome", "Skia/PDF"}

// TestStripRemovesGPSAndAuthorship: real files written by ExifTool with a
// GPS position, camera make, model and serial number, author and XMP come
// out with none of it, and still hold the same image.
func TestStripRemovesGPSAndAuthorship(t *testing.T) {
	for _, tc := range []struct{ file, mediaType string }{
		{"gps.jpg", JPEG}, {"gps.png", PNG}, {"gps.webp", WebP}, {"gps.pdf", PDF},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in := fixture(t, tc.file)
			orig := bytes.Clone(in)
			if !bytes.Contains(in, []byte("Canary")) {
				t.Fatal("the fixture carries no canary metadata; the test would prove nothing")
			}
			out, err := Strip(tc.mediaType, in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(in, orig) {
				t.Error("Strip changed its input")
			}
			for _, s := range identifying {
				if tc.mediaType == PDF && s == "ExifTool" {
					continue // the %BeginExifToolUpdate comment of its incremental update names a tool, not a person
				}
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("%q is still in the stripped file", s)
				}
			}
			again, err := Strip(tc.mediaType, out)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("stripping a clean file changed it (err %v)", err)
			}
			switch tc.mediaType {
			case JPEG:
				samePixels(t, in, out, jpeg.Decode)
				if o := exifOrientation(exifOf(t, out)); o != 6 {
					t.Errorf("orientation %d after stripping, want the camera's 6", o)
				}
			case PNG:
				samePixels(t, in, out, png.Decode)
				for _, c := range []string{"tEXt", "zTXt", "iTXt", "eXIf", "tIME"} {
					if bytes.Contains(out, []byte(c)) {
						t.Errorf("chunk %s left in", c)
					}
				}
			case WebP:
				if !bytes.Equal(riffChunk(t, in, "VP8 "), riffChunk(t, out, "VP8 ")) {
					t.Error("the image data changed")
				}
				if f := riffChunk(t, out, "VP8X")[0]; f&0x0C != 0 {
					t.Errorf("VP8X still announces EXIF or XMP: flags %08b", f)
				}
				if n := binary.LittleEndian.Uint32(out[4:8]); int(n) != len(out)-8 {
					t.Errorf("RIFF size %d for a file of %d bytes", n, len(out))
				}
			case PDF:
				if len(out) != len(in) {
					t.Errorf("length %d, want %d: cross-reference offsets would break", len(out), len(in))
				}
				for _, keep := range []string{"startxref", "%%EOF", "/Info 1 0 R", "Wages withheld", "/Type /Catalog"} {
					if bytes.Contains(in, []byte(keep)) && !bytes.Contains(out, []byte(keep)) {
						t.Errorf("the document lost %q", keep)
					}
				}
			}
		})
	}
}

// TestJPEGTrailerAndSecondImageDropped: data after the end of the first
// image (motion-photo video, a second image with its own EXIF, vendor
// trailers) does not survive.
func TestJPEGTrailerAndSecondImageDropped(t *testing.T) {
	in := append(fixture(t, "gps.jpg"), fixture(t, "gps.jpg")...)
	in = append(in, "SEFHCanaryTrailer lat=23.81"...)
	out, err := Strip(JPEG, in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("Canary")) || bytes.Count(out, []byte{0xFF, 0xD8}) != 1 {
		t.Errorf("trailing data survived: %d bytes", len(out))
	}
}

// TestUncleanFilesAreRefused: a file whose metadata cannot be reached is
// refused, never passed on.
func TestUncleanFilesAreRefused(t *testing.T) {
	jpg := fixture(t, "gps.jpg")
	pdf := fixture(t, "gps.pdf")
	for _, tc := range []struct {
		name, mediaType string
		content         []byte
	}{
		{"truncated JPEG", JPEG, jpg[:len(jpg)/3]},
		{"not a JPEG", JPEG, []byte("GIF89a....")},
		{"truncated PNG", PNG, fixture(t, "gps.png")[:100]},
		{"WebP longer than its file", WebP, fixture(t, "gps.webp")[:200]},
		{"encrypted PDF", PDF, bytes.Replace(pdf, []byte("/Root 16 0 R"), []byte("/Encrypt 9 0 R"), 1)},
		{"compressed XMP", PDF, bytes.Replace(pdf, []byte("/Subtype /XML"), []byte("/Filter /Flate"), 1)},
		{"information in an object stream", PDF, bytes.ReplaceAll(pdf, []byte("\n1 0 obj"), []byte("\n1 9 obj"))},
		{"not a PDF", PDF, []byte("hello")},
	} {
		_, err := Strip(tc.mediaType, tc.content)
		var u *UncleanError
		if !errors.As(err, &u) {
			t.Errorf("%s: err = %v, want a refusal", tc.name, err)
		}
	}
	if _, err := Strip("image/gif", []byte("GIF89a")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("gif: %v", err)
	}
}

// TestPDFImageEXIFBlanked: a JPEG photo placed in a PDF keeps its EXIF
// there; it is zeroed in place.
func TestPDFImageEXIFBlanked(t *testing.T) {
	photo := fixture(t, "gps.jpg")
	var doc bytes.Buffer
	doc.WriteString("%PDF-1.4\n1 0 obj\n<< /Type /XObject /Subtype /Image /Width 96 /Height 64 /BitsPerComponent 8 /ColorSpace /DeviceRGB /Filter /DCTDecode /Length ")
	doc.WriteString(strconv.Itoa(len(photo)))
	doc.WriteString(" >>\nstream\n")
	doc.Write(photo)
	doc.WriteString("\nendstream\nendobj\ntrailer\n<< /Size 2 >>\n%%EOF\n")
	out, err := Strip(PDF, doc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("Canary")) || bytes.Contains(out, []byte("GPS")) || len(out) != doc.Len() {
		t.Error("the photo inside the PDF kept its EXIF, or the file changed length")
	}
	s := bytes.Index(out, []byte("stream\n")) + len("stream\n")
	if _, err := jpeg.Decode(bytes.NewReader(out[s : s+len(photo)])); err != nil {
		t.Errorf("the photo no longer decodes: %v", err)
	}
}

func samePixels(t *testing.T, a, b []byte, decode func(io.Reader) (image.Image, error)) {
	t.Helper()
	ia, err := decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the stripped file does not decode: %v", err)
	}
	if ia.Bounds() != ib.Bounds() {
		t.Fatalf("bounds %v, want %v", ib.Bounds(), ia.Bounds())
	}
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y++ {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				t.Fatalf("pixel %d,%d differs", x, y)
			}
		}
	}
}

// exifOf returns the TIFF structure of a JPEG's EXIF segment.
func exifOf(t *testing.T, b []byte) []byte {
	t.Helper()
	i := bytes.Index(b, []byte("Exif\x00\x00"))
	if i < 4 || b[i-4] != 0xFF || b[i-3] != 0xE1 {
		t.Fatal("no EXIF segment")
	}
	n := int(b[i-2])<<8 | int(b[i-1])
	return b[i+6 : i-2+n]
}

func riffChunk(t *testing.T, b []byte, typ string) []byte {
	t.Helper()
	for i := 12; i+8 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[i+4 : i+8]))
		if string(b[i:i+4]) == typ {
			return b[i+8 : i+8+n]
		}
		i += 8 + n + n&1
	}
	t.Fatalf("no %s chunk", typ)
	return nil
}

// FuzzStrip: no input makes Strip panic, and what it returns is already
// clean (stripping again changes nothing).
func FuzzStrip(f *testing.F) {
	for _, name := range []string{"gps.jpg", "gps.png", "gps.webp", "gps.pdf"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(0), b)
		f.Add(uint8(1), b)
		f.Add(uint8(2), b)
		f.Add(uint8(3), b)
	}
	types := []string{JPEG, PNG, WebP, PDF}
	f.Fuzz(func(t *testing.T, k uint8, b []byte) {
		mt := types[int(k)%len(types)]
		out, err := Strip(mt, b)
		if err != nil {
			return
		}
		if mt == PDF {
			if len(out) != len(b) {
				t.Fatalf("PDF length changed: %d -> %d", len(b), len(out))
			}
			return
		}
		again, err := Strip(mt, out)
		if err != nil {
			t.Fatalf("a stripped %s is refused: %v", mt, err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("stripping a stripped %s changed it", mt)
		}
	})
}
