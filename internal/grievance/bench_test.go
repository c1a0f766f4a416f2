package grievance_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

func reportCPU(b *testing.B, start time.Duration) {
	per := float64(cpuTime()-start) / float64(b.N)
	if per <= 0 {
		return
	}
	b.ReportMetric(per/1e6, "cpu-ms/op")
	b.ReportMetric(2e9/per, "ops/s-on-2-cores")
}

func benchService(b *testing.B) (*grievance.Service, grievance.OrgKeys) {
	b.Helper()
	v, err := vault.New(vault.DefaultParams(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	clock := kernel.SystemClock{}
	cfg := grievance.DefaultThrottle()
	cfg.Global = grievance.Rate{Burst: 1 << 30, Every: time.Nanosecond}
	th, _ := grievance.NewThrottle(cfg, clock)
	svc, err := grievance.NewService(grievance.Config{
		Vault: v, Store: newMemStore(), Throttle: th, Clock: clock, Rand: rand.Reader,
		Audit: (&auditLog{}).add,
	})
	if err != nil {
		b.Fatal(err)
	}
	rec, _ := v.NewKeyPair()
	h, _ := v.NewKeyPair()
	return svc, grievance.OrgKeys{OrgID: "org", Recovery: rec.Public(), Handlers: map[string]vault.PublicKey{"h": h.Public()}}
}

// BenchmarkSubmit is intake without storage or HTTP, at the production
// argon2id cost: the domain's share of each submission.
func BenchmarkSubmit(b *testing.B) {
	svc, org := benchService(b)
	sub := grievance.Submission{
		Triage:    grievance.Triage{Categories: []grievance.Category{grievance.DebtBondage}, Country: "TH", Channel: grievance.ChannelWeb},
		Narrative: string(make([]byte, 1500)),
		Contact:   "+66 81 234 5678",
	}
	ctx := context.Background()
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			// The in-memory store refuses a used locator, like the real one;
			// intake draws another, so this also exercises that path once
			// the locators fill up.
			if _, _, err := svc.Submit(ctx, org, sub); err != nil && !kernel.IsCode(err, kernel.Unavailable) {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFollowUp opens a report with its receipt: one argon2id run, an
// unwrap and the reporter view.
func BenchmarkFollowUp(b *testing.B) {
	svc, org := benchService(b)
	rc, _, err := svc.Submit(context.Background(), org, grievance.Submission{
		Triage:    grievance.Triage{Categories: []grievance.Category{grievance.Other}, Channel: grievance.ChannelSMS},
		Narrative: "x",
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	start := cpuTime()
	for b.Loop() {
		rs, err := svc.OpenWithReceipt(ctx, "org", rc)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rs.View(ctx); err != nil {
			b.Fatal(err)
		}
		rs.Close()
	}
	reportCPU(b, start)
}

func BenchmarkParseReceipt(b *testing.B) {
	for b.Loop() {
		if _, err := grievance.ParseReceipt("١٢٣٤-٥٦٧٨-٩٠١٢-٣٤٥٦-٧٨٩٠"); err != nil {
			b.Fatal(err)
		}
	}
}
