package report

import (
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Step is one of the six steps of the OECD Due Diligence Guidance for
// Responsible Business Conduct; the due-diligence report has one section
// per step.
type Step string

const (
	StepEmbed       Step = "embed"
	StepIdentify    Step = "identify"
	StepPrevent     Step = "prevent"
	StepTrack       Step = "track"
	StepCommunicate Step = "communicate"
	StepRemedy      Step = "remedy"
)

// Steps lists the six steps in the guidance's order.
func Steps() []Step {
	return []Step{StepEmbed, StepIdentify, StepPrevent, StepTrack, StepCommunicate, StepRemedy}
}

// Title is the step's heading.
func (s Step) Title() string {
	switch s {
	case StepEmbed:
		return "1. Embed responsible business conduct into policies and management systems"
	case StepIdentify:
		return "2. Identify and assess adverse impacts"
	case StepPrevent:
		return "3. Cease, prevent and mitigate adverse impacts"
	case StepTrack:
		return "4. Track implementation and results"
	case StepCommunicate:
		return "5. Communicate how impacts are addressed"
	case StepRemedy:
		return "6. Provide for or cooperate in remediation"
	}
	return string(s)
}

// Regulation is a due-diligence or reporting law a report can be filtered
// to.
type Regulation string

const (
	UKMSA Regulation = "uk-msa"
	CSDDD Regulation = "eu-csddd"
	LkSG  Regulation = "de-lksg"
	EUDR  Regulation = "eu-eudr"
	UFLPA Regulation = "us-uflpa"
)

// Requirement is what one regulation asks a due-diligence report to cover:
// the OECD steps, each with the provision that asks for it. Steps a
// regulation does not ask for are left out of a report filtered to it.
type Requirement struct {
	Regulation Regulation
	Name       string
	Instrument string
	Provisions []Provision
}

// Provision links an OECD step to the part of the instrument that asks for
// it.
type Provision struct {
	Step      Step
	Reference string
}

// Steps lists the steps the regulation asks for, in OECD order.
func (r Requirement) Steps() []Step {
	var out []Step
	for _, s := range Steps() {
		if slices.ContainsFunc(r.Provisions, func(p Provision) bool { return p.Step == s }) {
			out = append(out, s)
		}
	}
	return out
}

// Reference returns the provision behind a step, or "" when the regulation
// does not ask for it.
func (r Requirement) Reference(s Step) string {
	for _, p := range r.Provisions {
		if p.Step == s {
			return p.Reference
		}
	}
	return ""
}

// regulations is the documented mapping from regulation to sections (see
// docs/scorecard-method.md, "Report sections by regulation").
var regulations = map[Regulation]Requirement{
	UKMSA: {UKMSA, "UK Modern Slavery Act 2015", "Modern Slavery Act 2015, section 54, and the Home Office statutory guidance on transparency in supply chains", []Provision{
		{StepEmbed, "s.54(5)(a)-(b): organisation structure, business and supply chains; policies on slavery and human trafficking"},
		{StepIdentify, "s.54(5)(d): parts of the business and supply chains where there is a risk, and steps to assess it"},
		{StepPrevent, "s.54(5)(c): due diligence processes; s.54(5)(d): steps taken to manage the risk"},
		{StepTrack, "s.54(5)(e): effectiveness measured against performance indicators"},
		{StepCommunicate, "s.54(5)(f), (6)-(7): training; board approval and publication on the website"},
	}},
	CSDDD: {CSDDD, "EU Corporate Sustainability Due Diligence Directive", "Directive (EU) 2024/1760", []Provision{
		{StepEmbed, "Art. 7: integrating due diligence into policies and risk management systems"},
		{StepIdentify, "Art. 8-9: identifying, assessing and prioritising actual and potential adverse impacts"},
		{StepPrevent, "Art. 10-11: preventing potential and bringing actual adverse impacts to an end"},
		{StepTrack, "Art. 15: monitoring; Art. 14: notification mechanism and complaints procedure"},
		{StepCommunicate, "Art. 16: communicating (annual statement); Art. 13: meaningful engagement with stakeholders"},
		{StepRemedy, "Art. 12: remediation of actual adverse impacts"},
	}},
	LkSG: {LkSG, "German Supply Chain Due Diligence Act", "Lieferkettensorgfaltspflichtengesetz (LkSG)", []Provision{
		{StepEmbed, "§ 4: risk management; § 6(2): policy statement"},
		{StepIdentify, "§ 5: risk analysis; § 9: indirect suppliers on substantiated knowledge"},
		{StepPrevent, "§ 6(1), (3)-(4): preventive measures"},
		{StepTrack, "§ 4(1), § 10(1): effectiveness review and documentation"},
		{StepCommunicate, "§ 10(2): annual report"},
		{StepRemedy, "§ 7: remedial action; § 8: complaints procedure"},
	}},
	EUDR: {EUDR, "EU Deforestation Regulation", "Regulation (EU) 2023/1115", []Provision{
		{StepEmbed, "Art. 12(1): due diligence system"},
		{StepIdentify, "Art. 9: information requirements (geolocation of plots); Art. 10: risk assessment"},
		{StepPrevent, "Art. 11: risk mitigation"},
		{StepTrack, "Art. 12(2): review of the due diligence system at least once a year"},
		{StepCommunicate, "Art. 4(2): due diligence statement; Art. 12(3): public reporting"},
	}},
	UFLPA: {UFLPA, "US Uyghur Forced Labor Prevention Act", "Public Law 117-78 and CBP operational guidance for importers", []Provision{
		{StepEmbed, "Due diligence system: policies, engagement with suppliers and training"},
		{StepIdentify, "Supply chain tracing to raw materials and mapping of risk"},
		{StepPrevent, "Management of supply chain risk: preventing and mitigating forced labour risk"},
		{StepTrack, "Evidence that goods were not produced with forced labour, kept current"},
	}},
}

func regulationCodes() []string {
	var out []string
	for _, r := range []Regulation{UKMSA, CSDDD, LkSG, EUDR, UFLPA} {
		out = append(out, string(r))
	}
	return out
}

// Regulations lists the known regulations and what each asks for.
func Regulations() []Requirement {
	var out []Requirement
	for _, c := range regulationCodes() {
		out = append(out, regulations[Regulation(c)])
	}
	return out
}

// ParseRegulation reads a regulation code; "" means no filter.
func ParseRegulation(s string) (Regulation, error) {
	if s == "" {
		return "", nil
	}
	if _, ok := regulations[Regulation(s)]; ok {
		return Regulation(s), nil
	}
	return "", kernel.InvalidField("regulation", "%q is not a known regulation", s)
}
