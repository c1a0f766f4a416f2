package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Checkpoint names the newest entry of a chain at some moment. Kept outside
// the database (printed by the verify command, sent to an auditor), it lets
// a later Verify prove that no entry up to it was removed from the end.
type Checkpoint struct {
	Seq  uint64
	Hash Hash
}

// String returns "seq:hash".
func (c Checkpoint) String() string { return fmt.Sprintf("%d:%s", c.Seq, c.Hash) }

// ParseCheckpoint reads the form written by String.
func ParseCheckpoint(s string) (Checkpoint, error) {
	var c Checkpoint
	var h string
	if _, err := fmt.Sscanf(s, "%d:%s", &c.Seq, &h); err != nil || c.Seq == 0 {
		return c, kernel.Errorf(kernel.Invalid, "a checkpoint is written SEQ:HASH")
	}
	hash, err := ParseHash(h)
	if err != nil {
		return c, err
	}
	c.Hash = hash
	return c, nil
}

// BrokenError says where a chain first fails to verify.
type BrokenError struct {
	Org    string
	Seq    uint64 // the first entry that does not verify (or the missing one)
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit chain of %q broken at entry %d: %s", e.Org, e.Seq, e.Reason)
}

// Verifier checks a chain one entry at a time, in sequence order, so a long
// log is verified without holding it in memory.
type Verifier struct {
	org  string
	next uint64
	prev Hash
	err  error
}

// NewVerifier starts verifying the organisation's chain from its first
// entry.
func NewVerifier(org string) *Verifier {
	return &Verifier{org: org, next: 1, prev: Genesis(org)}
}

// Add checks the next entry. After the first failure it keeps returning the
// same *BrokenError.
func (v *Verifier) Add(e Entry) error {
	if v.err != nil {
		return v.err
	}
	fail := func(seq uint64, reason string) error {
		v.err = &BrokenError{Org: v.org, Seq: seq, Reason: reason}
		return v.err
	}
	switch {
	case e.Org != v.org:
		return fail(v.next, "an entry of another organisation is in the chain")
	case e.Seq < v.next:
		return fail(v.next, fmt.Sprintf("entry %d appears again or out of order", e.Seq))
	case e.Seq > v.next:
		return fail(v.next, fmt.Sprintf("entry is missing (next found is %d)", e.Seq))
	case e.Prev != v.prev:
		return fail(e.Seq, "it does not link to the entry before it (an entry was removed, replaced or moved)")
	case e.ComputeHash() != e.Hash:
		return fail(e.Seq, "its content does not match its hash (it was altered)")
	}
	v.prev = e.Hash
	v.next++
	return nil
}

// Head returns the checkpoint of the last entry verified, or a zero
// checkpoint when none was.
func (v *Verifier) Head() Checkpoint {
	if v.next == 1 {
		return Checkpoint{}
	}
	return Checkpoint{Seq: v.next - 1, Hash: v.prev}
}

// Check compares the verified chain with checkpoints taken earlier: each
// must name an entry that is still there with the same hash.
func (v *Verifier) Check(cps ...Checkpoint) error {
	if v.err != nil {
		return v.err
	}
	// Only the newest checkpoint can be checked without keeping history,
	// and it is the one that matters: the chain's links vouch for every
	// entry before it.
	var newest Checkpoint
	for _, c := range cps {
		if c.Seq > newest.Seq {
			newest = c
		}
	}
	if newest.Seq == 0 {
		return nil
	}
	head := v.Head()
	if head.Seq < newest.Seq {
		return &BrokenError{Org: v.org, Seq: head.Seq + 1, Reason: fmt.Sprintf("entries %d to %d, present at the checkpoint, are gone", head.Seq+1, newest.Seq)}
	}
	return nil
}

// Verify reads the organisation's whole chain from the store and checks it,
// and then the checkpoints. It returns the chain's head and a *BrokenError
// (test with errors.As) at the first entry that fails, or another error if
// the store fails.
func Verify(ctx context.Context, s Store, org string, checkpoints ...Checkpoint) (Checkpoint, error) {
	v := NewVerifier(org)
	want := map[uint64]Hash{}
	for _, c := range checkpoints {
		want[c.Seq] = c.Hash
	}
	err := s.Entries(ctx, org, 1, func(e Entry) error {
		if err := v.Add(e); err != nil {
			return err
		}
		if h, ok := want[e.Seq]; ok && h != e.Hash {
			v.err = &BrokenError{Org: org, Seq: e.Seq, Reason: "it differs from the checkpoint taken earlier (the chain was rewritten)"}
			return v.err
		}
		return nil
	})
	var be *BrokenError
	if errors.As(err, &be) {
		return v.Head(), err
	}
	if err != nil {
		return v.Head(), kernel.Wrap(kernel.ErrorCode(err), err, "reading the audit log")
	}
	return v.Head(), v.Check(checkpoints...)
}
