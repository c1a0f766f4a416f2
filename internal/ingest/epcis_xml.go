package ingest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxXMLDepth bounds element nesting; EPCIS documents nest a dozen deep.
const maxXMLDepth = 256

// maxXMLValue bounds one captured text value (an EPC, an id, an attribute).
const maxXMLValue = 64 << 10

// epcisXML streams an EPCIS XML document (2.0, and 1.2 with its extension
// wrappers) token by token: one event or master-data element is held at a
// time. Entity declarations are refused, so no entity expansion can happen.
func (rn *run) epcisXML(r io.Reader) error {
	x := &xmlDoc{rn: rn, dec: xml.NewDecoder(&bomSkipper{r: r}), st: newEPCISState(rn)}
	x.dec.Strict = true
	err := x.document()
	if ferr := x.st.finish(); err == nil {
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

type xmlDoc struct {
	rn    *run
	dec   *xml.Decoder
	st    *epcisState
	stack []string // local names of the open elements

	ev      *epcisEvent
	evDepth int // len(stack) with the event element open
	skip    int // >0 while inside a subtree that is ignored

	capDepth int // len(stack) of the element whose text is captured; 0 when none
	capText  []byte
	capType  string // type attribute of a source or destination

	vocabType string
	mdID      string
	mdAttrs   map[string]string
	mdAttr    string
	mdLine    int
	mdCol     int
}

func (x *xmlDoc) errAt(reason string) RowError {
	line, col := x.dec.InputPos()
	return RowError{Line: line, Column: col, Reason: reason}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

func (x *xmlDoc) document() error {
	root := false
	for {
		tok, err := x.dec.Token()
		if errors.Is(err, io.EOF) {
			if !root {
				return RowError{Line: 1, Column: 1, Reason: "XML document has no root element"}
			}
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return RowError{Line: se.Line, Reason: "invalid XML: " + se.Msg}
			}
			return x.errAt("invalid XML: " + err.Error())
		}
		switch t := tok.(type) {
		case xml.Directive:
			if strings.Contains(string(t), "ENTITY") {
				return x.errAt("XML entity declarations are refused (they allow entity-expansion attacks); remove the DOCTYPE's internal subset")
			}
		case xml.StartElement:
			if len(x.stack) == 0 {
				if root {
					return x.errAt("more than one root element")
				}
				root = true
				switch t.Name.Local {
				case "EPCISDocument", "EPCISQueryDocument", "EPCISMasterDataDocument":
				default:
					return x.errAt(fmt.Sprintf("root element <%s> is not an EPCIS document (EPCISDocument, EPCISQueryDocument or EPCISMasterDataDocument)", t.Name.Local))
				}
			}
			x.stack = append(x.stack, t.Name.Local)
			if len(x.stack) > maxXMLDepth {
				return x.errAt(fmt.Sprintf("elements nest deeper than %d levels", maxXMLDepth))
			}
			x.start(t)
		case xml.CharData:
			if x.capDepth > 0 && len(x.stack) == x.capDepth && x.skip == 0 {
				if len(x.capText)+len(t) > maxXMLValue {
					if x.ev != nil {
						x.ev.Malformed = fmt.Sprintf("a value is longer than %d bytes", maxXMLValue)
					}
					x.capDepth = 0
					continue
				}
				x.capText = append(x.capText, t...)
			}
		case xml.EndElement:
			if err := x.end(); err != nil {
				return err
			}
			x.stack = x.stack[:len(x.stack)-1]
		}
	}
}

func (x *xmlDoc) parent(up int) string {
	if i := len(x.stack) - 1 - up; i >= 0 {
		return x.stack[i]
	}
	return ""
}

// ignored are event children whose content the importer does not use.
var ignored = map[string]bool{
	"ilmd": true, "sensorElementList": true, "bizTransactionList": true, "persistentDisposition": true,
	"certificationInfo": true, "recordTime": true, "eventTimeZoneOffset": true,
	"bizStep": true, "disposition": true, "transformationID": true,
}

func (x *xmlDoc) capture() {
	x.capDepth = len(x.stack)
	x.capText = x.capText[:0]
}

func (x *xmlDoc) start(t xml.StartElement) {
	if x.skip > 0 {
		x.skip++
		return
	}
	local := t.Name.Local
	if x.ev != nil {
		switch {
		case t.Name.Space != "":
			x.skip = 1 // a user extension: nothing of EPCIS inside
		case local == "errorDeclaration":
			x.ev.Retracted = true
		case local == "correctiveEventID":
			x.capture()
		case local == "correctiveEventIDs":
		case x.parent(1) == "errorDeclaration":
			x.skip = 1 // declaration time, reason, extensions
		case ignored[local]:
			x.skip = 1
		case local == "epc", local == "parentID", local == "epcClass", local == "source", local == "destination", local == "eventID",
			local == "eventTime" && x.parent(1) != "errorDeclaration", local == "action":
			x.capture()
			x.capType = attr(t, "type")
		case local == "id" && (x.parent(1) == "readPoint" || x.parent(1) == "bizLocation"):
			x.capture()
		}
		return
	}
	p := x.parent(1)
	if p == "EventList" || p == "extension" && x.parent(2) == "EventList" {
		if local == "extension" {
			return // EPCIS 1.x wraps newer event types in extension
		}
		line, col := x.dec.InputPos()
		x.ev = &epcisEvent{Type: local, Line: line, Col: col}
		x.evDepth = len(x.stack)
		if !eventTypes[local] {
			x.skip = 1
		}
		return
	}
	switch local {
	case "Vocabulary":
		x.vocabType = attr(t, "type")
	case "VocabularyElement":
		x.mdID = attr(t, "id")
		x.mdAttrs = map[string]string{}
		x.mdLine, x.mdCol = x.dec.InputPos()
	case "attribute":
		if x.mdAttrs != nil && p == "VocabularyElement" {
			x.mdAttr = attr(t, "id")
			x.capture()
		}
	}
}

func (x *xmlDoc) end() error {
	if x.skip > 0 {
		x.skip--
		if x.skip > 0 {
			return nil
		}
	}
	depth := len(x.stack)
	local := x.stack[depth-1]
	if x.capDepth == depth {
		x.capDepth = 0
		x.captured(local, strings.TrimSpace(string(x.capText)))
	}
	if x.ev != nil && depth == x.evDepth {
		ev := x.ev
		x.ev = nil
		return x.st.event(ev)
	}
	if local == "VocabularyElement" && x.mdAttrs != nil {
		attrs, id := x.mdAttrs, x.mdID
		x.mdAttrs = nil
		return x.st.masterElement(x.vocabType, id, attrs, x.mdLine, x.mdCol)
	}
	return nil
}

// captured files a text value by the element it came from and its parents.
func (x *xmlDoc) captured(local, v string) {
	if x.ev == nil {
		if local == "attribute" && x.mdAttrs != nil && v != "" {
			x.mdAttrs[attrName(x.mdAttr)] = v
		}
		return
	}
	if v == "" {
		return
	}
	ev := x.ev
	switch local {
	case "epc":
		switch x.parent(1) {
		case "epcList":
			ev.Objects = append(ev.Objects, v)
		case "childEPCs":
			ev.Objects = append(ev.Objects, v)
			ev.Children = append(ev.Children, v)
		case "inputEPCList":
			ev.Inputs = append(ev.Inputs, v)
		case "outputEPCList":
			ev.Outputs = append(ev.Outputs, v)
		}
	case "parentID":
		ev.Objects = append(ev.Objects, v)
		ev.Parent = v
	case "eventTime":
		ev.Time = v
	case "action":
		ev.Action = strings.ToUpper(v)
	case "eventID":
		ev.ID = v
	case "correctiveEventID":
		ev.Correctives = append(ev.Correctives, v)
	case "epcClass":
		switch x.parent(2) {
		case "quantityList":
			ev.Objects = append(ev.Objects, v)
		case "childQuantityList":
			ev.Objects = append(ev.Objects, v)
			ev.Children = append(ev.Children, v)
		case "inputQuantityList":
			ev.Inputs = append(ev.Inputs, v)
		case "outputQuantityList":
			ev.Outputs = append(ev.Outputs, v)
		}
	case "id":
		if x.parent(1) == "readPoint" {
			ev.ReadPoint = v
		} else {
			ev.BizLocation = v
		}
	case "source":
		if x.parent(1) == "sourceList" {
			ev.Sources = append(ev.Sources, sourceDest{Type: sdType(x.capType), ID: v})
		}
	case "destination":
		if x.parent(1) == "destinationList" {
			ev.Dests = append(ev.Dests, sourceDest{Type: sdType(x.capType), ID: v})
		}
	}
}
