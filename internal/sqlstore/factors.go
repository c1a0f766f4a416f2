package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Stored factors. A score's factors are a JSON array with one array per
// factor:
//
//	[kind, source, edition, indicator, "value", points, contribution]
//
// where kind, source, edition and indicator are numbers of texts in the
// organisation's factor_texts, and value (which names the party's country,
// commodity or suppliers) is kept as it is. Rows written before there was a
// dictionary hold an array of objects with the texts themselves; both
// forms are read. Numbers are written in their shortest exact form, so a
// factor reads back as it was saved, and the same factors always encode to
// the same text, which SaveRisk relies on to see that a score is unchanged.

// factorDict is one organisation's factor texts.
type factorDict struct {
	ids   map[string]int64
	texts map[int64]string
	next  int64
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// loadFactorDict reads the organisation's factor texts.
func loadFactorDict(ctx context.Context, q queryer, orgID string) (*factorDict, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, text FROM factor_texts WHERE org_id = $1", orgID)
	if err != nil {
		return nil, classify(err, "factor texts")
	}
	defer rows.Close()
	d := &factorDict{ids: map[string]int64{}, texts: map[int64]string{}, next: 1}
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, classify(err, "factor texts")
		}
		d.ids[text], d.texts[id] = id, text
		d.next = max(d.next, id+1)
	}
	return d, classify(rows.Err(), "factor texts")
}

// encode returns the stored form of fs, numbering texts the dictionary has
// not seen through add, which must store them before the transaction ends.
func (d *factorDict) encode(fs []supplychain.Factor, add func(id int64, text string) error) (string, error) {
	if len(fs) == 0 {
		return "[]", nil
	}
	num := func(text string) (int64, error) {
		if id, ok := d.ids[text]; ok {
			return id, nil
		}
		id := d.next
		if err := add(id, text); err != nil {
			return 0, err
		}
		d.next++
		d.ids[text], d.texts[id] = id, text
		return id, nil
	}
	b := make([]byte, 0, 64*len(fs))
	b = append(b, '[')
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for _, text := range []string{f.Kind, f.Source, f.Edition, f.Indicator} {
			id, err := num(text)
			if err != nil {
				return "", err
			}
			b = strconv.AppendInt(b, id, 10)
			b = append(b, ',')
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return "", err
		}
		b = append(b, v...)
		for _, x := range []float64{f.Points, f.Contribution} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return "", fmt.Errorf("factor %q: %v is not a number that can be stored", f.Indicator, x)
			}
			b = append(b, ',')
			b = strconv.AppendFloat(b, x, 'g', -1, 64)
		}
		b = append(b, ']')
	}
	return string(append(b, ']')), nil
}

// decode reads a stored factors column.
func (d *factorDict) decode(s string) ([]supplychain.Factor, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	if strings.HasPrefix(s, "[{") {
		var fs []supplychain.Factor
		err := json.Unmarshal([]byte(s), &fs)
		return fs, err
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal([]byte(s), &rows); err != nil {
		return nil, err
	}
	fs := make([]supplychain.Factor, len(rows))
	for i, r := range rows {
		if len(r) != 7 {
			return nil, fmt.Errorf("factor %d has %d fields, want 7", i+1, len(r))
		}
		texts := make([]string, 4)
		for k := range texts {
			id, err := strconv.ParseInt(string(r[k]), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("factor %d: text number %s: %w", i+1, r[k], err)
			}
			t, ok := d.texts[id]
			if !ok {
				return nil, fmt.Errorf("factor %d: text %d: %w", i+1, id, errUnknownText)
			}
			texts[k] = t
		}
		f := supplychain.Factor{Kind: texts[0], Source: texts[1], Edition: texts[2], Indicator: texts[3]}
		if err := json.Unmarshal(r[4], &f.Value); err != nil {
			return nil, fmt.Errorf("factor %d value: %w", i+1, err)
		}
		var err error
		if f.Points, err = strconv.ParseFloat(string(r[5]), 64); err != nil {
			return nil, fmt.Errorf("factor %d points: %w", i+1, err)
		}
		if f.Contribution, err = strconv.ParseFloat(string(r[6]), 64); err != nil {
			return nil, fmt.Errorf("factor %d contribution: %w", i+1, err)
		}
		fs[i] = f
	}
	return fs, nil
}

// errUnknownText is a stored factor naming a text the dictionary in hand
// does not hold: one written after the dictionary was read.
var errUnknownText = errors.New("not among the organisation's factor texts")

// factorReader decodes the factors of rows read outside the transaction
// that wrote them. It reads the dictionary when the first row needs it,
// and once more when a row names a text written since: texts are only
// ever added, so a dictionary read later holds every text of a row read
// earlier.
type factorReader struct {
	ctx  context.Context
	q    queryer
	org  string
	dict *factorDict
}

func (fr *factorReader) decode(s string) ([]supplychain.Factor, error) {
	if s == "" || s == "[]" || strings.HasPrefix(s, "[{") {
		return (*factorDict)(nil).decode(s)
	}
	for attempt := 0; ; attempt++ {
		if fr.dict == nil || attempt > 0 {
			d, err := loadFactorDict(fr.ctx, fr.q, fr.org)
			if err != nil {
				return nil, err
			}
			fr.dict = d
		}
		fs, err := fr.dict.decode(s)
		if !errors.Is(err, errUnknownText) || attempt > 0 {
			return fs, err
		}
	}
}

// lockFactorTexts keeps two transactions from numbering the same
// organisation's new texts at once. SQLite has one writer already; on
// PostgreSQL a transaction-scoped advisory lock on the organisation does
// it, without touching rows that other writers lock.
func (db *DB) lockFactorTexts(ctx context.Context, tx *sql.Tx, orgID string) error {
	if db.Engine != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('factor_texts:' || $1, 0))", orgID); err != nil {
		return kernel.Wrap(kernel.Internal, err, "lock factor texts")
	}
	return nil
}
