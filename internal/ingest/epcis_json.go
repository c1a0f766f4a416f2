package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonEvent is the part of an EPCIS 2.0 JSON event the importer uses;
// extension fields are skipped by the decoder without being kept.
type jsonEvent struct {
	Type               string                `json:"type"`
	EventID            string                `json:"eventID"`
	IsA                string                `json:"isA"` // drafts of EPCIS 2.0 used isA
	ParentID           string                `json:"parentID"`
	Action             string                `json:"action"`
	EventTime          string                `json:"eventTime"`
	EPCList            []string              `json:"epcList"`
	ChildEPCs          []string              `json:"childEPCs"`
	InputEPCList       []string              `json:"inputEPCList"`
	OutputEPCList      []string              `json:"outputEPCList"`
	QuantityList       []jsonQuantity        `json:"quantityList"`
	ChildQuantityList  []jsonQuantity        `json:"childQuantityList"`
	InputQuantityList  []jsonQuantity        `json:"inputQuantityList"`
	OutputQuantityList []jsonQuantity        `json:"outputQuantityList"`
	ReadPoint          *jsonID               `json:"readPoint"`
	BizLocation        *jsonID               `json:"bizLocation"`
	SourceList         []jsonSourceDest      `json:"sourceList"`
	DestinationList    []jsonSourceDest      `json:"destinationList"`
	ErrorDeclaration   *jsonErrorDeclaration `json:"errorDeclaration"`
}

type jsonErrorDeclaration struct {
	CorrectiveEventIDs []string `json:"correctiveEventIDs"`
}

type jsonQuantity struct {
	EPCClass string `json:"epcClass"`
}

type jsonID struct {
	ID string `json:"id"`
}

type jsonSourceDest struct {
	Type        string `json:"type"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
}

type jsonVocabulary struct {
	Type string `json:"type"`
}

type jsonVocabularyElement struct {
	ID         string `json:"id"`
	Attributes []struct {
		ID        string          `json:"id"`
		Attribute json.RawMessage `json:"attribute"`
	} `json:"attributes"`
}

// epcisJSON streams an EPCIS JSON or JSON-LD document: the decoder walks the
// document token by token and decodes one event (or one master-data element)
// at a time, so memory does not grow with the number of events. A single
// bare event (as in the schema test files) is accepted too.
func (rn *run) epcisJSON(r io.Reader) error {
	lc := &lineCounter{r: &bomSkipper{r: r}}
	d := &jsonDoc{rn: rn, dec: json.NewDecoder(lc), lc: lc, st: newEPCISState(rn)}
	d.dec.UseNumber()
	err := d.document()
	if ferr := d.st.finish(); err == nil {
		err = ferr
	}
	if err == nil || errors.Is(err, errTooManyErrors) {
		return err
	}
	var re RowError
	if errors.As(err, &re) {
		if stop := rn.bad(re); stop != nil {
			return stop
		}
		return nil
	}
	return err
}

type jsonDoc struct {
	rn       *run
	dec      *json.Decoder
	lc       *lineCounter
	st       *epcisState
	top      map[string]json.RawMessage // small top-level fields, for a bare event
	sawBody  bool
	docType  string
	maxDepth int
}

// syntax turns a decoder error into a row error at the decoder's position.
func (d *jsonDoc) syntax(err error) error {
	line, col := d.lc.pos(d.dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col = d.lc.pos(se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return RowError{Line: line, Column: col, Reason: "the JSON document ends too early (truncated file?)"}
	}
	var re RowError
	if errors.As(err, &re) {
		return re
	}
	return RowError{Line: line, Column: col, Reason: "invalid JSON: " + err.Error()}
}

func (d *jsonDoc) expectDelim(want json.Delim, what string) error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.syntax(err)
	}
	if got, ok := tok.(json.Delim); !ok || got != want {
		line, col := d.lc.pos(d.dec.InputOffset())
		return RowError{Line: line, Column: col, Field: what, Reason: fmt.Sprintf("expected %q, found %v", string(want), tok)}
	}
	return nil
}

// object walks the members of an object whose '{' is next, calling fn for
// each key; fn must consume the value.
func (d *jsonDoc) object(what string, fn func(key string) error) error {
	if err := d.expectDelim('{', what); err != nil {
		return err
	}
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err)
		}
		key, _ := tok.(string)
		if err := fn(key); err != nil {
			return err
		}
	}
	return d.expectDelim('}', what)
}

// array walks the elements of an array whose '[' is next.
func (d *jsonDoc) array(what string, fn func() error) error {
	if err := d.expectDelim('[', what); err != nil {
		return err
	}
	for d.dec.More() {
		if err := fn(); err != nil {
			return err
		}
	}
	return d.expectDelim(']', what)
}

// skip consumes one value of any size without keeping it.
func (d *jsonDoc) skip() error {
	depth := 0
	for {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// maxTopField bounds a top-level field kept for the bare-event case.
const maxTopField = 1 << 20

func (d *jsonDoc) document() error {
	d.top = map[string]json.RawMessage{}
	kept := 0
	err := d.object("document", func(key string) error {
		switch key {
		case "epcisBody":
			d.sawBody = true
			return d.body()
		case "epcisHeader":
			return d.header()
		}
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			return d.syntax(err)
		}
		if kept+len(raw) <= maxTopField {
			kept += len(raw)
			d.top[key] = raw
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		line, col := d.lc.pos(d.dec.InputOffset())
		return RowError{Line: line, Column: col, Reason: "unexpected data after the end of the JSON document"}
	}
	if d.sawBody {
		return nil
	}
	// No epcisBody: a bare event, or something else.
	var typ string
	_ = json.Unmarshal(d.top["type"], &typ)
	if typ == "" {
		_ = json.Unmarshal(d.top["isA"], &typ)
	}
	_, hasTime := d.top["eventTime"]
	if typ == "" || !eventTypes[typ] && !hasTime {
		return RowError{Line: 1, Column: 1, Reason: "JSON document has no epcisBody and is not a single EPCIS event"}
	}
	buf, err := json.Marshal(d.top)
	if err != nil {
		return err
	}
	ev := d.decodeEvent(buf, 1, 1)
	return d.st.event(ev)
}

func (d *jsonDoc) header() error {
	return d.object("epcisHeader", func(key string) error {
		if key != "epcisMasterData" {
			return d.skip()
		}
		return d.masterData()
	})
}

func (d *jsonDoc) masterData() error {
	return d.object("epcisMasterData", func(key string) error {
		if key != "vocabularyList" {
			return d.skip()
		}
		return d.array("vocabularyList", func() error {
			var vocab jsonVocabulary
			return d.object("vocabulary", func(key string) error {
				switch key {
				case "type":
					return d.decodeInto(&vocab.Type)
				case "vocabularyElementList":
					return d.array("vocabularyElementList", func() error {
						line, col := d.lc.pos(d.dec.InputOffset())
						var el jsonVocabularyElement
						if err := d.dec.Decode(&el); err != nil {
							var te *json.UnmarshalTypeError
							if errors.As(err, &te) {
								d.rn.warn(RowError{Line: line, Column: col, Reason: "master-data element not understood: " + te.Error()})
								return nil
							}
							return d.syntax(err)
						}
						attrs := map[string]string{}
						for _, a := range el.Attributes {
							var s string
							if json.Unmarshal(a.Attribute, &s) == nil {
								attrs[attrName(a.ID)] = strings.TrimSpace(s)
							}
						}
						return d.st.masterElement(vocab.Type, el.ID, attrs, line, col)
					})
				}
				return d.skip()
			})
		})
	})
}

func (d *jsonDoc) decodeInto(v any) error {
	if err := d.dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil
		}
		return d.syntax(err)
	}
	return nil
}

// body walks epcisBody: eventList directly (EPCISDocument) or inside
// queryResults.resultsBody (EPCISQueryDocument); vocabularyList for a
// master-data document.
func (d *jsonDoc) body() error {
	return d.object("epcisBody", func(key string) error {
		switch key {
		case "eventList":
			return d.events()
		case "queryResults":
			return d.object("queryResults", func(key string) error {
				if key != "resultsBody" {
					return d.skip()
				}
				return d.object("resultsBody", func(key string) error {
					if key != "eventList" {
						return d.skip()
					}
					return d.events()
				})
			})
		}
		return d.skip()
	})
}

func (d *jsonDoc) events() error {
	return d.array("eventList", func() error {
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			return d.syntax(err)
		}
		line, col := d.lc.pos(d.dec.InputOffset() - int64(len(raw)))
		return d.st.event(d.decodeEvent(raw, line, col))
	})
}

// decodeEvent reads one event; a value of the wrong shape makes the event
// malformed (counted and reported), not the import.
func (d *jsonDoc) decodeEvent(raw []byte, line, col int) *epcisEvent {
	var je jsonEvent
	ev := &epcisEvent{Line: line, Col: col}
	if err := json.Unmarshal(raw, &je); err != nil {
		ev.Malformed = "event not understood: " + err.Error()
		return ev
	}
	ev.Type = strings.TrimSpace(je.Type)
	if ev.Type == "" {
		ev.Type = strings.TrimSpace(je.IsA)
	}
	trimAll := func(list []string) []string {
		out := list[:0]
		for _, s := range list {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	classes := func(qs []jsonQuantity) []string {
		var out []string
		for _, q := range qs {
			if c := strings.TrimSpace(q.EPCClass); c != "" {
				out = append(out, c)
			}
		}
		return out
	}
	ev.Objects = append(ev.Objects, trimAll(je.EPCList)...)
	children := trimAll(je.ChildEPCs)
	ev.Objects = append(ev.Objects, children...)
	if p := strings.TrimSpace(je.ParentID); p != "" {
		ev.Objects = append(ev.Objects, p)
		ev.Parent = p
	}
	ev.Objects = append(ev.Objects, classes(je.QuantityList)...)
	childClasses := classes(je.ChildQuantityList)
	ev.Objects = append(ev.Objects, childClasses...)
	ev.Children = append(append([]string(nil), children...), childClasses...)
	ev.Action = strings.ToUpper(strings.TrimSpace(je.Action))
	ev.Time = strings.TrimSpace(je.EventTime)
	ev.Inputs = append(trimAll(je.InputEPCList), classes(je.InputQuantityList)...)
	ev.Outputs = append(trimAll(je.OutputEPCList), classes(je.OutputQuantityList)...)
	if je.ReadPoint != nil {
		ev.ReadPoint = strings.TrimSpace(je.ReadPoint.ID)
	}
	if je.BizLocation != nil {
		ev.BizLocation = strings.TrimSpace(je.BizLocation.ID)
	}
	for _, s := range je.SourceList {
		if id := strings.TrimSpace(s.Source); id != "" {
			ev.Sources = append(ev.Sources, sourceDest{Type: sdType(s.Type), ID: id})
		}
	}
	for _, s := range je.DestinationList {
		if id := strings.TrimSpace(s.Destination); id != "" {
			ev.Dests = append(ev.Dests, sourceDest{Type: sdType(s.Type), ID: id})
		}
	}
	if je.ErrorDeclaration != nil {
		ev.Retracted = true
		ev.Correctives = trimAll(je.ErrorDeclaration.CorrectiveEventIDs)
	}
	ev.ID = strings.TrimSpace(je.EventID)
	return ev
}

// lineCounter wraps the input and turns byte offsets into line and column.
// It remembers only the newlines between the last position asked about and
// the end of what has been read, so memory stays bounded by the decoder's
// buffer. Positions must be asked for in increasing order.
type lineCounter struct {
	r       io.Reader
	off     int64   // bytes read so far
	nl      []int64 // offsets of newlines not yet passed
	line    int     // newlines passed
	lastNL  int64   // offset of the last newline passed
	started bool
}

func (l *lineCounter) Read(p []byte) (int, error) {
	if !l.started {
		l.started, l.lastNL = true, -1
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			l.nl = append(l.nl, l.off+int64(i))
		}
	}
	l.off += int64(n)
	return n, err
}

// pos returns the 1-based line and column of byte offset o.
func (l *lineCounter) pos(o int64) (int, int) {
	if !l.started {
		l.started, l.lastNL = true, -1
	}
	i := 0
	for i < len(l.nl) && l.nl[i] < o {
		l.lastNL = l.nl[i]
		i++
	}
	l.line += i
	l.nl = l.nl[i:]
	if len(l.nl) == 0 {
		l.nl = nil
	}
	col := int(o - l.lastNL)
	if col < 1 {
		col = 1
	}
	return l.line + 1, col
}
