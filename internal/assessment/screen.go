package assessment

import (
	"cmp"
	"fmt"

	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/screening"
)

// Screener screens names in bulk; *screening.Index is one. SearchBatch
// must return one result per query, in the order of the queries, and be
// safe to call from another goroutine than the chain's.
type Screener interface {
	SearchBatch(qs []screening.Query, opts screening.Options) []screening.Result
}

// screenBatchSize is how many names go to the screener at a time: big
// enough to keep every core busy, small enough that results in flight stay
// small.
const screenBatchSize = 8192

// Screening screens the names of a chain's parties while the chain is
// being read, so that on a multi-core machine matching runs beside parsing.
// Start it before reading and call Finish once reading is done.
type Screening struct {
	c       *Chain
	ix      Screener
	pending []int32
	queries chan []screeningJob
	done    chan struct{}
	results []screened // in the order the batches were sent; read after done
}

type screeningJob struct {
	pos   int32
	query screening.Query
}

// screened is the outcome of one batch: every position screened, and the
// hits of the few that matched.
type screened struct {
	pos  []int32
	hits map[int32][]screening.Hit
}

// StartScreening screens every party added from now on (and every party
// added before) against ix; hits name their list through lists. A nil ix
// screens nothing. The chain must not be read concurrently with its own
// Party calls; the screening runs on copies of the names.
func (c *Chain) StartScreening(ix Screener, lists []*screening.Watchlist) *Screening {
	// Hits name the list of their entity, which for a file holding several
	// lists (the simple CSV's list column) is not the file's name.
	c.lists = map[string]screening.List{}
	for _, wl := range lists {
		c.lists[wl.List.Name] = wl.List
		for i := range wl.Entities {
			if _, ok := c.lists[wl.Entities[i].ListName]; !ok {
				c.lists[wl.Entities[i].ListName] = wl.List
			}
		}
	}
	s := &Screening{c: c, ix: ix}
	if ix == nil {
		return s
	}
	s.queries = make(chan []screeningJob, 2)
	s.done = make(chan struct{})
	go s.run()
	for i := range c.parties {
		s.add(int32(i))
	}
	c.screened = s.add
	return s
}

func (s *Screening) add(pos int32) {
	s.pending = append(s.pending, pos)
	if len(s.pending) >= screenBatchSize {
		s.send()
	}
}

// send hands the pending names to the screening goroutine; the names are
// copied here, so the chain may replace the parties afterwards.
func (s *Screening) send() {
	if len(s.pending) == 0 {
		return
	}
	batch := make([]screeningJob, len(s.pending))
	for k, i := range s.pending {
		p := &s.c.parties[i]
		batch[k] = screeningJob{pos: i, query: screening.Query{ID: p.id, Name: p.name, Country: p.country}}
	}
	s.pending = s.pending[:0]
	s.queries <- batch
}

func (s *Screening) run() {
	defer close(s.done)
	var qs []screening.Query
	for batch := range s.queries {
		qs = qs[:0]
		out := screened{pos: make([]int32, len(batch))}
		for k, j := range batch {
			qs = append(qs, j.query)
			out.pos[k] = j.pos
		}
		for k, r := range s.ix.SearchBatch(qs, screening.Options{}) {
			if len(r.Hits) == 0 {
				continue
			}
			if out.hits == nil {
				out.hits = map[int32][]screening.Hit{}
			}
			out.hits[batch[k].pos] = r.Hits
		}
		s.results = append(s.results, out)
	}
}

// Finish screens what is left, waits for the screening to end and gives
// each party the hits of its latest name. It returns the number of parties
// with hits.
func (s *Screening) Finish() int {
	if s.done == nil {
		return 0
	}
	s.c.screened = nil
	s.send()
	close(s.queries)
	<-s.done
	n := 0
	c := s.c
	for _, r := range s.results {
		for _, i := range r.pos {
			// A later batch holds a later name.
			if h := r.hits[i]; h != nil {
				c.moreOf(i).hits = h
			} else if m := c.parties[i].more; m != 0 {
				c.more[m].hits = nil
			}
		}
	}
	for k := range c.more {
		if len(c.more[k].hits) > 0 {
			n++
		}
	}
	s.results = nil
	return n
}

// Screen screens every party of the chain against ix: StartScreening and
// Finish at once, for a chain already read.
func (c *Chain) Screen(ix Screener, lists []*screening.Watchlist) int {
	return c.StartScreening(ix, lists).Finish()
}

// hitSignals turns a party's hits into possible-match signals: a hit found
// by screening has not been reviewed, so it is never a confirmed match.
func (c *Chain) hitSignals(p *party) []risk.Signal {
	m := &c.more[p.more]
	if len(m.hits) == 0 {
		return m.signals
	}
	out := make([]risk.Signal, 0, len(m.signals)+len(m.hits))
	out = append(out, m.signals...)
	for _, h := range m.hits {
		l := c.lists[h.Entity.ListName]
		src := cmp.Or(l.Source, h.Entity.ListName)
		if h.Entity.ListName != l.Name && h.Entity.ListName != "" {
			src = h.Entity.ListName + " (" + cmp.Or(l.Source, l.Name) + ")"
		}
		edition := ""
		if !l.Published.IsZero() {
			edition = l.Published.Format("2006-01-02")
		}
		out = append(out, risk.Signal{Kind: risk.WatchlistPossible, Value: h.Score, Source: src, Edition: edition,
			Note: fmt.Sprintf("%q resembles %q (%s %s)", p.name, h.MatchedName, h.Entity.ListName, h.Entity.ID)})
	}
	return out
}
