package assessment

import (
	"bufio"
	"context"
	"io"
	"iter"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Normalisers turn country and commodity names as written into canonical
// codes for the importers; see ingest.Options for each function's meaning.
type Normalisers struct {
	Country   func(raw string) (alpha2 string, err error)
	Commodity func(raw string) (id string, known bool)
	// Infer guesses a facility's goods from its sector, product type and
	// name (see ingest.Options.Infer).
	Infer func(sector, productType, name string) (ids []string, from string)
	// KmOutside tells how far a point lies outside a country (see
	// ingest.Options); nil checks nothing.
	KmOutside func(alpha2 string, lat, lng float64) (km float64, known bool)
}

// StandardNormalisers resolves countries through package country and
// commodities and sectors through package commodity.
func StandardNormalisers() Normalisers {
	return Normalisers{
		Country: func(raw string) (string, error) {
			// The error already names the closest known country.
			c, err := country.Lookup(raw)
			if err != nil {
				return "", err
			}
			return c.Alpha2, nil
		},
		Commodity: func(raw string) (string, bool) {
			// An unknown name gets an id derived from it and known=false,
			// so it is kept and flagged.
			c, known := commodity.Normalise(raw)
			return c.ID, known
		},
		Infer: func(sector, productType, name string) ([]string, string) {
			in := commodity.Infer(sector, productType, name)
			return in.IDs, in.From
		},
		KmOutside: func(alpha2 string, lat, lng float64) (float64, bool) {
			w, err := geo.Default()
			if err != nil {
				return 0, false // the built-in map is checked by its own tests
			}
			return w.KmOutside(alpha2, lat, lng)
		},
	}
}

// Options returns importer options for the file called name.
func (n Normalisers) Options(name string, skipBadRows bool) ingest.Options {
	return ingest.Options{Name: name, Country: n.Country, Commodity: n.Commodity, Infer: n.Infer, KmOutside: n.KmOutside, SkipBadRows: skipBadRows}
}

// Read imports r (a supplier file called name, in any supported format)
// into the chain. A buyer may be a party read from an earlier file.
func (c *Chain) Read(ctx context.Context, r io.Reader, name string, n Normalisers, skipBadRows bool) (ingest.Result, error) {
	opts := n.Options(name, skipBadRows)
	opts.KnownRef = func(ref string) bool { return c.Has(supplychain.RefID(ref)) }
	return ingest.Import(ctx, r, opts, c)
}

// ImportWriter receives one import inside the store's transaction.
type ImportWriter = supplychain.ImportWriter

// Store is what the stored pipeline needs of the database. Error contract
// as for supplychain.Store: kernel.NotFound when the organisation does not
// exist, kernel.Invalid for rows the model refuses; a failed call writes
// nothing.
type Store interface {
	// Import runs fn inside one write transaction, committing what it wrote
	// when fn returns nil and nothing otherwise.
	Import(ctx context.Context, orgID string, fn func(w ImportWriter) error) error
	// Graph returns every party of the organisation, with what scoring
	// needs, and every link.
	Graph(ctx context.Context, orgID string) ([]supplychain.GraphParty, []supplychain.Link, error)
	// SaveRisk replaces the stored risk of the organisation's parties,
	// reading rs as it writes; an error from rs rolls back.
	SaveRisk(ctx context.Context, orgID string, rs iter.Seq2[supplychain.PartyRisk, error]) error
}

// PendingStore keeps the mark that an organisation's stored risk is due
// for a recompute. The store sets it in the same transaction as an import;
// Recompute clears it once the new scores are stored, so an import whose
// process died before its recompute is finished at the next start (which
// recomputes every marked organisation).
type PendingStore interface {
	// RecomputePending returns 0 when no recompute is due, else a number
	// that changes with each import.
	RecomputePending(ctx context.Context, orgID string) (int64, error)
	// ClearRecompute removes the mark if it is still seen.
	ClearRecompute(ctx context.Context, orgID string, seen int64) error
}

// SignalSource gives the risk signals of an organisation's parties that
// come from outside the supplier files, by party id: reviewed watchlist
// hits (confirmed, or still possible), grievances, audit findings.
type SignalSource interface {
	PartySignals(ctx context.Context, orgID string) (map[string][]risk.Signal, error)
}

// Service stores supplier files and keeps an organisation's stored risk up
// to date. The web upload and `upstream import` call it.
type Service struct {
	Store       Store
	Engine      *risk.Engine
	Normalisers Normalisers
	// Signals is optional: without it only the reference data scores.
	Signals SignalSource
	// Pending is optional: with it a recompute clears the import's mark.
	Pending PendingStore
	// Matcher is optional: with it an import merges the facilities it
	// reads into the stored ones they match and queues the possible
	// duplicates (the Store's writer must then be a
	// supplychain.FacilityMergeWriter).
	Matcher *facilitymatch.Matcher
	// Clock dates merges; nil is the system clock.
	Clock kernel.Clock
	// AuditLog records deletions of stored audits; without it they are
	// refused.
	AuditLog audit.Store
}

// NamedFile is one uploaded or named supplier file. Open is called once,
// inside the import, and what it returns is closed after reading.
type NamedFile struct {
	Name string
	Open func() (io.ReadCloser, error)
	// Format, when set, is the file's format; empty recognises it from
	// the content.
	Format ingest.Format
}

// ReaderFile names a reader that is already open (an upload held in
// memory or on disk by the caller, who closes it).
func ReaderFile(name string, r io.Reader) NamedFile {
	return NamedFile{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(r), nil }}
}

// FileResult is what the import read of one file, with its row errors
// (file, line, column and reason) and warnings.
type FileResult struct {
	Name string
	ingest.Result
	// Failed is set on the file whose bad input stopped the import.
	Failed bool
}

// Summary says what ImportAndRecompute did: one result per file read, in
// the order given (a failed import stops at the file that failed, marked
// Failed; audit files are stored last, so one may have failed after a
// later supplier file was read), the totals, and the
// parties of the organisation at each level after the recompute, with the
// total under "". Levels is nil when nothing was stored.
type Summary struct {
	Files  []FileResult
	Total  ingest.Result
	Levels map[risk.Level]int
	// Matching says what the facility matcher merged and queued.
	Matching MatchSummary
}

// ImportAndRecompute imports every file into the organisation in one
// transaction, so that a bad row in any file (without skipBadRows) writes
// nothing at all, and then recomputes the organisation's risk. A buyer_id
// may name a party stored by an earlier import. Bad input returns
// kernel.Invalid naming the first bad row; the Summary still holds every
// file's row errors.
//
// Audit and certification files are read with the supplier files but
// stored after all of them, so that an audit may name a supplier of any
// file of the same import; each audit must name a stored party.
func (s *Service) ImportAndRecompute(ctx context.Context, orgID string, files []NamedFile, skipBadRows bool) (Summary, error) {
	sum, err := s.Import(ctx, orgID, files, skipBadRows)
	if err != nil {
		return sum, err
	}
	sum.Levels, err = s.Recompute(ctx, orgID)
	return sum, err
}

// Import is ImportAndRecompute without the recompute: the files are
// stored, facilities matched and merged, in one transaction, and the
// organisation is marked due for a recompute.
func (s *Service) Import(ctx context.Context, orgID string, files []NamedFile, skipBadRows bool) (Summary, error) {
	var sum Summary
	read := make([]*FileResult, len(files)) // nil for a file not read
	add := func(i int, res ingest.Result, err error) {
		read[i] = &FileResult{Name: files[i].Name, Result: res, Failed: err != nil}
		sum.Total.Rows += res.Rows
		sum.Total.Parties += res.Parties
		sum.Total.Links += res.Links
		sum.Total.Audits += res.Audits
		sum.Total.Skipped += res.Skipped
		sum.Total.UnusedEvents += res.UnusedEvents
		sum.Total.ErrorCount += res.ErrorCount
	}
	ctx, cancel := context.WithCancel(ctx) // stops a matcher started early when the import fails
	defer cancel()
	err := s.Store.Import(ctx, orgID, func(w ImportWriter) error {
		facilities := &readFacilities{ImportWriter: w, origins: map[string]supplychain.Origin{},
			origin: supplychain.Origin{ImportID: kernel.NewID()}}
		var scored <-chan scoredFacilities // the matcher's work, when started before the last flush
		if lw, ok := w.(supplychain.EventLedgerWriter); ok {
			facilities.ledger = &eventLedger{w: lw}
		}
		var audits []auditFile
		for i, f := range files {
			facilities.origin.File = f.Name
			if facilities.ledger != nil {
				// Links of the last file are not kept for later ones.
				facilities.ledger.lastFile = i == len(files)-1
			}
			res, af, err := s.importFile(ctx, facilities, f, skipBadRows)
			if af != nil && err == nil {
				af.index = i
				audits = append(audits, *af)
				continue
			}
			if err == nil && i == len(files)-1 {
				scored, err = s.scoreEarly(ctx, w, facilities)
			}
			if err == nil {
				err = w.Flush()
			}
			if err == nil && facilities.ledger != nil {
				err = facilities.ledger.settle(&res, facilities.origin, s.clock().Now())
			}
			add(i, res, err)
			if err != nil {
				return err
			}
		}
		for _, af := range audits {
			res, err := storeAudits(w, af, skipBadRows)
			add(af.index, res, err)
			if err != nil {
				return err
			}
		}
		if s.Matcher == nil {
			return nil
		}
		mw, ok := w.(supplychain.FacilityMergeWriter)
		if !ok {
			return kernel.Errorf(kernel.Internal, "the store cannot merge facilities")
		}
		var err error
		sum.Matching, err = s.matchImported(ctx, mw, facilities, scored)
		return err
	})
	for _, r := range read {
		if r != nil {
			sum.Files = append(sum.Files, *r)
		}
	}
	return sum, err
}

// importFile imports one supplier file, or reads an audit file and
// returns it to be stored after the supplier files.
func (s *Service) importFile(ctx context.Context, w ImportWriter, f NamedFile, skipBadRows bool) (ingest.Result, *auditFile, error) {
	rc, err := f.Open()
	if err != nil {
		return ingest.Result{}, nil, kernel.Wrap(kernel.Invalid, err, "cannot open %s", f.Name)
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	format := f.Format
	if format == "" {
		if format, err = ingest.Detect(br, f.Name); err != nil {
			return ingest.Result{}, nil, err
		}
	}
	if format == ingest.FormatAudits {
		af, err := readAuditFile(br, f.Name)
		return ingest.Result{}, &af, err
	}
	opts := s.Normalisers.Options(f.Name, skipBadRows)
	if rf, ok := w.(*readFacilities); ok && rf.ledger != nil {
		rf.ledger.load()
		rf.ledger.epcis = format == ingest.FormatEPCISJSON || format == ingest.FormatEPCISXML
		opts.Declared = rf.ledger.declaredWhere
	}
	var lookupErr error
	opts.KnownRef = func(ref string) bool {
		known, err := w.Known(supplychain.RefID(ref))
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return known
	}
	res, err := ingest.ImportFormat(ctx, format, br, opts, w)
	if err == nil {
		err = lookupErr
	}
	return res, nil, err
}

// Recompute scores every stored party of the organisation with its
// signals, infers tiers, propagates exposure and stores the result. It
// returns the number of parties at each level, and the total under "".
func (s *Service) Recompute(ctx context.Context, orgID string) (map[risk.Level]int, error) {
	var mark int64
	if s.Pending != nil {
		var err error
		if mark, err = s.Pending.RecomputePending(ctx, orgID); err != nil {
			return nil, err
		}
	}
	ps, ls, err := s.Store.Graph(ctx, orgID)
	if err != nil {
		return nil, err
	}
	c := NewChain()
	for _, p := range ps {
		c.addGraphParty(p)
	}
	ps = nil
	for _, l := range ls {
		if err := c.Link(l); err != nil {
			return nil, err
		}
	}
	ls = nil
	if s.Signals != nil {
		sigs, err := s.Signals.PartySignals(ctx, orgID)
		if err != nil {
			return nil, err
		}
		for id, ss := range sigs {
			c.AddSignals(id, ss) // a signal of a party no longer stored is dropped
		}
	}
	a, err := c.Assess(s.Engine)
	if err != nil {
		return nil, err
	}
	counts := a.Levels()
	counts[""] = a.Len()
	rows := func(yield func(supplychain.PartyRisk, error) bool) {
		for i := range a.Len() {
			r, err := a.PartyRisk(i)
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
	if err := s.Store.SaveRisk(ctx, orgID, rows); err != nil {
		return nil, err
	}
	if s.Pending != nil && mark != 0 {
		if err := s.Pending.ClearRecompute(ctx, orgID, mark); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

// SplitFiles takes out of files, in order, those that belongs says are not
// for this importer (plot files, say), and returns them apart from the
// rest. A file whose format is named is always kept: it was named for what
// it is.
func SplitFiles(files []NamedFile, belongs func(NamedFile) (bool, error)) (taken, rest []NamedFile, err error) {
	for _, f := range files {
		if f.Format == "" {
			elsewhere, err := belongs(f)
			if err != nil {
				return nil, nil, err
			}
			if elsewhere {
				taken = append(taken, f)
				continue
			}
		}
		rest = append(rest, f)
	}
	return taken, rest, nil
}
