package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Hash is a SHA-256 digest.
type Hash [sha256.Size]byte

// String returns the digest in hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash reads a hex digest.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, kernel.Errorf(kernel.Invalid, "a hash is 64 hexadecimal characters")
	}
	copy(h[:], b)
	return h, nil
}

// Record is what a caller asks to log.
type Record struct {
	Org    string // organisation id; empty for system-wide events
	Actor  string // user id, or "system", or "reporter" (never more about a reporter)
	Action string // dotted code, e.g. "grievance.report.view"
	Object string // "table:id" of what was acted on
	// Detail adds codes and identifiers (a reason code, a stage, a count).
	// Never put report content, names or contact details here.
	Detail map[string]string
}

// Entry is one stored audit log entry.
type Entry struct {
	Org    string
	Seq    uint64 // 1 for the first entry of the organisation's chain
	Time   time.Time
	Actor  string
	Action string
	Object string
	Detail map[string]string
	Prev   Hash // Hash of the previous entry, or the chain's genesis value
	Hash   Hash // SHA-256 of the canonical encoding of everything above
}

// Limits keep entries small and make it hard to smuggle content into them.
const (
	maxField       = 200
	maxDetailPairs = 16
	maxDetailKey   = 40
	maxDetailValue = 200
)

// Validate checks a record before it is appended.
func (r Record) Validate() error {
	if r.Actor == "" || r.Action == "" {
		return kernel.Errorf(kernel.Invalid, "an audit record needs an actor and an action")
	}
	for _, f := range []string{r.Org, r.Actor, r.Object} {
		if len(f) > maxField || !utf8.ValidString(f) {
			return kernel.Errorf(kernel.Invalid, "audit fields must be valid text of at most %d bytes", maxField)
		}
	}
	if !isCode(r.Action, maxField) {
		return kernel.Errorf(kernel.Invalid, "an audit action is lower-case letters, digits, '.' and '_'")
	}
	if len(r.Detail) > maxDetailPairs {
		return kernel.Errorf(kernel.Invalid, "an audit record has at most %d details", maxDetailPairs)
	}
	for k, v := range r.Detail {
		if !isCode(k, maxDetailKey) {
			return kernel.Errorf(kernel.Invalid, "audit detail keys are lower-case codes of at most %d bytes", maxDetailKey)
		}
		if len(v) > maxDetailValue || !utf8.ValidString(v) {
			return kernel.Errorf(kernel.Invalid, "audit detail values must be valid text of at most %d bytes", maxDetailValue)
		}
	}
	return nil
}

func isCode(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// Genesis is the Prev value of an organisation's first entry. It depends on
// the organisation so entries cannot be spliced from one chain into another.
func Genesis(org string) Hash {
	h := sha256.New()
	h.Write([]byte("upstream/audit/genesis/v1\x00"))
	h.Write([]byte(org))
	var out Hash
	h.Sum(out[:0])
	return out
}

// Canonical returns the encoding that Hash covers (version 1): a domain
// label, then each field length-prefixed, integers big-endian, the time as
// Unix microseconds, and details sorted by key. It is stable across Go
// versions and independent of how the store keeps the fields.
func (e Entry) Canonical() []byte {
	b := make([]byte, 0, 256)
	b = append(b, "upstream/audit/v1\x00"...)
	str := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	str(e.Org)
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro()))
	str(e.Actor)
	str(e.Action)
	str(e.Object)
	keys := make([]string, 0, len(e.Detail))
	for k := range e.Detail {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.BigEndian.AppendUint32(b, uint32(len(keys)))
	for _, k := range keys {
		str(k)
		str(e.Detail[k])
	}
	b = append(b, e.Prev[:]...)
	return b
}

// ComputeHash returns the hash the entry should carry.
func (e Entry) ComputeHash() Hash { return sha256.Sum256(e.Canonical()) }

// Next builds the entry that follows head (nil for an empty chain) for the
// record at time now. Times are kept to the microsecond in UTC, which both
// SQL engines store exactly.
func Next(head *Entry, r Record, now time.Time) (Entry, error) {
	if err := r.Validate(); err != nil {
		return Entry{}, err
	}
	e := Entry{
		Org: r.Org, Seq: 1, Time: now.UTC().Truncate(time.Microsecond),
		Actor: r.Actor, Action: r.Action, Object: r.Object,
		Detail: cloneDetail(r.Detail), Prev: Genesis(r.Org),
	}
	if head != nil {
		if head.Org != r.Org {
			return Entry{}, kernel.Errorf(kernel.Internal, "audit head belongs to another organisation")
		}
		e.Seq = head.Seq + 1
		e.Prev = head.Hash
	}
	e.Hash = e.ComputeHash()
	return e, nil
}

func cloneDetail(d map[string]string) map[string]string {
	if len(d) == 0 {
		return nil
	}
	out := make(map[string]string, len(d))
	for k, v := range d {
		out[k] = v
	}
	return out
}

// Store keeps audit entries. A SQL adapter implements it over a table with
// primary key (org, seq) and grants the application no UPDATE or DELETE on
// it.
type Store interface {
	// Head returns the newest entry of the organisation's chain, or a
	// NotFound error when the chain is empty.
	Head(ctx context.Context, org string) (Entry, error)
	// Insert adds an entry. It returns a Conflict error when an entry with
	// the same organisation and sequence number exists (another writer got
	// there first); it never replaces an entry.
	Insert(ctx context.Context, e Entry) error
	// Entries calls fn for every entry of the organisation's chain with
	// Seq >= from, in increasing Seq order, and stops at the first error fn
	// returns, returning it.
	Entries(ctx context.Context, org string, from uint64, fn func(Entry) error) error
}

// maxAppendRetries bounds retries when concurrent writers race for the same
// sequence number.
const maxAppendRetries = 20

// Append adds a record to its organisation's chain and returns the stored
// entry. Concurrent appends are safe: the loser of a race on a sequence
// number rereads the head and tries again.
func Append(ctx context.Context, s Store, clock kernel.Clock, r Record) (Entry, error) {
	for range maxAppendRetries {
		var head *Entry
		h, err := s.Head(ctx, r.Org)
		switch {
		case err == nil:
			head = &h
		case kernel.IsCode(err, kernel.NotFound):
		default:
			return Entry{}, err
		}
		e, err := Next(head, r, clock.Now())
		if err != nil {
			return Entry{}, err
		}
		err = s.Insert(ctx, e)
		if err == nil {
			return e, nil
		}
		if !kernel.IsCode(err, kernel.Conflict) {
			return Entry{}, err
		}
		if err := ctx.Err(); err != nil {
			return Entry{}, err
		}
	}
	return Entry{}, kernel.Errorf(kernel.Unavailable, "the audit log is busy; try again")
}

// Query selects entries for people to read, newest first. Zero fields do
// not filter.
type Query struct {
	Actor        string // a user id
	ActionPrefix string // "grievance." for every case action
	Object       string // exactly "table:id"
	Since, Until time.Time
	Before       uint64 // only entries with a smaller Seq: the next page
	Limit        int    // at most kernel.MaxPageLimit; 0 means 50
}

// Reader lists an organisation's entries for the audit-log page.
type Reader interface {
	Recent(ctx context.Context, org string, q Query) ([]Entry, error)
}
