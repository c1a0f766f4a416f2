package assessment

import (
	"fmt"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// eventLedger follows what EPCIS events do across imports (see
// supplychain.EventLedgerWriter): which links identified events made, the
// error declarations read, and packing. The import's sink (readFacilities)
// feeds it; settle acts on each file once it is written.
type eventLedger struct {
	w        supplychain.EventLedgerWriter
	epcis    bool // the file being read is an EPCIS document
	declared map[string]supplychain.Origin
	// recorded holds the links events are recorded as having made, in
	// the store or in this import; a link another file makes with one of
	// these keys gets a source no declaration withdraws.
	recorded map[supplychain.LinkKey]bool
	plain    map[supplychain.LinkKey]bool // links from other files in this import
	// lastFile is set while the import reads its last file, whose links
	// no later file can ask about.
	lastFile     bool
	declarations []ingest.Declaration
	containment  []supplychain.Containment
	applied      []string // events applied, not yet recorded
	err          error
}

func (l *eventLedger) fail(err error) {
	if err != nil && l.err == nil {
		l.err = err
	}
}

// load reads what earlier imports left, once per import.
func (l *eventLedger) load() {
	if l.declared != nil || l.err != nil {
		return
	}
	var err error
	l.declared, err = l.w.DeclaredEvents()
	l.fail(err)
	l.recorded, l.plain = map[supplychain.LinkKey]bool{}, map[supplychain.LinkKey]bool{}
}

// link is told of every link any file of the import sends.
func (l *eventLedger) link(k supplychain.LinkKey) {
	if l.epcis {
		return // EventLinks says who made it
	}
	if !l.lastFile {
		l.plain[k] = true
	}
	if len(l.recorded) > 0 && l.recorded[k] {
		l.fail(l.w.RecordEventLinks(k, []string{""}))
	}
}

// eventLinks is told, before a link EPCIS events made is sent, which
// events made it.
func (l *eventLedger) eventLinks(k supplychain.LinkKey, events []string, anon bool) {
	stored, recorded, err := l.w.LinkSupport(k)
	if err != nil {
		l.fail(err)
		return
	}
	ids := append([]string(nil), events...)
	// A link stored before any event made it (a supplier file), made by
	// another file of this import, or by an event without an id, stays
	// whatever any declaration says.
	if anon || l.plain[k] || (stored && !recorded && !l.recorded[k]) {
		ids = append(ids, "")
	}
	l.recorded[k] = true
	l.fail(l.w.RecordEventLinks(k, ids))
}

// declaredWhere is ingest.Options.Declared.
func (l *eventLedger) declaredWhere(id string) (string, bool) {
	o, ok := l.declared[id]
	if !ok {
		return "", false
	}
	if w := o.Where(); w != "" {
		return "declared in " + w, true
	}
	return "declared earlier", true
}

// settle acts on what the file declared and packed, once its links are
// written, and says so in the file's warnings.
func (l *eventLedger) settle(res *ingest.Result, origin supplychain.Origin, at time.Time) error {
	decls, packs := l.declarations, l.containment
	l.declarations, l.containment = nil, nil
	if l.err != nil {
		return l.err
	}
	if err := l.w.RecordEvents(l.applied); err != nil {
		return err
	}
	l.applied = l.applied[:0]
	for i := range packs {
		packs[i].Origin = origin
		packs[i].Origin.Line, packs[i].Origin.EventID = packs[i].Line, packs[i].EventID
	}
	if len(packs) > 0 {
		if err := l.w.AddContainment(packs); err != nil {
			return err
		}
	}
	for _, d := range decls {
		var ids []string
		ids = append(ids, d.EventID)
		ids = append(ids, d.Correctives...)
		known, err := l.w.KnownEvents(ids)
		if err != nil {
			return err
		}
		o := origin
		o.Line, o.EventID = d.Source.Line, d.EventID
		withdrawn, err := l.w.DeclareErroneous(d.EventID, d.Correctives, o, at)
		if err != nil {
			return err
		}
		l.declared[d.EventID] = o
		if d.InDocument {
			continue // the importer has said what it withdrew
		}
		var b strings.Builder
		switch {
		case len(withdrawn) > 0:
			fmt.Fprintf(&b, "error declaration: event %s, imported earlier, is erroneous: %d supply link(s) it made withdrawn", d.EventID, len(withdrawn))
		case known[d.EventID]:
			fmt.Fprintf(&b, "error declaration: event %s, imported earlier, is erroneous; the links it made are kept, as other events or files also made them", d.EventID)
		default:
			fmt.Fprintf(&b, "error declaration for event %s, which no import has brought yet: it will not be applied if it comes later", d.EventID)
		}
		var applied, missing []string
		for _, c := range d.Correctives {
			if known[c] || contains(d.CorrectivesHere, c) {
				applied = append(applied, c)
			} else {
				missing = append(missing, c)
			}
		}
		switch {
		case len(d.Correctives) == 0:
			b.WriteString("; it names no corrective event")
		case len(missing) == 0:
			fmt.Fprintf(&b, "; its corrective event %s is applied", strings.Join(applied, ", "))
		default:
			fmt.Fprintf(&b, "; its corrective event %s has not been imported", strings.Join(missing, ", "))
		}
		res.Warnings = append(res.Warnings, ingest.RowError{File: origin.File, Line: d.Source.Line, Reason: b.String()})
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
