package eudr

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Size is an operator's size class under Directive 2013/34/EU, which sets
// its dates and obligations (Art. 38 as amended: micro and small operators
// from 30 June 2027).
type Size string

const (
	Micro      Size = "micro"
	Small      Size = "small"
	MediumSize Size = "medium"
	Large      Size = "large"
)

// ParseSize reads a size class; empty means large.
func ParseSize(raw string) (Size, error) {
	switch s := Size(strings.ToLower(strings.TrimSpace(raw))); s {
	case Micro, Small, MediumSize, Large:
		return s, nil
	case "":
		return Large, nil
	}
	return "", kernel.InvalidField("size", "%q: want micro, small, medium or large", raw)
}

// Operator is the organisation that places the product on the market,
// makes it available or exports it.
type Operator struct {
	Name    string `json:"name"`
	Country string `json:"country"` // ISO alpha-2
	Address string `json:"address"`
	// EORI is the Economic Operators Registration and Identification
	// number, the identifier the Information System asks for.
	EORI string `json:"eori,omitempty"`
	Size Size   `json:"size"`
	// Primary says the operator places on the market or exports what it
	// grew, harvested, obtained or raised itself on the plots (or, for
	// cattle, in its establishments): with a micro or small size and a
	// low-risk country of establishment, that makes it a micro or small
	// primary operator (Regulation (EU) 2025/2650).
	Primary bool `json:"primary,omitempty"`
}

// StatementKind is the kind of statement.
type StatementKind string

const (
	// DueDiligence is the due diligence statement of Art. 4(2), Annex II.
	DueDiligence StatementKind = "due-diligence-statement"
	// SimplifiedDeclaration is the one-off declaration of micro and small
	// primary operators introduced by Regulation (EU) 2025/2650 in place of
	// a statement per placing on the market: natural persons and micro or
	// small undertakings established in a country of low risk (Art. 29)
	// placing on the market or exporting what they produced themselves.
	SimplifiedDeclaration StatementKind = "simplified-declaration"
)

// Label is the kind in words.
func (k StatementKind) Label() string {
	if k == SimplifiedDeclaration {
		return "Simplified declaration"
	}
	return "Due diligence statement"
}

// Producer is one producer in a statement with the plots of the lot.
type Producer struct {
	Name    string `json:"name"`
	Country string `json:"country"`
	Plots   []Plot `json:"-"`
}

// Statement is a due diligence statement (or simplified declaration) made
// for one lot, holding everything Annex II asks for. It is built only from
// a lot whose checklist is complete (see Checklist).
type Statement struct {
	ID          string         `json:"id"`
	Kind        StatementKind  `json:"kind"`
	Reference   string         `json:"reference"` // the operator's internal reference number
	Operator    Operator       `json:"operator"`
	Activity    Activity       `json:"activity"`
	LotID       string         `json:"lot_id"`
	Commodity   string         `json:"commodity"`
	HSCodes     []string       `json:"hs_codes"`
	Description string         `json:"description"`
	NetMassKg   float64        `json:"net_mass_kg"`
	Countries   []string       `json:"countries"`
	Producers   []Producer     `json:"producers"`
	Upstream    []StatementRef `json:"upstream,omitempty"`
	// Simplified says the assessment was skipped because every country of
	// production is low risk (Art. 13).
	Simplified bool      `json:"simplified"`
	Conclusion string    `json:"conclusion"`
	MadeBy     string    `json:"made_by"`
	MadeAt     time.Time `json:"made_at"`
}

// Declaration is the text of Annex II point 8 the operator signs.
const Declaration = "By submitting this due diligence statement the operator confirms that due diligence in accordance with Regulation (EU) 2023/1115 was carried out and that no or only a negligible risk was found that the relevant products do not comply with Article 3, point (a) or (b), of that Regulation."

// KindFor picks the statement kind for an operator: micro and small
// primary operators established in a low-risk country make the simplified
// declaration (Regulation (EU) 2025/2650); every other operator, whatever
// its size, the due diligence statement. countryRisk is the Art. 29
// benchmark of the operator's country ("low", "standard", "high" or "").
func KindFor(op Operator, countryRisk string) StatementKind {
	if (op.Size == Micro || op.Size == Small) && op.Primary && countryRisk == "low" {
		return SimplifiedDeclaration
	}
	return DueDiligence
}

// StatementInput is everything a statement is built from.
type StatementInput struct {
	Operator   Operator
	Lot        Lot
	Plots      []Plot
	Evidence   map[string][]Evidence
	Findings   map[string][]Finding
	Assessment *Assessment // nil when none was recorded
	Simplified bool        // simplified due diligence applies (Art. 13)
	// OperatorCountryRisk is the Art. 29 benchmark of the operator's
	// country, which decides whether a micro or small primary operator
	// makes the simplified declaration (see KindFor).
	OperatorCountryRisk string
	MadeBy              string
	Today               time.Time
}

// BuildStatement makes the statement for a lot. It refuses, naming every
// open item, when the checklist is not complete.
func BuildStatement(in StatementInput) (Statement, error) {
	if in.Lot.Downstream() {
		return Statement{}, kernel.Errorf(kernel.Invalid, "lot %s is covered by earlier statements only: %s", in.Lot.Ref, DownstreamRule)
	}
	items := Checklist(in)
	if open := Blocking(items); len(open) > 0 {
		return Statement{}, kernel.Errorf(kernel.Invalid, "lot %s is not ready for a statement: %s", in.Lot.Ref, strings.Join(open, "; "))
	}
	if strings.TrimSpace(in.MadeBy) == "" {
		return Statement{}, kernel.InvalidField("made_by", "say who makes the statement")
	}
	s := Statement{
		ID: kernel.NewID(), Kind: KindFor(in.Operator, in.OperatorCountryRisk), Reference: in.Lot.Ref, Operator: in.Operator,
		Activity: in.Lot.Activity, LotID: in.Lot.ID, Commodity: in.Lot.Commodity, HSCodes: in.Lot.HSCodes,
		Description: in.Lot.Description, NetMassKg: in.Lot.NetMassKg, Upstream: in.Lot.Upstream,
		Simplified: in.Simplified, MadeBy: strings.TrimSpace(in.MadeBy), MadeAt: in.Today.UTC(),
	}
	if s.Activity == "" {
		s.Activity = Import
	}
	if in.Simplified {
		s.Conclusion = "Simplified due diligence: every country of production is low risk (Art. 13)"
	} else if in.Assessment != nil {
		s.Conclusion = fmt.Sprintf("Risk %s, decided by %s on %s: %s", in.Assessment.Conclusion, in.Assessment.DecidedBy, in.Assessment.DecidedAt.Format(time.DateOnly), in.Assessment.Reason)
	}
	byProducer := map[string]int{}
	for _, p := range in.Plots {
		if !slices.Contains(s.Countries, p.Country) {
			s.Countries = append(s.Countries, p.Country)
		}
		key := p.producerKey() + "\x00" + p.Country
		i, ok := byProducer[key]
		if !ok {
			i = len(s.Producers)
			byProducer[key] = i
			s.Producers = append(s.Producers, Producer{Name: producerName(p), Country: p.Country})
		}
		s.Producers[i].Plots = append(s.Producers[i].Plots, p)
	}
	slices.Sort(s.Countries)
	return s, nil
}

// Plots returns every plot of the statement in order.
func (s Statement) Plots() []Plot {
	var out []Plot
	for _, p := range s.Producers {
		out = append(out, p.Plots...)
	}
	return out
}

// GeoJSON writes plots as the EU Information System's GeoJSON: a
// FeatureCollection with one Feature per plot, WGS84 longitude/latitude,
// coordinates written with at least six decimals (never fewer than the
// source gave), and the properties ProducerName, ProducerCountry,
// ProductionPlace and, for points, Area in hectares.
func GeoJSON(plots []Plot) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, p := range plots {
		if i > 0 {
			b.WriteByte(',')
		}
		props := map[string]any{"ProducerName": producerName(p), "ProducerCountry": p.Country}
		if p.Place != "" {
			props["ProductionPlace"] = p.Place
		}
		if p.Geometry.Kind == KindPoint && p.DeclaredAreaHa > 0 {
			props["Area"] = json.Number(strconv.FormatFloat(p.DeclaredAreaHa, 'f', -1, 64))
		}
		pj, _ := json.Marshal(props) // map of strings and numbers: cannot fail
		b.WriteString(`{"type":"Feature","properties":`)
		b.Write(pj)
		b.WriteString(`,"geometry":{"type":"`)
		b.WriteString(string(p.Geometry.Kind))
		b.WriteString(`","coordinates":`)
		writeCoords(&b, p.Geometry)
		b.WriteString(`}}`)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

func writeCoords(b *strings.Builder, g Geometry) {
	pos := func(c Coord) {
		b.WriteByte('[')
		b.WriteString(strconv.FormatFloat(c.Lon, 'f', max(c.LonDecimals, MinDecimals), 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(c.Lat, 'f', max(c.LatDecimals, MinDecimals), 64))
		b.WriteByte(']')
	}
	rings := func(poly [][]Coord) {
		b.WriteByte('[')
		for i, r := range poly {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			for j, c := range r {
				if j > 0 {
					b.WriteByte(',')
				}
				pos(c)
			}
			b.WriteByte(']')
		}
		b.WriteByte(']')
	}
	switch g.Kind {
	case KindPoint:
		pos(g.Point)
	case KindPolygon:
		rings(g.Polygons[0])
	case KindMultiPolygon:
		b.WriteByte('[')
		for i, p := range g.Polygons {
			if i > 0 {
				b.WriteByte(',')
			}
			rings(p)
		}
		b.WriteByte(']')
	}
}

// The submission document: the shape of the EU Information System's due
// diligence statement (TRACES "EUDR" submission, version 1.4 of its
// interface description): the operator, the activity, one commodity entry
// per HS heading with its goods measure and its producers, each producer's
// plots as base64-encoded GeoJSON, and the associated earlier statements.

type isSubmission struct {
	OperatorType string      `json:"operatorType"`
	Statement    isStatement `json:"statement"`
}

type isStatement struct {
	InternalReferenceNumber string         `json:"internalReferenceNumber"`
	ActivityType            string         `json:"activityType"`
	StatementType           string         `json:"statementType"`
	Operator                isOperator     `json:"operator"`
	CountryOfActivity       string         `json:"countryOfActivity"`
	Commodities             []isCommodity  `json:"commodities"`
	GeoLocationConfidential bool           `json:"geoLocationConfidential"`
	AssociatedStatements    []isAssociated `json:"associatedStatements"`
	Comment                 string         `json:"comment,omitempty"`
}

type isOperator struct {
	Name          string        `json:"name"`
	Country       string        `json:"country"`
	Address       string        `json:"address"`
	ReferenceNumb *isIdentifier `json:"referenceNumber,omitempty"`
}

type isIdentifier struct {
	IdentifierType  string `json:"identifierType"`
	IdentifierValue string `json:"identifierValue"`
}

type isCommodity struct {
	HSHeading   string        `json:"hsHeading"`
	Descriptors isDescriptors `json:"descriptors"`
	Producers   []isProducer  `json:"producers"`
}

type isDescriptors struct {
	DescriptionOfGoods string         `json:"descriptionOfGoods"`
	GoodsMeasure       isGoodsMeasure `json:"goodsMeasure"`
}

type isGoodsMeasure struct {
	NetWeight float64 `json:"netWeight"`
}

type isProducer struct {
	Country         string `json:"country"`
	Name            string `json:"name"`
	GeometryGeojson string `json:"geometryGeojson"`
}

type isAssociated struct {
	ReferenceNumber    string `json:"referenceNumber"`
	VerificationNumber string `json:"verificationNumber"`
}

// InformationSystemJSON writes the statement as the submission document
// the EU Information System takes. The net mass is given once, on the
// first HS heading, since a lot is one quantity.
func (s Statement) InformationSystemJSON() ([]byte, error) {
	st := isStatement{
		InternalReferenceNumber: s.Reference,
		ActivityType:            strings.ToUpper(string(s.Activity)),
		StatementType:           map[StatementKind]string{DueDiligence: "DDS", SimplifiedDeclaration: "SIMPLIFIED_DECLARATION"}[s.Kind],
		Operator:                isOperator{Name: s.Operator.Name, Country: s.Operator.Country, Address: s.Operator.Address},
		CountryOfActivity:       s.Operator.Country,
		AssociatedStatements:    []isAssociated{},
		Comment:                 s.Conclusion,
	}
	if s.Operator.EORI != "" {
		st.Operator.ReferenceNumb = &isIdentifier{IdentifierType: "eori", IdentifierValue: s.Operator.EORI}
	}
	var producers []isProducer
	for _, p := range s.Producers {
		producers = append(producers, isProducer{Country: p.Country, Name: p.Name, GeometryGeojson: base64.StdEncoding.EncodeToString(GeoJSON(p.Plots))})
	}
	if producers == nil {
		producers = []isProducer{}
	}
	for i, h := range s.HSCodes {
		c := isCommodity{HSHeading: h, Descriptors: isDescriptors{DescriptionOfGoods: s.Description}, Producers: producers}
		if i == 0 {
			c.Descriptors.GoodsMeasure.NetWeight = s.NetMassKg
		}
		st.Commodities = append(st.Commodities, c)
	}
	for _, u := range s.Upstream {
		st.AssociatedStatements = append(st.AssociatedStatements, isAssociated{ReferenceNumber: u.Reference, VerificationNumber: u.Verification})
	}
	operatorType := "OPERATOR"
	if s.Activity == Trade {
		operatorType = "TRADER"
	}
	return json.MarshalIndent(isSubmission{OperatorType: operatorType, Statement: st}, "", "  ")
}
