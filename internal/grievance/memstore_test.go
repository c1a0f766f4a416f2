package grievance_test

import (
	"bytes"
	"context"
	"slices"
	"sync"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// memStore is an in-memory grievance.Store for tests. It follows the error
// contracts of the interfaces and keeps copies, like a database would.
type memStore struct {
	mu       sync.Mutex
	reports  map[string]grievance.Report
	receipts map[string]grievance.ReceiptRecord // by report id
	atts     map[string][]grievance.SealedAttachment
	msgs     map[string][]grievance.Message
	remedies map[string][]grievance.Remedy
	history  map[string][]grievance.StageChange
	keys     map[[2]string][]byte
	consents map[string][]grievance.Consent
}

var _ grievance.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{
		reports: map[string]grievance.Report{}, receipts: map[string]grievance.ReceiptRecord{},
		atts: map[string][]grievance.SealedAttachment{}, msgs: map[string][]grievance.Message{},
		remedies: map[string][]grievance.Remedy{}, history: map[string][]grievance.StageChange{},
		keys: map[[2]string][]byte{}, consents: map[string][]grievance.Consent{},
	}
}

func notFound() error { return kernel.Errorf(kernel.NotFound, "not found") }

func (m *memStore) report(org, id string) (grievance.Report, bool) {
	r, ok := m.reports[id]
	return r, ok && r.OrgID == org
}

func (m *memStore) CreateReport(_ context.Context, nr grievance.NewReport) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := nr.Report
	r.Version = 1
	m.reports[r.ID] = r
	m.receipts[nr.Report.ID] = nr.Receipt
	m.atts[r.ID] = slices.Clone(nr.Attachments)
	m.consents[r.ID] = slices.Clone(nr.Consents)
	for _, wk := range nr.Keys {
		m.keys[[2]string{wk.ReportID, wk.Recipient}] = bytes.Clone(wk.Blob)
	}
	return nil
}

func (m *memStore) ReceiptsByLocator(_ context.Context, org, loc string) ([]grievance.ReceiptRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []grievance.ReceiptRecord
	for _, rec := range m.receipts {
		if rec.OrgID == org && rec.Locator == loc {
			out = append(out, rec)
		}
	}
	return out, nil
}

func (m *memStore) LocatorUse(_ context.Context, org string, locs []string) (map[string]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for _, rec := range m.receipts {
		if rec.OrgID == org && slices.Contains(locs, rec.Locator) {
			out[rec.Locator]++
		}
	}
	return out, nil
}

func (m *memStore) Report(_ context.Context, org, id string) (grievance.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.report(org, id)
	if !ok {
		return grievance.Report{}, notFound()
	}
	return r, nil
}

func (m *memStore) Reports(_ context.Context, org string, f grievance.ReportFilter, p kernel.Page) ([]grievance.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []grievance.Report{}
	for _, r := range m.reports {
		if r.OrgID == org && (len(f.Stages) == 0 || slices.Contains(f.Stages, r.Case.Stage)) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memStore) UpdateReport(_ context.Context, r grievance.Report, ch *grievance.StageChange) (grievance.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.report(r.OrgID, r.ID)
	if !ok {
		return grievance.Report{}, notFound()
	}
	if old.Version != r.Version {
		return grievance.Report{}, kernel.Errorf(kernel.Conflict, "stale")
	}
	r.Version++
	m.reports[r.ID] = r
	if ch != nil {
		m.history[r.ID] = append(m.history[r.ID], *ch)
	}
	return r, nil
}

func (m *memStore) Attachments(_ context.Context, org, id string) ([]grievance.SealedAttachment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, id); !ok {
		return nil, notFound()
	}
	return slices.Clone(m.atts[id]), nil
}

func (m *memStore) History(_ context.Context, org, id string) ([]grievance.StageChange, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, id); !ok {
		return nil, notFound()
	}
	return slices.Clone(m.history[id]), nil
}

func (m *memStore) PurgeReport(_ context.Context, org, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.report(org, id)
	if !ok {
		return notFound()
	}
	delete(m.receipts, id)
	r.Locator, r.Narrative, r.Contact, r.Identity, r.Purged = "", nil, nil, nil, true
	m.reports[id] = r
	delete(m.atts, id)
	delete(m.msgs, id)
	delete(m.remedies, id)
	delete(m.consents, id)
	return nil
}

func (m *memStore) AddConsent(_ context.Context, org, id string, c grievance.Consent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, id); !ok {
		return notFound()
	}
	m.consents[id] = append(m.consents[id], c)
	return nil
}

func (m *memStore) Consents(_ context.Context, org, id string) ([]grievance.Consent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, id); !ok {
		return nil, notFound()
	}
	return slices.Clone(m.consents[id]), nil
}

func (m *memStore) AddMessage(_ context.Context, org string, msg grievance.Message) (grievance.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, msg.ReportID); !ok {
		return grievance.Message{}, notFound()
	}
	msg.Seq = len(m.msgs[msg.ReportID]) + 1
	m.msgs[msg.ReportID] = append(m.msgs[msg.ReportID], msg)
	return msg, nil
}

func (m *memStore) Messages(_ context.Context, org, id string) ([]grievance.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, id); !ok {
		return nil, notFound()
	}
	return slices.Clone(m.msgs[id]), nil
}

func (m *memStore) PutRemedy(_ context.Context, org string, r grievance.Remedy) (grievance.Remedy, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, r.ReportID); !ok {
		return grievance.Remedy{}, notFound()
	}
	list := m.remedies[r.ReportID]
	i := slices.IndexFunc(list, func(x grievance.Remedy) bool { return x.ID == r.ID })
	switch {
	case r.Version == 0 && i >= 0:
		return grievance.Remedy{}, kernel.Errorf(kernel.Conflict, "duplicate")
	case r.Version == 0:
		r.Version = 1
		m.remedies[r.ReportID] = append(list, r)
	case i < 0:
		return grievance.Remedy{}, notFound()
	case list[i].Version != r.Version:
		return grievance.Remedy{}, kernel.Errorf(kernel.Conflict, "stale")
	default:
		r.Version++
		if len(r.EvidenceFile) == 0 {
			r.EvidenceFile = list[i].EvidenceFile
		}
		list[i] = r
	}
	return r, nil
}

func (m *memStore) Remedies(_ context.Context, org, id string) ([]grievance.Remedy, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, id); !ok {
		return nil, notFound()
	}
	out := slices.Clone(m.remedies[id])
	for i := range out {
		out[i].EvidenceFile = nil
	}
	return out, nil
}

func (m *memStore) RemedyEvidence(_ context.Context, org, id, remedyID string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.report(org, id); !ok {
		return nil, notFound()
	}
	for _, r := range m.remedies[id] {
		if r.ID == remedyID {
			return bytes.Clone(r.EvidenceFile), nil
		}
	}
	return nil, notFound()
}

func (m *memStore) PutWrappedKeys(_ context.Context, keys ...vault.WrappedKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		if _, ok := m.reports[k.ReportID]; !ok {
			return notFound()
		}
		m.keys[[2]string{k.ReportID, k.Recipient}] = bytes.Clone(k.Blob)
	}
	return nil
}

func (m *memStore) WrappedKey(_ context.Context, id, recipient string) (vault.WrappedKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.keys[[2]string{id, recipient}]
	if !ok {
		return vault.WrappedKey{}, notFound()
	}
	return vault.WrappedKey{ReportID: id, Recipient: recipient, Blob: bytes.Clone(b)}, nil
}

func (m *memStore) DeleteWrappedKey(_ context.Context, id, recipient string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, [2]string{id, recipient})
	return nil
}

func (m *memStore) DestroyWrappedKeys(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.keys {
		if k[0] == id {
			delete(m.keys, k)
		}
	}
	return nil
}

// dump returns every stored byte, for canary checks.
func (m *memStore) dump() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b bytes.Buffer
	for _, r := range m.reports {
		b.WriteString(r.ID + r.OrgID + r.Locator + r.Triage.SupplierID + r.Triage.Country)
		b.Write(r.Narrative)
		b.Write(r.Contact)
		b.Write(r.Identity)
	}
	for _, as := range m.atts {
		for _, a := range as {
			b.Write(a.Meta)
			b.Write(a.Content)
		}
	}
	for _, ms := range m.msgs {
		for _, x := range ms {
			b.Write(x.Body)
		}
	}
	for _, rs := range m.remedies {
		for _, x := range rs {
			b.Write(x.Description)
			b.Write(x.ReporterComment)
		}
	}
	for _, k := range m.keys {
		b.Write(k)
	}
	for _, rec := range m.receipts {
		v, _ := rec.Verifier.MarshalBinary()
		b.Write(v)
	}
	return b.Bytes()
}
