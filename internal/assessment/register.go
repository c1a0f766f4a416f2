package assessment

import (
	"bytes"
	"context"
	"io"
	"math"
	"runtime"
	"sync"

	"github.com/upstream-platform/upstream/internal/risk"
)

// Columns are the register's fields, in order (CSV columns, JSON keys), as
// the command line contract fixes them.
var Columns = []string{"id", "name", "country", "commodities", "tier", "inherent", "signals", "exposure", "level", "factors", "watchlist_hits",
	"inferred_commodities", "confidence", "missing"}

// Factor is one reason in a register row.
type Factor struct {
	Source       string  `json:"source"`
	Edition      string  `json:"edition"`
	Indicator    string  `json:"indicator"`
	Value        string  `json:"value"`
	Contribution float64 `json:"contribution"`
}

// Hit is one watchlist hit in a register row.
type Hit struct {
	List        string  `json:"list"`
	EntityID    string  `json:"entity_id"`
	EntityName  string  `json:"entity_name"`
	MatchedName string  `json:"matched_name"`
	Score       float64 `json:"score"`
}

// Row is one line of the register; field order is the column order.
// Numbers are rounded to two decimals for people to read.
type Row struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Country       string   `json:"country"`
	Commodities   []string `json:"commodities"`
	Tier          *int     `json:"tier"`
	Inherent      float64  `json:"inherent"`
	Signals       float64  `json:"signals"`
	Exposure      float64  `json:"exposure"`
	Level         string   `json:"level"`
	Factors       []Factor `json:"factors"`
	WatchlistHits []Hit    `json:"watchlist_hits"`
	// InferredCommodities are those of Commodities that were inferred
	// from a sector, a product type or a name rather than declared.
	InferredCommodities []string `json:"inferred_commodities"`
	// Confidence, 0..1, is the share of the own score resting on declared
	// data and evidence about the party.
	Confidence float64 `json:"confidence"`
	// Missing names what the score lacks; with it a party below high is
	// at level unknown.
	Missing []string `json:"missing"`
}

// round2 keeps two decimals: scores are read by people, and fixed rounding
// keeps output byte-identical across platforms.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Row builds the register line of party i.
func (a *Assessment) Row(i int) (Row, error) {
	var r Row
	err := a.rowInto(&r, i)
	return r, err
}

// rowInto builds the register line of party i in r, reusing r's slices.
func (a *Assessment) rowInto(r *Row, i int) error {
	p := &a.c.parties[i]
	g := a.c.goodsOf(p)
	*r = Row{ID: p.label(), Name: p.name, Country: p.country,
		Commodities: r.Commodities[:0],
		Inherent:    round2(a.inherent[i]), Signals: round2(a.signals[i]), Exposure: round2(a.exposure[i]),
		Level:   string(a.Level(i)),
		Factors: r.Factors[:0], WatchlistHits: r.WatchlistHits[:0],
		InferredCommodities: r.InferredCommodities[:0], Confidence: round2(a.Confidence(i)), Missing: r.Missing[:0]}
	// Empty lists are written [], not null.
	if r.Commodities == nil {
		r.Commodities = make([]string, 0, len(g.commodities)+len(g.unknown))
	}
	if r.Factors == nil {
		r.Factors = []Factor{}
	}
	if r.WatchlistHits == nil {
		r.WatchlistHits = []Hit{}
	}
	if r.InferredCommodities == nil {
		r.InferredCommodities = []string{}
	}
	if r.Missing == nil {
		r.Missing = []string{}
	}
	r.InferredCommodities = append(r.InferredCommodities, g.inferred...)
	r.Missing = a.appendMissing(r.Missing, i)
	r.Commodities = append(r.Commodities, g.commodities...)
	for _, u := range g.unknown {
		r.Commodities = append(r.Commodities, u+" (unrecognised)")
	}
	if t := int(a.tier[i]); t > 0 {
		r.Tier = &t
	}
	// The factors are Explain's, read without copying the score's.
	{
		fs := a.factors[i]
		for k := range fs {
			f := &fs[k]
			r.Factors = append(r.Factors, Factor{Source: f.Source, Edition: f.Edition, Indicator: f.Indicator, Value: f.Value, Contribution: round2(f.Contribution)})
		}
		if a.exposure[i]-a.own[i] >= 0.005 {
			f := risk.ExposureFactor(a.own[i], a.exposure[i], int(a.suppliers[i]))
			r.Factors = append(r.Factors, Factor{Source: f.Source, Edition: f.Edition, Indicator: f.Indicator, Value: f.Value, Contribution: round2(f.Contribution)})
		}
	}
	for _, h := range a.c.hits(p) {
		r.WatchlistHits = append(r.WatchlistHits, Hit{List: h.Entity.ListName, EntityID: h.Entity.ID, EntityName: h.Entity.Name,
			MatchedName: h.MatchedName, Score: round2(h.Score)})
	}
	return nil
}

// Encoder writes register rows in some format to the writer it was made
// for; Flush ends a run of rows. Encode must not keep the row's slices,
// which the next row reuses.
type Encoder interface {
	Encode(Row) error
	Flush() error
}

// encodeChunk is how many rows one worker encodes at a time.
const encodeChunk = 2048

// WriteRows writes every row in register order (see Order) to w. Rows are
// built and encoded on every core, a chunk at a time, each chunk by an
// Encoder newEncoder makes for a buffer; the chunks reach w in order, so
// the output is the same as one encoder writing every row. Memory in
// flight stays at a few chunks per core.
func (a *Assessment) WriteRows(ctx context.Context, w io.Writer, newEncoder func(io.Writer) Encoder) error {
	order := a.Order()
	chunks := (len(order) + encodeChunk - 1) / encodeChunk
	workers := runtime.GOMAXPROCS(0)
	type result struct {
		buf *bytes.Buffer
		err error
	}
	// One channel per chunk, filled by whichever worker took the chunk and
	// drained in order; slots bounds the chunks in flight.
	slots := make(chan struct{}, 2*workers)
	outs := make(chan chan result, 2*workers)
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(outs)
		for k := range chunks {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			ch := make(chan result, 1)
			outs <- ch
			go func(lo, hi int) {
				buf := pool.Get().(*bytes.Buffer)
				buf.Reset()
				enc := newEncoder(buf)
				var err error
				var r Row
				for _, i := range order[lo:hi] {
					if err = a.rowInto(&r, int(i)); err != nil {
						break
					}
					if err = enc.Encode(r); err != nil {
						break
					}
				}
				if err == nil {
					err = enc.Flush()
				}
				ch <- result{buf, err}
			}(k*encodeChunk, min((k+1)*encodeChunk, len(order)))
		}
	}()
	var err error
	for ch := range outs {
		r := <-ch
		<-slots
		if err == nil {
			err = r.err
			if err == nil {
				_, err = w.Write(r.buf.Bytes())
			}
			if err != nil {
				cancel()
			}
		}
		pool.Put(r.buf)
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// parallel runs fn over [0, n) in contiguous parts on every core and
// returns the first error.
func parallel(n int, fn func(lo, hi int) error) error {
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 || workers == 1 {
		return fn(0, n)
	}
	part := (n + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for k := range workers {
		lo, hi := k*part, min((k+1)*part, n)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = fn(lo, hi)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
