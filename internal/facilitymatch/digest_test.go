package facilitymatch_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestMatchDigest prints a digest of every pair (records, score, decision,
// reasons) the matcher finds among UPSTREAM_MATCH_DIGEST_RECORDS generated
// records. A change meant only to make matching faster must leave it
// unchanged: run it before and after, e.g. with 200000 records.
func TestMatchDigest(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("UPSTREAM_MATCH_DIGEST_RECORDS"))
	if err != nil || n <= 0 {
		t.Skip("set UPSTREAM_MATCH_DIGEST_RECORDS to the number of generated records to digest")
	}
	pairs, err := newMatcher(t).Match(context.Background(), synthetic(n, 1), 0)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	same := 0
	for _, p := range pairs {
		fmt.Fprintf(h, "%d %d %v %s %s\n", p.A, p.B, p.Score, p.Decision, strings.Join(p.Reasons, "; "))
		if p.Decision == "same" {
			same++
		}
	}
	t.Logf("%d records: %d pairs (%d same), sha256 %x", n, len(pairs), same, h.Sum(nil))
}
