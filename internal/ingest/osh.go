package ingest

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// oshCSV reads an Open Supply Hub facility list: country, name, address,
// and optionally sector, lat, lng and other columns. The rows carry no ids,
// so each facility gets a content-derived one (supplychain.FacilityID); a
// brand's list names the facilities it sources from, so each becomes a
// direct (tier 1) supplier.
func (rn *run) oshCSV(r io.Reader) error {
	cr := newCSVReader(r)
	h, err := rn.readHeader(cr, []column{colCountry, colName, colAddress}, "country, name, address")
	if err != nil {
		return err
	}
	seen := map[string]int{} // facility id -> line of its first row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if stop := rn.bad(rn.parseError(err)); stop != nil {
				return stop
			}
			continue
		}
		rn.res.Rows++
		if rn.res.Rows%4096 == 0 {
			if err := rn.checkCtx(); err != nil {
				return err
			}
		}
		line, _ := cr.FieldPos(0)
		p, rowErr := rn.facilityRow(cr, h, rec)
		if rowErr != nil {
			if stop := rn.bad(*rowErr); stop != nil {
				return stop
			}
			continue
		}
		if first, dup := seen[p.ID]; dup {
			rn.warn(RowError{Line: line, Reason: fmt.Sprintf("same facility as line %d (same name, country and address); kept once", first)})
			continue
		}
		seen[p.ID] = line
		rn.at(line)
		rn.checkPlace(&p, line)
		if err := rn.party(p, false); err != nil {
			return err
		}
		commodities := p.Commodities
		if len(commodities) == 0 {
			commodities = []string{""}
		}
		for _, c := range commodities {
			if err := rn.link(supplychain.Link{Buyer: supplychain.Reporting, Supplier: p.ID, Commodity: c}); err != nil {
				return err
			}
		}
	}
}

func (rn *run) facilityRow(cr interface{ FieldPos(int) (int, int) }, h *header, rec []string) (supplychain.Party, *RowError) {
	p := supplychain.Party{Kind: supplychain.KindFacility}
	var sector, productType string
	fail := func(i int, err error) (supplychain.Party, *RowError) {
		line, col := cr.FieldPos(i)
		reason := err.Error()
		var fe *supplychain.FieldError
		if errors.As(err, &fe) {
			reason = fe.Reason
		}
		return p, &RowError{Line: line, Column: col, Field: h.names[i], Reason: reason}
	}
	if len(rec) != len(h.cols) {
		line, _ := cr.FieldPos(0)
		return p, &RowError{Line: line, Column: 1, Reason: fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(h.cols))}
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return fail(i, errors.New("is not valid UTF-8"))
		}
		c := h.cols[i]
		v = strings.TrimSpace(v)
		switch c {
		case colSector, colProductType:
			// Sectors are written "Apparel" or "Apparel|Health"; both are
			// kept as written and inform the inferred commodities below.
			if v != "" {
				if p.Attributes == nil {
					p.Attributes = map[string]string{}
				}
				p.Attributes[h.names[i]] = v
			}
			if c == colSector {
				sector = v
			} else {
				productType = v
			}
		case colID:
			// An OS ID column, when a list carries one.
			if v != "" {
				p.OSID = strings.ToUpper(v)
			}
		case colKind:
			if v != "" {
				k, err := supplychain.ParseKind(v)
				if err != nil {
					if p.Attributes == nil {
						p.Attributes = map[string]string{}
					}
					p.Attributes[h.names[i]] = v // facility types are free text in OSH
				} else {
					p.Kind = k
				}
			}
		case colBuyer, colShare:
			if v != "" {
				if p.Attributes == nil {
					p.Attributes = map[string]string{}
				}
				p.Attributes[h.names[i]] = v
			}
		case colWorkers:
			// OSH lists often give ranges ("100-500"); keep those as text.
			if n, err := parseWorkers(v); err == nil {
				p.Workers = n
			} else if v != "" {
				if p.Attributes == nil {
					p.Attributes = map[string]string{}
				}
				p.Attributes[h.names[i]] = v
			}
		default:
			if err := rn.commonField(&p, c, h.names[i], v); err != nil {
				return fail(i, err)
			}
		}
	}
	// A list that names no product gets goods inferred from what it says;
	// they are marked inferred, so they weigh less and the page says so.
	if len(p.Commodities) == 0 && rn.opts.Infer != nil {
		if ids, from := rn.opts.Infer(sector, productType, p.Name); len(ids) > 0 {
			p.Commodities = slices.Clone(ids)
			p.InferredCommodities = slices.Clone(ids)
			p.InferredFrom = from
		}
	}
	p.ID = supplychain.FacilityID(p.Name, p.Country, p.Address)
	if err := p.Validate(); err != nil {
		var fe *supplychain.FieldError
		errors.As(err, &fe)
		for i, name := range h.names {
			if fe != nil && columnNames[name] == columnNames[fe.Field] && columnNames[name] != colNone {
				return fail(i, err)
			}
		}
		line, _ := cr.FieldPos(0)
		return p, &RowError{Line: line, Reason: err.Error()}
	}
	return p, nil
}
