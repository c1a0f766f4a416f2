package screening

import (
	"html"
	"io"
	"strings"
	"time"
)

// maxPageSize bounds the UFLPA page read into memory.
const maxPageSize = 32 << 20

// uflpaBuilder merges the UFLPA rows of several sections into one entity per
// name, keeping every section as a program.
type uflpaBuilder struct {
	wl   *Watchlist
	byID map[string]int
}

func newUFLPA(source string) *uflpaBuilder {
	return &uflpaBuilder{wl: &Watchlist{List: List{Name: "uflpa", Source: source}}, byID: map[string]int{}}
}

// add records one listed entity. The UFLPA Entity List names entities in the
// People's Republic of China (UFLPA section 2(d)(2)(B)), hence country CN.
func (b *uflpaBuilder) add(name string, aliases []string, section string, date time.Time) {
	id := "uflpa:" + slug(name)
	i, ok := b.byID[id]
	if !ok {
		i = len(b.wl.Entities)
		b.byID[id] = i
		b.wl.Entities = append(b.wl.Entities, Entity{ID: id, Name: name, Kind: KindOrganization, ListName: "uflpa", Countries: []string{"CN"}})
	}
	e := &b.wl.Entities[i]
	e.Aliases = appendUnique(e.Aliases, aliases...)
	if section != "" {
		e.Programs = appendUnique(e.Programs, "UFLPA "+section)
	}
	if date.After(b.wl.List.Published) && b.wl.List.Source != uflpaPageSource {
		b.wl.List.Published = date
	}
}

const uflpaPageSource = "DHS UFLPA Entity List (web page)"

// loadUFLPAHTML reads the DHS UFLPA Entity List page: one table per UFLPA
// section, each row an entity cell (name with aliases in parentheses) and an
// effective date. The publication date is the page's "Last Updated".
func loadUFLPAHTML(name string, r io.Reader) (*Watchlist, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxPageSize+1))
	if err != nil {
		return nil, lineError(name, 0, "reading failed: %v", err)
	}
	if len(raw) > maxPageSize {
		return nil, lineError(name, 0, "page larger than %d bytes", maxPageSize)
	}
	page := string(raw)
	b := newUFLPA(uflpaPageSource)
	lineAt := func(off int) int { return strings.Count(page[:off], "\n") + 1 }
	if i := strings.Index(page, "Last Updated:"); i >= 0 {
		rest := stripTags(page[i+len("Last Updated:") : min(len(page), i+200)])
		if t, err := time.Parse("01/02/2006", firstWord(rest)); err == nil {
			b.wl.List.Published = t
		}
	}
	pos, tables := 0, 0
	for {
		ti := strings.Index(page[pos:], "<table")
		if ti < 0 {
			break
		}
		ti += pos
		te := strings.Index(page[ti:], "</table>")
		if te < 0 {
			return nil, lineError(name, lineAt(ti), "table is not closed")
		}
		te += ti
		section := ""
		if si := strings.LastIndex(page[pos:ti], "Section 2(d)"); si >= 0 {
			section = firstWord(strings.TrimPrefix(page[pos+si:], "Section "))
			section = strings.TrimSuffix(strings.SplitN(section, "<", 2)[0], ",")
		}
		tables++
		rows := strings.Split(page[ti:te], "<tr")
		for ri, row := range rows {
			if ri == 0 || strings.Contains(row, "<th") {
				continue
			}
			cells := cellTexts(row)
			off := ti + strings.Index(page[ti:te], row)
			if len(cells) < 2 {
				return nil, lineError(name, lineAt(off), "table row has %d cells, expected entity and effective date", len(cells))
			}
			date, err := time.Parse("January 2, 2006", strings.TrimSpace(cells[1]))
			if err != nil {
				return nil, lineError(name, lineAt(off), "effective date %q is not a date like \"June 21, 2022\"", trunc(cells[1]))
			}
			n, aliases := parseUFLPACell(cells[0])
			if err := checkField(name, lineAt(off), "entity name", n); err != nil {
				return nil, err
			}
			if n == "" {
				return nil, lineError(name, lineAt(off), "empty entity name")
			}
			b.add(n, aliases, section, date)
		}
		pos = te
	}
	if tables == 0 || len(b.wl.Entities) == 0 {
		return nil, lineError(name, 1, "no entity table found: is this the UFLPA Entity List page?")
	}
	return b.wl, nil
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// cellTexts returns the text of each <td> of a table row.
func cellTexts(row string) []string {
	var out []string
	for _, part := range strings.Split(row, "<td")[1:] {
		if i := strings.IndexByte(part, '>'); i >= 0 {
			part = part[i+1:]
		}
		if i := strings.Index(part, "</td>"); i >= 0 {
			part = part[:i]
		}
		out = append(out, strings.Join(strings.Fields(html.UnescapeString(stripTags(part))), " "))
	}
	return out
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// aliasOpeners start a parenthesis that lists aliases rather than being
// part of the name (as "(Shanshan)" or "(Group)" are).
var aliasOpeners = []string{"and one alias", "and two aliases", "and three aliases", "and four aliases", "and five aliases",
	"including one alias", "including two aliases", "including three aliases", "including four aliases", "including five aliases",
	"also known as", "formerly known as", "a/k/a", "aka"}

// scopePhrases end a listing with its scope, not its name.
var scopePhrases = []string{", and subsidiaries", " and subsidiaries", " and its subsidiaries", " and their subsidiaries",
	" and its subordinate and affiliated entities", " and its subordinates"}

// parseUFLPACell splits an entity cell into the name and its aliases.
func parseUFLPACell(cell string) (string, []string) {
	cell = strings.TrimSpace(cell)
	for _, p := range scopePhrases {
		if strings.HasSuffix(strings.ToLower(cell), p) {
			cell = strings.TrimSpace(cell[:len(cell)-len(p)])
		}
	}
	var aliases []string
	name := cell
	for {
		open := strings.IndexByte(name, '(')
		if open < 0 {
			break
		}
		close := matchParen(name, open)
		if close < 0 {
			break
		}
		inner := strings.TrimSpace(name[open+1 : close])
		lower := strings.ToLower(inner)
		isAliases := false
		for _, o := range aliasOpeners {
			if strings.HasPrefix(lower, o) {
				isAliases = true
				break
			}
		}
		acronym := !isAliases && len(inner) >= 2 && len(inner) <= 8 && strings.ToUpper(inner) == inner && !strings.ContainsAny(inner, " ,.")
		if !isAliases && !acronym {
			// Part of the name, e.g. "(Shanshan)": look further on.
			next := strings.IndexByte(name[close+1:], '(')
			if next < 0 {
				break
			}
			rest, more := parseUFLPACell(name[close+1:])
			return strings.TrimSpace(name[:close+1] + " " + rest), append(aliases, more...)
		}
		if acronym {
			aliases = append(aliases, inner)
		} else {
			aliases = append(aliases, splitAliasPhrase(inner)...)
		}
		name = strings.TrimSpace(name[:open] + " " + name[close+1:])
	}
	for _, p := range scopePhrases {
		if strings.HasSuffix(strings.ToLower(name), p) {
			name = strings.TrimSpace(name[:len(name)-len(p)])
		}
	}
	return strings.TrimRight(strings.Join(strings.Fields(name), " "), ","), aliases
}

func matchParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitAliasPhrase splits "including two aliases: A; and B" or "also known
// as A; B; and formerly known as C" into names.
func splitAliasPhrase(s string) []string {
	s = strings.ReplaceAll(s, " and formerly known as ", "; ")
	s = strings.ReplaceAll(s, " and also known as ", "; ")
	s = strings.ReplaceAll(s, ". and ", ".; ")
	var out []string
	for _, p := range strings.Split(s, ";") {
		p = strings.TrimSpace(p)
		lp := strings.ToLower(p)
		if i := strings.Index(p, ":"); i >= 0 && strings.Contains(lp[:i], "alias") {
			p = strings.TrimSpace(p[i+1:])
			lp = strings.ToLower(p)
		}
		for _, pre := range []string{"and ", "also known as ", "formerly known as ", "a/k/a ", "aka "} {
			if strings.HasPrefix(lp, pre) {
				p = strings.TrimSpace(p[len(pre):])
				lp = strings.ToLower(p)
			}
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// loadUFLPACSV reads the UFLPA Entity List as CSV with the columns name,
// aliases (";"-separated), uflpa_section and date_added (YYYY-MM-DD), read by
// header name. Its publication date is the latest date_added.
func loadUFLPACSV(name string, r io.Reader) (*Watchlist, error) {
	b := newUFLPA("DHS UFLPA Entity List (CSV)")
	cr := newCSV(r)
	rec, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	h := header(rec)
	nameC := h.col("name")
	if nameC < 0 {
		return nil, lineError(name, 1, "the header needs a name column")
	}
	aliasC, secC, dateC := h.col("aliases"), h.col("uflpa_section"), h.col("date_added")
	err = eachCSVRecord(name, cr, func(rec []string, line int) error {
		n := field(rec, nameC)
		if err := requiredName(name, line, "name", n); err != nil {
			return err
		}
		var date time.Time
		if d := field(rec, dateC); d != "" {
			var err error
			if date, err = time.Parse("2006-01-02", d); err != nil {
				return lineError(name, line, "column date_added: %q is not a date YYYY-MM-DD", trunc(d))
			}
		}
		// The name cell may carry an acronym in parentheses, as on the page.
		n, acr := parseUFLPACell(n)
		aliases := append(splitList(field(rec, aliasC)), acr...)
		for _, a := range aliases {
			if err := checkField(name, line, "column aliases", a); err != nil {
				return err
			}
		}
		b.add(n, aliases, field(rec, secC), date)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(b.wl.Entities) == 0 {
		return nil, lineError(name, 1, "no entities")
	}
	return b.wl, nil
}

// loadCBP reads CBP's Withhold Release Orders and Findings CSV by header
// name (releases order columns differently). The Entity cell may name
// several entities separated by ";", each with aliases joined by ", a/k/a ".
func loadCBP(name string, r io.Reader) (*Watchlist, error) {
	wl := &Watchlist{List: List{Name: "cbp-wro", Source: "CBP Withhold Release Orders and Findings (CSV)"}}
	cr := newCSV(r)
	rec, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	h := header(rec)
	entC := h.col("entity")
	if entC < 0 {
		return nil, lineError(name, 1, "the header needs an Entity column")
	}
	dateC, ccC, countryC, merchC, kindC, statusC := h.col("effective date"), h.col("country code"), h.col("country"), h.col("merchandise"), h.col("wro/finding"), h.col("status")
	byID := map[string]int{}
	err = eachCSVRecord(name, cr, func(rec []string, line int) error {
		cell := field(rec, entC)
		if err := requiredName(name, line, "Entity", cell); err != nil {
			return err
		}
		if d := field(rec, dateC); d != "" {
			date, err := time.Parse("1/2/2006", d)
			if err != nil {
				return lineError(name, line, "column Effective Date: %q is not a date M/D/YYYY", trunc(d))
			}
			if date.After(wl.List.Published) {
				wl.List.Published = date
			}
		}
		country := ""
		if cc := field(rec, ccC); len(cc) == 2 && cc != "FV" { // FV marks fishing vessels, not a country
			country = strings.ToUpper(cc)
		} else if c, ok := CountryCode(field(rec, countryC)); ok {
			country = c
		}
		program := strings.TrimSpace(field(rec, kindC) + " " + field(rec, merchC))
		if st := field(rec, statusC); st != "" {
			program += " (" + st + ")"
		}
		for _, part := range strings.Split(cell, ";") {
			part = strings.TrimSpace(part)
			kind := KindOrganization
			if strings.HasPrefix(strings.ToLower(part), "fishing vessel:") {
				part = strings.TrimSpace(part[len("fishing vessel:"):])
				kind = KindVessel
			}
			names := strings.Split(part, ", a/k/a ")
			main, _ := parseUFLPACell(names[0])
			main = strings.TrimSuffix(main, ".")
			if main == "" {
				continue
			}
			id := "cbp:" + slug(main)
			i, seen := byID[id]
			if !seen {
				i = len(wl.Entities)
				byID[id] = i
				wl.Entities = append(wl.Entities, Entity{ID: id, Name: main, Kind: kind, ListName: "cbp-wro"})
			}
			e := &wl.Entities[i]
			for _, a := range names[1:] {
				a, more := parseUFLPACell(a)
				e.Aliases = appendUnique(e.Aliases, strings.TrimSuffix(a, "."))
				e.Aliases = appendUnique(e.Aliases, more...)
			}
			if country != "" {
				e.Countries = appendUnique(e.Countries, country)
			}
			e.Programs = appendUnique(e.Programs, program)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(wl.Entities) == 0 {
		return nil, lineError(name, 1, "no entities")
	}
	return wl, nil
}
