package impact

import (
	"fmt"
	"sort"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// NodeKind is a step of the results chain.
type NodeKind string

const (
	KindInput    NodeKind = "input"    // money, staff, partners' time
	KindActivity NodeKind = "activity" // what the programme does
	KindOutput   NodeKind = "output"   // what the activity directly delivers, counted (workshops held)
	KindOutcome  NodeKind = "outcome"  // what changes for people or ecosystems (in decent work a year later)
	KindImpact   NodeKind = "impact"   // the long-run change the outcomes contribute to
)

// rank orders the chain; a link must go one step forward.
var rank = map[NodeKind]int{KindInput: 0, KindActivity: 1, KindOutput: 2, KindOutcome: 3, KindImpact: 4}

// Node is one box of a logic model.
type Node struct {
	ID          string   `json:"id"`
	Kind        NodeKind `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
}

// Link says that From is expected to cause (or enable) To, under the stated
// assumptions and with the stated evidence.
type Link struct {
	From        string       `json:"from"`
	To          string       `json:"to"`
	Assumptions []Assumption `json:"assumptions,omitempty"`
	Evidence    []Evidence   `json:"evidence,omitempty"`
}

// Assumption is a condition the link depends on that the programme does not
// control.
type Assumption struct {
	Text string `json:"text"`
	// Risk says how likely the assumption is to fail: low, medium or high.
	Risk string `json:"risk,omitempty"`
}

// EvidenceStrength grades the evidence for a link.
type EvidenceStrength string

const (
	EvidenceWeak     EvidenceStrength = "weak"     // anecdote, expert opinion
	EvidenceModerate EvidenceStrength = "moderate" // monitoring data, before-and-after studies
	EvidenceStrong   EvidenceStrength = "strong"   // comparison groups, systematic reviews
)

// Evidence is a source supporting a causal link.
type Evidence struct {
	Summary  string           `json:"summary"`
	Source   string           `json:"source,omitempty"`
	Strength EvidenceStrength `json:"strength,omitempty"`
}

// LogicModel is a programme's theory of change: the results chain from
// inputs to impact, with the indicators that track it.
type LogicModel struct {
	Programme  string      `json:"programme"`
	Nodes      []Node      `json:"nodes"`
	Links      []Link      `json:"links"`
	Indicators []Indicator `json:"indicators,omitempty"`
}

// Node returns the node with the given id.
func (m *LogicModel) Node(id string) (Node, bool) {
	for _, n := range m.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return Node{}, false
}

// Indicator returns the indicator with the given code.
func (m *LogicModel) Indicator(code string) (Indicator, bool) {
	for _, ind := range m.Indicators {
		if ind.Code == code {
			return ind, true
		}
	}
	return Indicator{}, false
}

// Validate checks the model's shape and returns every problem found in one
// kernel.Invalid error, each naming the nodes involved:
//   - node ids are unique and non-empty, kinds known, titles present;
//   - links join known nodes and go one step forward along input →
//     activity → output → outcome → impact, or from outcome to outcome
//     (an intermediate outcome leading to a later one);
//   - there are no cycles;
//   - every outcome and impact is reachable from an activity;
//   - indicators are valid and attached to output, outcome or impact nodes.
func (m *LogicModel) Validate() error {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(m.Programme) == "" {
		fail("programme: missing name")
	}
	byID := map[string]Node{}
	for i, n := range m.Nodes {
		switch {
		case strings.TrimSpace(n.ID) == "":
			fail("nodes[%d]: missing id", i)
			continue
		case byID[n.ID].ID != "":
			fail("node %q: id used twice", n.ID)
			continue
		}
		if _, ok := rank[n.Kind]; !ok {
			fail("node %q: kind %q is not one of input, activity, output, outcome, impact", n.ID, n.Kind)
		}
		if strings.TrimSpace(n.Title) == "" {
			fail("node %q: missing title", n.ID)
		}
		byID[n.ID] = n
	}
	next := map[string][]string{}
	seenLink := map[[2]string]bool{}
	for i, l := range m.Links {
		from, okf := byID[l.From]
		to, okt := byID[l.To]
		if !okf || !okt {
			if !okf {
				fail("links[%d]: from %q is not a node of the model", i, l.From)
			}
			if !okt {
				fail("links[%d]: to %q is not a node of the model", i, l.To)
			}
			continue
		}
		name := fmt.Sprintf("link %s %q → %s %q", from.Kind, from.ID, to.Kind, to.ID)
		if seenLink[[2]string{l.From, l.To}] {
			fail("%s: given twice", name)
			continue
		}
		seenLink[[2]string{l.From, l.To}] = true
		if l.From == l.To {
			fail("%s: a node cannot cause itself", name)
			continue
		}
		if msg := linkProblem(from.Kind, to.Kind); msg != "" {
			fail("%s: %s", name, msg)
			continue
		}
		for j, a := range l.Assumptions {
			if strings.TrimSpace(a.Text) == "" {
				fail("%s: assumptions[%d]: missing text", name, j)
			}
			if a.Risk != "" && a.Risk != "low" && a.Risk != "medium" && a.Risk != "high" {
				fail("%s: assumptions[%d]: risk %q is not low, medium or high", name, j, a.Risk)
			}
		}
		for j, e := range l.Evidence {
			if strings.TrimSpace(e.Summary) == "" {
				fail("%s: evidence[%d]: missing summary", name, j)
			}
			if e.Strength != "" && e.Strength != EvidenceWeak && e.Strength != EvidenceModerate && e.Strength != EvidenceStrong {
				fail("%s: evidence[%d]: strength %q is not weak, moderate or strong", name, j, e.Strength)
			}
		}
		next[l.From] = append(next[l.From], l.To)
	}
	if cycle := findCycle(m.Nodes, next); cycle != nil {
		fail("cycle: %s; an outcome cannot lead back to itself", strings.Join(quoteAll(cycle), " → "))
	}
	reached := map[string]bool{}
	var queue []string
	for _, n := range m.Nodes {
		if n.Kind == KindActivity {
			reached[n.ID] = true
			queue = append(queue, n.ID)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, to := range next[id] {
			if !reached[to] {
				reached[to] = true
				queue = append(queue, to)
			}
		}
	}
	for _, n := range m.Nodes {
		if (n.Kind == KindOutcome || n.Kind == KindImpact) && n.ID != "" && !reached[n.ID] {
			fail("%s %q: not reached from any activity; link it from an output or an earlier outcome", n.Kind, n.ID)
		}
	}
	codes := map[string]bool{}
	for i, ind := range m.Indicators {
		label := fmt.Sprintf("indicators[%d]", i)
		if ind.Code != "" {
			label = fmt.Sprintf("indicator %q", ind.Code)
			if codes[ind.Code] {
				fail("%s: code used twice", label)
			}
			codes[ind.Code] = true
		}
		for _, p := range ind.problems() {
			fail("%s: %s", label, p)
		}
		n, ok := byID[ind.Node]
		switch {
		case ind.Node == "":
			fail("%s: node: missing; attach it to an output, outcome or impact", label)
		case !ok:
			fail("%s: node %q is not a node of the model", label, ind.Node)
		case n.Kind != KindOutput && n.Kind != KindOutcome && n.Kind != KindImpact:
			fail("%s: attached to %s %q; indicators measure outputs, outcomes or impact, not %ss", label, n.Kind, n.ID, n.Kind)
		}
	}
	if len(problems) > 0 {
		return kernel.Wrap(kernel.Invalid, ErrInvalidModel, "logic model: %s", strings.Join(problems, "; "))
	}
	return nil
}

func linkProblem(from, to NodeKind) string {
	rf, okf := rank[from]
	rt, okt := rank[to]
	switch {
	case !okf || !okt:
		return "unknown node kind"
	case from == KindOutcome && to == KindOutcome:
		return ""
	case rt == rf+1:
		return ""
	case rt <= rf:
		return fmt.Sprintf("goes backwards; links run input → activity → output → outcome → impact (or outcome → outcome)")
	}
	var between []string
	for k, r := range rank {
		if r > rf && r < rt {
			between = append(between, string(k))
		}
	}
	sort.Slice(between, func(i, j int) bool { return rank[NodeKind(between[i])] < rank[NodeKind(between[j])] })
	return fmt.Sprintf("skips a step; add the %s in between", strings.Join(between, " and "))
}

// findCycle returns the node ids of one cycle, first node repeated at the
// end, or nil. Nodes are visited in model order so the answer is stable.
func findCycle(nodes []Node, next map[string][]string) []string {
	const (
		white = iota
		grey
		black
	)
	colour := map[string]int{}
	var stack []string
	var found []string
	var visit func(id string) bool
	visit = func(id string) bool {
		colour[id] = grey
		stack = append(stack, id)
		for _, to := range next[id] {
			switch colour[to] {
			case grey:
				for i, s := range stack {
					if s == to {
						found = append(append([]string(nil), stack[i:]...), to)
						return true
					}
				}
			case white:
				if visit(to) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		colour[id] = black
		return false
	}
	for _, n := range nodes {
		if colour[n.ID] == white && visit(n.ID) {
			return found
		}
	}
	return nil
}

func quoteAll(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("%q", id)
	}
	return out
}
