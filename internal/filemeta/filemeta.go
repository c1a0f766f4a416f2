// Package filemeta removes the hidden details that identify where, when,
// with what and by whom a file was made: EXIF (GPS position, time, camera
// make, model and serial number), XMP, IPTC, comments and vendor blocks in
// JPEG, PNG and WebP photos, and the document information dictionary and
// XMP packets of PDF documents.
//
// It works on the containers only: the image data itself is copied
// unchanged, never decoded and encoded again, so a photo keeps its quality
// and nothing new can go wrong in a codec. What a photo shows (a face, a
// sign, a badge) is not metadata and stays; reporters are told so.
//
// A file this package cannot make clean is refused rather than passed on:
// for a grievance channel, storing a worker's home position because a
// parser gave up would be worse than asking for a screenshot.
package filemeta

import (
	"errors"
	"fmt"
)

// Media types handled by Strip.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	WebP = "image/webp"
	PDF  = "application/pdf"
)

// ErrUnsupported is returned for a media type Strip does not know.
var ErrUnsupported = errors.New("filemeta: unsupported media type")

// UncleanError says why a file could not be made clean; the caller refuses
// the file.
type UncleanError struct {
	MediaType string
	Reason    string
}

func (e *UncleanError) Error() string {
	return fmt.Sprintf("filemeta: %s: %s", e.MediaType, e.Reason)
}

func unclean(mt, format string, args ...any) error {
	return &UncleanError{MediaType: mt, Reason: fmt.Sprintf(format, args...)}
}

// Strip returns the content of a file of the given media type without its
// metadata. The input is not changed. An error means the file must not be
// stored as it is.
func Strip(mediaType string, content []byte) ([]byte, error) {
	switch mediaType {
	case JPEG:
		return stripJPEG(content)
	case PNG:
		return stripPNG(content)
	case WebP:
		return stripWebP(content)
	case PDF:
		return stripPDF(content)
	}
	return nil, ErrUnsupported
}
