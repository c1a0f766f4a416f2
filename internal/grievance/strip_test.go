package grievance_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
)

// TestAttachmentsAreStrippedBeforeSealing: a photo and a PDF with a GPS
// position, device, serial number and author (real files written by
// ExifTool, in internal/filemeta/testdata) reach the handler without any
// of it; a file that cannot be cleaned is refused and nothing is stored.
func TestAttachmentsAreStrippedBeforeSealing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "filemeta", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sub := submission("photo of the dormitory")
	sub.Attachments = []grievance.Attachment{
		{Name: "IMG_2041.jpg", MediaType: "image/jpeg", Content: read("gps.jpg")},
		{Name: "payslip.pdf", MediaType: "application/pdf", Content: read("gps.pdf")},
		{Name: "screen.png", MediaType: "image/png", Content: read("gps.png")},
		{Name: "chat.webp", MediaType: "image/webp", Content: read("gps.webp")},
	}
	_, rep, err := e.svc.Submit(ctx, e.org, sub)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, e.alice)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	v, err := hs.View(ctx)
	if err != nil || len(v.Attachments) != 4 {
		t.Fatalf("view: %v, %d attachments", err, len(v.Attachments))
	}
	for _, a := range v.Attachments {
		_, body, err := hs.Attachment(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"Canary", "CANARYSERIAL", "GPS", "xmpmeta"} {
			if bytes.Contains(body, []byte(s)) {
				t.Errorf("%s reached the handler with %q in it", a.Name, s)
			}
		}
	}

	before := len(e.store.reports)
	bad := submission("a damaged photo")
	jpg := read("gps.jpg")
	bad.Attachments = []grievance.Attachment{{Name: "cut.jpg", MediaType: "image/jpeg", Content: jpg[:len(jpg)/2]}}
	if _, _, err := e.svc.Submit(ctx, e.org, bad); !errors.Is(err, grievance.ErrFileNotCleanable) {
		t.Fatalf("a file that cannot be cleaned: %v", err)
	}
	if len(e.store.reports) != before {
		t.Error("a refused report was stored")
	}
}
