package vault_test

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/vault"
)

func benchVault(b *testing.B, p vault.Params) *vault.Vault {
	b.Helper()
	v, err := vault.New(p, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func BenchmarkSeal(b *testing.B) {
	v := benchVault(b, vault.DefaultParams())
	dk, _ := v.NewDataKey()
	f := vault.Field{Table: "grievance_report", Column: "narrative", ID: "0193a1b2-0000-7000-8000-000000000000"}
	for _, n := range []int{256, 4 << 10, 1 << 20} {
		msg := make([]byte, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, err := v.Seal(dk, f, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	v := benchVault(b, vault.DefaultParams())
	dk, _ := v.NewDataKey()
	f := vault.Field{Table: "grievance_report", Column: "narrative", ID: "0193a1b2-0000-7000-8000-000000000000"}
	for _, n := range []int{256, 4 << 10, 1 << 20} {
		ct, _ := v.Seal(dk, f, make([]byte, n))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, err := v.Open(dk, f, ct); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWrapX25519(b *testing.B) {
	v := benchVault(b, vault.DefaultParams())
	dk, _ := v.NewDataKey()
	k, _ := v.NewKeyPair()
	for b.Loop() {
		if _, err := v.WrapTo(dk, "r1", k.Public()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnwrapX25519(b *testing.B) {
	v := benchVault(b, vault.DefaultParams())
	dk, _ := v.NewDataKey()
	k, _ := v.NewKeyPair()
	blob, _ := v.WrapTo(dk, "r1", k.Public())
	for b.Loop() {
		if _, err := vault.UnwrapWith(blob, "r1", k); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU adds the CPU time per operation since start, and the
// operations per second two fully used cores could sustain at that cost.
func reportCPU(b *testing.B, start time.Duration) {
	per := float64(cpuTime()-start) / float64(b.N)
	if per <= 0 {
		return
	}
	b.ReportMetric(per/1e6, "cpu-ms/op")
	b.ReportMetric(2e9/per, "ops/s-on-2-cores")
}

// BenchmarkReceiptKDF measures one receipt stretch at the production cost:
// the work done per submission and per follow-up attempt.
func BenchmarkReceiptKDF(b *testing.B) {
	v := benchVault(b, vault.DefaultParams())
	start := cpuTime()
	for b.Loop() {
		if _, _, err := v.NewReceiptVerifier([]byte("1234567890123456")); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkReceiptCandidates compares receipt costs, to choose the default:
// intake must sustain 50 submissions a second on two cores with room left
// for the database and the web layer.
func BenchmarkReceiptCandidates(b *testing.B) {
	for _, c := range []vault.KDFParams{
		{Time: 1, MemoryKiB: 8 << 10, Threads: 1},
		{Time: 2, MemoryKiB: 12 << 10, Threads: 1},
		{Time: 2, MemoryKiB: 19 << 10, Threads: 1},
		{Time: 3, MemoryKiB: 64 << 10, Threads: 2},
	} {
		p := vault.DefaultParams()
		p.Receipt = c
		v := benchVault(b, p)
		b.Run(fmt.Sprintf("t%d_m%dMiB_p%d", c.Time, c.MemoryKiB>>10, c.Threads), func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				if _, _, err := v.NewReceiptVerifier([]byte("1234567890123456")); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkReceiptKDFParallel measures receipt stretches per second with
// every core busy, which bounds intake throughput.
func BenchmarkReceiptKDFParallel(b *testing.B) {
	v := benchVault(b, vault.DefaultParams())
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := v.NewReceiptVerifier([]byte("12345678901234567890")); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIntakeCrypto is the whole cryptographic cost of one submission:
// a data key, the receipt stretch, three sealed fields, and wrapping to the
// receipt, the recovery key and two handlers.
func BenchmarkIntakeCrypto(b *testing.B) {
	v := benchVault(b, vault.DefaultParams())
	rec, _ := v.NewKeyPair()
	h1, _ := v.NewKeyPair()
	h2, _ := v.NewKeyPair()
	handlers := map[string]vault.PublicKey{"h1": h1.Public(), "h2": h2.Public()}
	narrative := make([]byte, 2000)
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			dk, _ := v.NewDataKey()
			_, rk, err := v.NewReceiptVerifier([]byte("12345678901234567890"))
			if err != nil {
				b.Fatal(err)
			}
			for _, col := range []string{"narrative", "contact", "identity"} {
				if _, err := v.Seal(dk, vault.Field{Table: "grievance_report", Column: col, ID: "r1"}, narrative); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := v.WrapAll(dk, "r1", rk, rec.Public(), handlers); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPasswordKDF(b *testing.B) {
	v := benchVault(b, vault.DefaultParams())
	_, locked, _ := v.NewHandlerKey([]byte("a long handler password"))
	start := cpuTime()
	for b.Loop() {
		if _, err := v.UnlockKey(locked, []byte("a long handler password")); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}
