package audit_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// memStore is an in-memory audit.Store; tests reach into entries to tamper.
type memStore struct {
	mu      sync.Mutex
	entries map[string][]audit.Entry
}

var _ audit.Store = (*memStore)(nil)

func newMem() *memStore { return &memStore{entries: map[string][]audit.Entry{}} }

func (m *memStore) Head(_ context.Context, org string) (audit.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	es := m.entries[org]
	if len(es) == 0 {
		return audit.Entry{}, kernel.Errorf(kernel.NotFound, "empty")
	}
	return es[len(es)-1], nil
}

func (m *memStore) Insert(_ context.Context, e audit.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	es := m.entries[e.Org]
	if uint64(len(es)) >= e.Seq {
		return kernel.Errorf(kernel.Conflict, "seq taken")
	}
	m.entries[e.Org] = append(es, e)
	return nil
}

func (m *memStore) Entries(_ context.Context, org string, from uint64, fn func(audit.Entry) error) error {
	m.mu.Lock()
	es := slices.Clone(m.entries[org])
	m.mu.Unlock()
	for _, e := range es {
		if e.Seq < from {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func fill(t *testing.T, s *memStore, org string, n int) {
	t.Helper()
	if err := fillErr(s, org, n); err != nil {
		t.Fatal(err)
	}
}

func fillT(s *memStore, org string, n int) {
	if err := fillErr(s, org, n); err != nil {
		panic(err)
	}
}

func fillErr(s *memStore, org string, n int) error {
	clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 123456789, time.UTC)}
	for i := range n {
		_, err := audit.Append(context.Background(), s, clock, audit.Record{
			Org: org, Actor: "user-1", Action: "grievance.report.view",
			Object: fmt.Sprintf("grievance_report:%d", i), Detail: map[string]string{"stage": "received", "n": fmt.Sprint(i)},
		})
		if err != nil {
			return err
		}
		clock.Advance(time.Second)
	}
	return nil
}

func TestAppendBuildsAChain(t *testing.T) {
	s := newMem()
	fill(t, s, "org-a", 5)
	fill(t, s, "org-b", 2)
	head, err := audit.Verify(context.Background(), s, "org-a")
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq != 5 || head.Hash != s.entries["org-a"][4].Hash {
		t.Fatalf("head %v", head)
	}
	es := s.entries["org-a"]
	if es[0].Prev != audit.Genesis("org-a") || es[1].Prev != es[0].Hash {
		t.Fatal("entries are not linked")
	}
	if es[0].Time.Nanosecond()%1000 != 0 || es[0].Time.Location() != time.UTC {
		t.Fatal("time is not kept to the microsecond in UTC")
	}
	if audit.Genesis("org-a") == audit.Genesis("org-b") {
		t.Fatal("chains share a genesis")
	}
	if _, err := audit.Verify(context.Background(), s, "org-c"); err != nil {
		t.Fatalf("empty chain: %v", err)
	}
}

// TestCanonicalIsStable pins the encoding: changing it would make every
// stored chain fail to verify, so it must take a new version instead.
func TestCanonicalIsStable(t *testing.T) {
	e := audit.Entry{
		Org: "org", Seq: 7, Time: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC),
		Actor: "u", Action: "a.b", Object: "t:1", Detail: map[string]string{"z": "1", "a": "2"},
		Prev: audit.Genesis("org"),
	}
	const want = "987a1daf49b444d79717d23293c2ec89ff8e14ade1ceba7d04a946311ebf0be4"
	got := e.ComputeHash().String()
	if got != want {
		t.Fatalf("canonical hash changed: %s", got)
	}
	// Detail order must not matter.
	e2 := e
	e2.Detail = map[string]string{"a": "2", "z": "1"}
	if e2.ComputeHash() != e.ComputeHash() {
		t.Fatal("detail order changes the hash")
	}
	// Field boundaries must matter.
	e3 := e
	e3.Actor, e3.Action = "ua", ".b"
	if e3.ComputeHash() == e.ComputeHash() {
		t.Fatal("moving a boundary keeps the hash")
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(es []audit.Entry) []audit.Entry
		wantSeq uint64
	}{
		{"altered actor", func(es []audit.Entry) []audit.Entry { es[3].Actor = "someone-else"; return es }, 4},
		{"altered detail", func(es []audit.Entry) []audit.Entry { es[2].Detail["stage"] = "closed"; return es }, 3},
		{"altered time", func(es []audit.Entry) []audit.Entry { es[5].Time = es[5].Time.Add(time.Hour); return es }, 6},
		{"altered and rehashed", func(es []audit.Entry) []audit.Entry {
			es[4].Action = "grievance.report.export"
			es[4].Hash = es[4].ComputeHash()
			return es
		}, 6},
		{"deleted in the middle", func(es []audit.Entry) []audit.Entry { return slices.Delete(es, 4, 5) }, 5},
		{"deleted and renumbered", func(es []audit.Entry) []audit.Entry {
			es = slices.Delete(es, 4, 5)
			for i := 4; i < len(es); i++ {
				es[i].Seq--
			}
			return es
		}, 5},
		{"first deleted", func(es []audit.Entry) []audit.Entry { return es[1:] }, 1},
		{"two swapped", func(es []audit.Entry) []audit.Entry { es[2], es[3] = es[3], es[2]; return es }, 3},
		{"two swapped with numbers kept", func(es []audit.Entry) []audit.Entry {
			es[2], es[3] = es[3], es[2]
			es[2].Seq, es[3].Seq = 3, 4
			return es
		}, 3},
		{"duplicated", func(es []audit.Entry) []audit.Entry { return slices.Insert(es, 3, es[2]) }, 4},
		{"spliced from another chain", func(es []audit.Entry) []audit.Entry { es[0].Org = "org-b"; return es }, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newMem()
			fill(t, s, "org-a", 8)
			es := s.entries["org-a"]
			for i := range es {
				es[i].Detail = map[string]string{"stage": es[i].Detail["stage"], "n": es[i].Detail["n"]}
			}
			s.entries["org-a"] = c.edit(es)
			_, err := audit.Verify(context.Background(), s, "org-a")
			var be *audit.BrokenError
			if !errors.As(err, &be) {
				t.Fatalf("not detected: %v", err)
			}
			if be.Seq != c.wantSeq {
				t.Fatalf("broken at %d (%s), want %d", be.Seq, be.Reason, c.wantSeq)
			}
		})
	}
}

func TestCheckpointsCatchTruncationAndRewrites(t *testing.T) {
	ctx := context.Background()
	s := newMem()
	fill(t, s, "org-a", 6)
	cp, err := audit.Verify(ctx, s, "org-a")
	if err != nil {
		t.Fatal(err)
	}
	text := cp.String()
	back, err := audit.ParseCheckpoint(text)
	if err != nil || back != cp {
		t.Fatalf("checkpoint text %q: %v", text, err)
	}

	// Removing entries from the end leaves a valid chain, which only the
	// checkpoint exposes.
	s.entries["org-a"] = s.entries["org-a"][:4]
	if _, err := audit.Verify(ctx, s, "org-a"); err != nil {
		t.Fatalf("truncated chain without checkpoint: %v", err)
	}
	_, err = audit.Verify(ctx, s, "org-a", cp)
	var be *audit.BrokenError
	if !errors.As(err, &be) || be.Seq != 5 {
		t.Fatalf("truncation not caught: %v", err)
	}

	// Rewriting the whole chain from some point produces a valid chain
	// whose hashes no longer match the checkpoint.
	s2 := newMem()
	fill(t, s2, "org-a", 6)
	cp2, _ := audit.Verify(ctx, s2, "org-a")
	es := s2.entries["org-a"][:3]
	s2.entries["org-a"] = es
	clock := &kernel.FixedClock{T: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	for range 3 {
		if _, err := audit.Append(ctx, s2, clock, audit.Record{Org: "org-a", Actor: "x", Action: "forged"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := audit.Verify(ctx, s2, "org-a"); err != nil {
		t.Fatalf("rewritten chain is internally valid: %v", err)
	}
	if _, err := audit.Verify(ctx, s2, "org-a", cp2); !errors.As(err, &be) || be.Seq != 6 {
		t.Fatalf("rewrite not caught: %v", err)
	}

	for _, bad := range []string{"", "5", "0:" + strings.Repeat("0", 64), "3:xyz", "3:" + strings.Repeat("0", 63)} {
		if _, err := audit.ParseCheckpoint(bad); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestRecordValidation(t *testing.T) {
	ok := audit.Record{Org: "o", Actor: "u", Action: "grievance.report.view", Object: "grievance_report:1"}
	cases := []struct {
		name string
		edit func(*audit.Record)
	}{
		{"no actor", func(r *audit.Record) { r.Actor = "" }},
		{"no action", func(r *audit.Record) { r.Action = "" }},
		{"action with spaces", func(r *audit.Record) { r.Action = "viewed report" }},
		{"long object", func(r *audit.Record) { r.Object = strings.Repeat("x", 300) }},
		{"bad utf8", func(r *audit.Record) { r.Actor = "\xff" }},
		{"long detail value", func(r *audit.Record) { r.Detail = map[string]string{"note": strings.Repeat("x", 300)} }},
		{"free-form detail key", func(r *audit.Record) { r.Detail = map[string]string{"Reporter Name": "x"} }},
		{"too many details", func(r *audit.Record) {
			r.Detail = map[string]string{}
			for i := range 20 {
				r.Detail[fmt.Sprintf("k%d", i)] = "v"
			}
		}},
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ok
			c.edit(&r)
			if err := r.Validate(); !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("got %v", err)
			}
			if _, err := audit.Append(context.Background(), newMem(), &kernel.FixedClock{}, r); err == nil {
				t.Fatal("appended")
			}
		})
	}
}

func TestConcurrentAppends(t *testing.T) {
	s := newMem()
	clock := &kernel.FixedClock{T: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				if _, err := audit.Append(context.Background(), s, clock, audit.Record{Org: "o", Actor: fmt.Sprint(w), Action: "x", Object: fmt.Sprint(i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	head, err := audit.Verify(context.Background(), s, "o")
	if err != nil || head.Seq != 200 {
		t.Fatalf("head %v: %v", head, err)
	}
}

func TestStoreErrorsPassThrough(t *testing.T) {
	boom := kernel.Errorf(kernel.Unavailable, "db down")
	s := failing{err: boom}
	if _, err := audit.Append(context.Background(), s, &kernel.FixedClock{}, audit.Record{Actor: "u", Action: "a"}); !errors.Is(err, boom) {
		t.Fatalf("append: %v", err)
	}
	if _, err := audit.Verify(context.Background(), s, "o"); !kernel.IsCode(err, kernel.Unavailable) {
		t.Fatalf("verify: %v", err)
	}
}

type failing struct{ err error }

func (f failing) Head(context.Context, string) (audit.Entry, error) { return audit.Entry{}, f.err }
func (f failing) Insert(context.Context, audit.Entry) error         { return f.err }
func (f failing) Entries(context.Context, string, uint64, func(audit.Entry) error) error {
	return f.err
}

func BenchmarkAppendVerify(b *testing.B) {
	rec := audit.Record{Org: "o", Actor: "user", Action: "grievance.report.view", Object: "grievance_report:0193a1b2-0000-7000-8000-000000000000", Detail: map[string]string{"stage": "investigating"}}
	var head *audit.Entry
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		e, err := audit.Next(head, rec, now)
		if err != nil {
			b.Fatal(err)
		}
		head = &e
	}
}
