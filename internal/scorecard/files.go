package scorecard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/filemeta"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// MaxFileBytes bounds one evidence file attached to an answer: a signed
// policy, an audit summary or a payroll sample fits well within it.
const MaxFileBytes = 10 << 20

// maxFileName bounds a stored file name, in characters.
const maxFileName = 200

// FileTypes are the media types an evidence file may have, decided by the
// caller from the file's content (never its name or the browser's claim).
// Each is one whose hidden details (author, position, editing software)
// filemeta can remove; a type it cannot clean is refused.
var FileTypes = []string{filemeta.PDF, filemeta.JPEG, filemeta.PNG, filemeta.WebP}

// FileInfo is what an answer's document keeps of its file: enough to list
// it and fetch it, never the content.
type FileInfo struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	Size      int    `json:"size"`
	SHA256    string `json:"sha256"`
}

// File is an evidence file with its content, as stored.
type File struct {
	FileInfo
	Content []byte
}

// Upload is a file as it arrives with an answer, before it is checked.
type Upload struct {
	Name      string
	MediaType string
	Content   []byte
}

// Action codes written to the audit log when evidence files are added and
// read.
const (
	ActionFileAdd      = "scorecard.evidence.add"
	ActionFileDownload = "scorecard.evidence.download"
)

// cleanUpload checks an upload's size and type and returns it as a file
// with its hidden details removed, under a fresh id.
func cleanUpload(u Upload) (File, error) {
	if len(u.Content) == 0 {
		return File{}, kernel.InvalidField("file", "%s is empty", fileName(u.Name))
	}
	if len(u.Content) > MaxFileBytes {
		return File{}, kernel.InvalidField("file", "%s is larger than %d MB; attach a smaller copy", fileName(u.Name), MaxFileBytes>>20)
	}
	ok := false
	for _, t := range FileTypes {
		ok = ok || t == u.MediaType
	}
	if !ok {
		return File{}, kernel.InvalidField("file", "%s is not a PDF document or a photo (JPEG, PNG, WebP)", fileName(u.Name))
	}
	content, err := filemeta.Strip(u.MediaType, u.Content)
	if err != nil {
		var unclean *filemeta.UncleanError
		if errors.As(err, &unclean) {
			return File{}, kernel.InvalidField("file", "%s could not be cleared of hidden details (%s); save it again as a new PDF or photo and attach that", fileName(u.Name), unclean.Reason)
		}
		return File{}, kernel.InvalidField("file", "%s could not be read", fileName(u.Name))
	}
	sum := sha256.Sum256(content)
	return File{FileInfo: FileInfo{ID: kernel.NewID(), Name: fileName(u.Name), MediaType: u.MediaType, Size: len(content),
		SHA256: hex.EncodeToString(sum[:])}, Content: content}, nil
}

// fileName keeps the last part of an uploaded file's name, without control
// characters, at most maxFileName characters; an empty name is "file".
func fileName(s string) string {
	s = path.Base(strings.ReplaceAll(s, `\`, "/"))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if utf8.RuneCountInString(s) > maxFileName {
		s = string([]rune(s)[:maxFileName])
	}
	if s == "" || s == "." || s == "/" {
		return "file"
	}
	return s
}

// EvidenceFile returns one evidence file of the subject's answers, after
// writing who read it to the audit log. A file of another subject or
// organisation is not found.
func (s *Service) EvidenceFile(ctx context.Context, orgID string, subject Subject, fileID, actor string) (File, error) {
	f, err := s.Store.File(ctx, orgID, subject, fileID)
	if err != nil {
		return File{}, err
	}
	if err := s.audit(ctx, orgID, actor, ActionFileDownload, f, subject); err != nil {
		return File{}, err
	}
	return f, nil
}

// audit records an action on an evidence file: its id, type and size and
// the subject, never its name or content.
func (s *Service) audit(ctx context.Context, orgID, actor, action string, f File, subject Subject) error {
	if s.Audit == nil {
		return nil
	}
	if actor == "" {
		actor = "system"
	}
	_, err := audit.Append(ctx, s.Audit, s.Clock, audit.Record{Org: orgID, Actor: actor, Action: action,
		Object: "scorecard_files:" + f.ID, Detail: map[string]string{"subject": string(subject.Kind) + ":" + subject.ID}})
	if err != nil {
		return kernel.Wrap(kernel.Unavailable, err, "the audit log could not be written")
	}
	return nil
}
