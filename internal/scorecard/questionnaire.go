package scorecard

import "slices"

// Theme is one area a scorecard grades.
type Theme string

const (
	Policies     Theme = "policies"
	Traceability Theme = "traceability"
	Purchasing   Theme = "purchasing"
	Monitoring   Theme = "monitoring"
	WorkerVoice  Theme = "worker_voice"
	Remedy       Theme = "remedy"
	Environment  Theme = "environment"
)

var themes = [...]Theme{Policies, Traceability, Purchasing, Monitoring, WorkerVoice, Remedy, Environment}

// Themes lists every theme in the order scorecards show them.
func Themes() []Theme { return slices.Clone(themes[:]) }

// Valid reports whether t is a known theme.
func (t Theme) Valid() bool { return slices.Contains(themes[:], t) }

// Label is the theme's name for people.
func (t Theme) Label() string {
	switch t {
	case Policies:
		return "Policies"
	case Traceability:
		return "Traceability and transparency"
	case Purchasing:
		return "Purchasing practices"
	case Monitoring:
		return "Monitoring and audits"
	case WorkerVoice:
		return "Worker voice and grievance"
	case Remedy:
		return "Remedy"
	case Environment:
		return "Environment and deforestation"
	}
	return string(t)
}

// SubjectKind says whether a scorecard grades a supplier or the reporting
// organisation itself; some questions only make sense for one of them.
type SubjectKind string

const (
	Supplier     SubjectKind = "supplier"
	Organisation SubjectKind = "organisation"
)

// Valid reports whether k is a known subject kind.
func (k SubjectKind) Valid() bool { return k == Supplier || k == Organisation }

// Subject is what a scorecard grades: a supplier (a supply-chain party id)
// or the organisation (its organisation id).
type Subject struct {
	Kind SubjectKind
	ID   string
	Name string
}

// Source says where the evidence for an item comes from.
type Source string

const (
	// FromAnswer items are questions answered in the questionnaire.
	FromAnswer Source = "questionnaire"
	// FromHeld items are computed from data Upstream already holds.
	FromHeld Source = "upstream"
)

// Item is one thing a scorecard looks for: a question, or a measure of
// evidence Upstream holds. Its points and effort come from the weights.
type Item struct {
	ID       string
	Theme    Theme
	Source   Source
	Subjects []SubjectKind
	// Text is the question (for answers) or what the measure is (for held
	// evidence).
	Text string
	// Action says what would earn the item's points, for "what would move
	// the grade up".
	Action string
}

// AppliesTo reports whether the item is asked of subjects of kind k.
func (it Item) AppliesTo(k SubjectKind) bool { return slices.Contains(it.Subjects, k) }

var both = []SubjectKind{Supplier, Organisation}

// catalogue is the questionnaire and the held measures, grouped by theme.
// Wording stays short and concrete so a small supplier can answer it.
var catalogue = []Item{
	{ID: "policy.forced_labour", Theme: Policies, Source: FromAnswer, Subjects: both,
		Text:   "Is there a written, signed policy prohibiting forced labour, child labour and trafficking, communicated to workers in their languages?",
		Action: "Upload the signed policy and evidence it was shared with workers."},
	{ID: "policy.employer_pays", Theme: Policies, Source: FromAnswer, Subjects: both,
		Text:   "Is the Employer Pays Principle applied, so that no worker pays recruitment fees or related costs?",
		Action: "Adopt the Employer Pays Principle and upload the recruitment-fee policy and agency contracts."},
	{ID: "policy.supplier_code", Theme: Policies, Source: FromAnswer, Subjects: []SubjectKind{Organisation},
		Text:   "Does the supplier code of conduct require the same of suppliers, and is it part of supplier contracts?",
		Action: "Add the supplier code of conduct to contracts and upload a sample contract clause."},
	{ID: "policy.accountability", Theme: Policies, Source: FromAnswer, Subjects: both,
		Text:   "Is a named director or senior manager accountable for human-rights and environmental due diligence?",
		Action: "Name the accountable director and upload the board minute or mandate."},

	{ID: "trace.origin_records", Theme: Traceability, Source: FromAnswer, Subjects: both,
		Text:   "Are records kept that trace raw materials back to their origin (farm, mine, plantation, plot)?",
		Action: "Keep origin records per shipment and upload a sample chain-of-custody record."},
	{ID: "trace.supplier_list", Theme: Traceability, Source: FromAnswer, Subjects: []SubjectKind{Organisation},
		Text:   "Is the supplier list published, with at least tier-1 names and addresses?",
		Action: "Publish the tier-1 supplier list and give its address."},
	{ID: "trace.tier1", Theme: Traceability, Source: FromHeld, Subjects: []SubjectKind{Organisation},
		Text:   "Share of tier-1 suppliers mapped with country and an identifier.",
		Action: "Complete country and identifiers for tier-1 suppliers in the supply map."},
	{ID: "trace.tier2", Theme: Traceability, Source: FromHeld, Subjects: both,
		Text:   "Share of the next tier whose own suppliers are mapped (tier 2 for the organisation, the supplier's direct suppliers for a supplier).",
		Action: "Map the suppliers of the next tier."},
	{ID: "trace.tier3plus", Theme: Traceability, Source: FromHeld, Subjects: both,
		Text:   "Share of deeper tiers mapped down to raw-material production.",
		Action: "Map the chain down to raw-material producers."},
	{ID: "trace.volume", Theme: Traceability, Source: FromHeld, Subjects: both,
		Text:   "Share of purchased volume traced to its origin.",
		Action: "Trace more of the purchased volume to origin (volume shares on supply links)."},

	{ID: "purchasing.lead_times", Theme: Purchasing, Source: FromAnswer, Subjects: []SubjectKind{Organisation},
		Text:   "Are lead times and late order changes kept to what suppliers can meet without excessive overtime?",
		Action: "Set a minimum lead time and a change-order rule, and upload the buying guideline."},
	{ID: "purchasing.pricing", Theme: Purchasing, Source: FromAnswer, Subjects: []SubjectKind{Organisation},
		Text:   "Do prices paid to suppliers ring-fence the cost of at least legal minimum wages (ideally living wages)?",
		Action: "Ring-fence labour costs in price negotiations and upload the costing method."},
	{ID: "purchasing.wages", Theme: Purchasing, Source: FromAnswer, Subjects: []SubjectKind{Supplier},
		Text:   "Do all workers receive at least the legal minimum wage, on time, paid directly to them?",
		Action: "Upload payroll evidence showing on-time direct payment of at least the minimum wage."},

	{ID: "monitoring.audits", Theme: Monitoring, Source: FromAnswer, Subjects: both,
		Text:   "Has an independent social audit with worker interviews (including unannounced visits) been carried out in the last year?",
		Action: "Commission an independent audit with worker interviews and upload the report summary."},
	{ID: "monitoring.corrective", Theme: Monitoring, Source: FromAnswer, Subjects: both,
		Text:   "Are corrective action plans tracked to verified closure?",
		Action: "Track corrective actions to closure and upload the tracker."},
	{ID: "screening.coverage", Theme: Monitoring, Source: FromHeld, Subjects: both,
		Text:   "Share of parties screened against watchlists.",
		Action: "Screen the remaining parties against the watchlists."},
	{ID: "screening.pending", Theme: Monitoring, Source: FromHeld, Subjects: both,
		Text:   "Possible watchlist matches still waiting for review.",
		Action: "Review the pending watchlist matches."},
	{ID: "screening.confirmed", Theme: Monitoring, Source: FromHeld, Subjects: both,
		Text:   "Confirmed watchlist matches among active parties.",
		Action: "Resolve confirmed watchlist matches (remediate or disengage responsibly)."},

	{ID: "voice.mechanism", Theme: WorkerVoice, Source: FromAnswer, Subjects: both,
		Text:   "Can workers and communities raise grievances anonymously, in their own languages, without retaliation?",
		Action: "Offer an anonymous grievance channel in workers' languages and upload how it is publicised."},
	{ID: "voice.representation", Theme: WorkerVoice, Source: FromAnswer, Subjects: []SubjectKind{Supplier},
		Text:   "Can workers organise and bargain collectively (or freely elect representatives where the law restricts unions)?",
		Action: "Upload the collective agreement or the record of the workers' representative election."},
	{ID: "grievance.acknowledge", Theme: WorkerVoice, Source: FromHeld, Subjects: both,
		Text:   "Median days from a grievance being received to it being acknowledged.",
		Action: "Acknowledge grievances faster (the target is within the configured number of days)."},

	{ID: "remedy.process", Theme: Remedy, Source: FromAnswer, Subjects: both,
		Text:   "Is there a documented process to provide remedy (repaying recruitment fees, back pay, reinstatement) when harm is found?",
		Action: "Write the remedy procedure and upload it."},
	{ID: "remedy.verified", Theme: Remedy, Source: FromAnswer, Subjects: both,
		Text:   "Are remedies recorded and their delivery verified with the people affected?",
		Action: "Record remedies and verify delivery with those affected; upload the verification record."},
	{ID: "remedy.accepted", Theme: Remedy, Source: FromHeld, Subjects: both,
		Text:   "Share of proposed remedies that the people affected accepted.",
		Action: "Agree remedies with the people affected so that they accept them."},

	{ID: "env.deforestation", Theme: Environment, Source: FromAnswer, Subjects: both,
		Text:   "Is there a no-deforestation, no-conversion commitment with a cut-off date (31 December 2020 for EUDR commodities)?",
		Action: "Adopt a no-deforestation, no-conversion commitment and upload it."},
	{ID: "env.geolocation", Theme: Environment, Source: FromAnswer, Subjects: both,
		Text:   "Is geolocation (plot coordinates or polygons) held for the land where commodities were produced?",
		Action: "Collect plot geolocation and upload the dataset reference."},
	{ID: "env.monitoring", Theme: Environment, Source: FromAnswer, Subjects: both,
		Text:   "Is environmental harm at sites monitored (land conversion, water, pollution)?",
		Action: "Monitor sites for environmental harm and upload the latest monitoring report."},
}

// Items returns the questionnaire questions and held measures that apply to
// subjects of kind k, in theme order.
func Items(k SubjectKind) []Item {
	var out []Item
	for _, t := range themes {
		for _, it := range catalogue {
			if it.Theme == t && it.AppliesTo(k) {
				out = append(out, it)
			}
		}
	}
	return out
}

// Questions returns only the questionnaire questions for subjects of kind k.
func Questions(k SubjectKind) []Item {
	var out []Item
	for _, it := range Items(k) {
		if it.Source == FromAnswer {
			out = append(out, it)
		}
	}
	return out
}

// Lookup returns the item with the given id.
func Lookup(id string) (Item, bool) {
	for _, it := range catalogue {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}
