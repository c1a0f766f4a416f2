package filemeta

import (
	"bytes"
	"testing"
)

// BenchmarkStripHostilePDF: a 5 MB file of unclosed dictionaries, the
// worst case for the PDF scanner, against a 5 MB well-formed baseline of
// the same size.
func BenchmarkStripHostilePDF(b *testing.B) {
	hostile := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("1 0 obj << /Filter /DCTDecode (\n"), 5<<20/33)...)
	plain := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("% a comment line of filler bytes\n"), 5<<20/33)...)
	b.Run("baseline", func(b *testing.B) {
		for b.Loop() {
			Strip(PDF, plain)
		}
	})
	b.Run("hostile", func(b *testing.B) {
		for b.Loop() {
			Strip(PDF, hostile)
		}
	})
}
