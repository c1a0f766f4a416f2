package vault_test

import (
	"bytes"
	"context"
	"errors"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

func seeded(seed byte) *mrand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return mrand.NewChaCha8(s)
}

func newVault(t testing.TB) *vault.Vault {
	t.Helper()
	v, err := vault.New(vault.TestParams(), seeded(1))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func dataKey(t testing.TB, v *vault.Vault) *vault.DataKey {
	t.Helper()
	dk, err := v.NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	return dk
}

func TestNewRejectsBadParams(t *testing.T) {
	cases := []struct {
		name string
		edit func(*vault.Params)
	}{
		{"zero time", func(p *vault.Params) { p.Password.Time = 0 }},
		{"zero threads", func(p *vault.Params) { p.Receipt.Threads = 0 }},
		{"too little memory", func(p *vault.Params) { p.Receipt.MemoryKiB = 7 }},
		{"too much memory", func(p *vault.Params) { p.Password.MemoryKiB = 4 << 20 }},
		{"negative concurrency", func(p *vault.Params) { p.MaxConcurrentKDF = -1 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := vault.TestParams()
			c.edit(&p)
			if _, err := vault.New(p, seeded(1)); !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("got %v, want an invalid error", err)
			}
		})
	}
	if _, err := vault.New(vault.DefaultParams(), nil); err == nil {
		t.Fatal("nil randomness accepted")
	}
	if err := vault.DefaultParams().Validate(); err != nil {
		t.Fatalf("default params invalid: %v", err)
	}
}

func TestSealOpen(t *testing.T) {
	v := newVault(t)
	dk := dataKey(t, v)
	f := vault.Field{Table: "grievance_report", Column: "narrative", ID: "r1"}
	for _, msg := range []string{"", "x", "عمال بلا أجر منذ ثلاثة أشهر", strings.Repeat("long ", 10000)} {
		ct, err := v.Seal(dk, f, []byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != len(msg)+vault.FieldOverhead {
			t.Fatalf("ciphertext length %d for %d bytes", len(ct), len(msg))
		}
		if len(msg) > 8 && bytes.Contains(ct, []byte(msg[:8])) {
			t.Fatal("plaintext visible in ciphertext")
		}
		pt, err := v.Open(dk, f, ct)
		if err != nil {
			t.Fatal(err)
		}
		if string(pt) != msg {
			t.Fatalf("round trip changed the text")
		}
	}
}

func TestOpenRefusesMovedOrAlteredCiphertext(t *testing.T) {
	v := newVault(t)
	dk := dataKey(t, v)
	f := vault.Field{Table: "grievance_report", Column: "narrative", ID: "r1"}
	ct, err := v.Seal(dk, f, []byte("canary-7f3a"))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte { c := bytes.Clone(ct); c[i] ^= 1; return c }
	cases := []struct {
		name  string
		key   *vault.DataKey
		field vault.Field
		ct    []byte
	}{
		{"other row", dk, vault.Field{Table: "grievance_report", Column: "narrative", ID: "r2"}, ct},
		{"other column", dk, vault.Field{Table: "grievance_report", Column: "contact", ID: "r1"}, ct},
		{"other table", dk, vault.Field{Table: "grievance_message", Column: "narrative", ID: "r1"}, ct},
		{"other key", dataKey(t, v), f, ct},
		{"flipped version", dk, f, flip(0)},
		{"flipped nonce", dk, f, flip(3)},
		{"flipped body", dk, f, flip(len(ct) - 20)},
		{"flipped tag", dk, f, flip(len(ct) - 1)},
		{"truncated", dk, f, ct[:len(ct)-1]},
		{"empty", dk, f, nil},
		{"nil key", nil, f, ct},
		{"colon in column", dk, vault.Field{Table: "grievance_report", Column: "narrative:r1", ID: ""}, ct},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pt, err := v.Open(c.key, c.field, c.ct)
			if err == nil {
				t.Fatalf("opened: %q", pt)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error %v is not categorised invalid", err)
			}
		})
	}
}

func TestSealIsRandomised(t *testing.T) {
	v := newVault(t)
	dk := dataKey(t, v)
	f := vault.Field{Table: "t", Column: "c", ID: "1"}
	a, _ := v.Seal(dk, f, []byte("same"))
	b, _ := v.Seal(dk, f, []byte("same"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same text are equal")
	}
}

func TestWrapToHandlerAndRecovery(t *testing.T) {
	v := newVault(t)
	dk := dataKey(t, v)
	alice, err := v.NewKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := v.NewKeyPair()
	blob, err := v.WrapTo(dk, "r1", alice.Public())
	if err != nil {
		t.Fatal(err)
	}
	got, err := vault.UnwrapWith(blob, "r1", alice)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(dk) {
		t.Fatal("unwrapped a different key")
	}
	cases := []struct {
		name   string
		blob   []byte
		report string
		key    *vault.PrivateKey
		want   error
	}{
		{"other recipient", blob, "r1", bob, vault.ErrWrongKey},
		{"other report", blob, "r2", alice, vault.ErrWrongKey},
		{"altered ephemeral key", func() []byte { b := bytes.Clone(blob); b[5] ^= 1; return b }(), "r1", alice, nil},
		{"altered body", func() []byte { b := bytes.Clone(blob); b[len(b)-3] ^= 1; return b }(), "r1", alice, vault.ErrWrongKey},
		{"short", blob[:20], "r1", alice, nil},
		{"receipt kind", append([]byte{1, 2}, blob[2:]...), "r1", alice, nil},
		{"future version", append([]byte{9}, blob[1:]...), "r1", alice, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := vault.UnwrapWith(c.blob, c.report, c.key)
			if err == nil {
				t.Fatal("unwrapped")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestPublicKeyText(t *testing.T) {
	v := newVault(t)
	k, _ := v.NewKeyPair()
	p, err := vault.ParsePublicKeyString(k.Public().String())
	if err != nil || !p.Equal(k.Public()) {
		t.Fatalf("round trip: %v", err)
	}
	for _, bad := range []string{"", "!!", "AAAA", strings.Repeat("A", 43) + "="} {
		if _, err := vault.ParsePublicKeyString(bad); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}

func TestHandlerKeyLocking(t *testing.T) {
	v := newVault(t)
	pub, locked, err := v.NewHandlerKey([]byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if len(locked) != vault.LockedKeySize {
		t.Fatalf("locked key is %d bytes", len(locked))
	}
	lp, err := vault.LockedPublicKey(locked)
	if err != nil || !lp.Equal(pub) {
		t.Fatalf("public key in locked blob: %v", err)
	}
	k, err := v.UnlockKey(locked, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if !k.Public().Equal(pub) {
		t.Fatal("unlocked another key")
	}
	if _, err := v.UnlockKey(locked, []byte("correct hors")); !errors.Is(err, vault.ErrWrongKey) {
		t.Fatalf("wrong password: %v", err)
	}
	// Lowering the stored cost in place must not yield the key.
	weak := bytes.Clone(locked)
	weak[1], weak[2], weak[3], weak[4] = 0, 0, 0, 2 // time 2 instead of 1
	if _, err := v.UnlockKey(weak, []byte("correct horse")); err == nil {
		t.Fatal("opened with altered parameters")
	}
	changed, err := v.ChangePassword(locked, []byte("correct horse"), []byte("battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.UnlockKey(changed, []byte("correct horse")); !errors.Is(err, vault.ErrWrongKey) {
		t.Fatal("old password still opens")
	}
	k2, err := v.UnlockKey(changed, []byte("battery staple"))
	if err != nil || !k2.Public().Equal(pub) {
		t.Fatalf("new password: %v", err)
	}
	if _, err := v.ChangePassword(locked, []byte("nope"), []byte("x")); !errors.Is(err, vault.ErrWrongKey) {
		t.Fatalf("change with wrong password: %v", err)
	}
	if _, _, err := v.NewHandlerKey(nil); !kernel.IsCode(err, kernel.Invalid) {
		t.Fatalf("empty password: %v", err)
	}
	for _, bad := range [][]byte{nil, locked[:10], append([]byte{2}, locked[1:]...)} {
		if _, err := v.UnlockKey(bad, []byte("correct horse")); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("malformed locked key: %v", err)
		}
	}
}

func TestNeedsRelock(t *testing.T) {
	v := newVault(t)
	_, locked, _ := v.NewHandlerKey([]byte("pw"))
	if v.NeedsRelock(locked) {
		t.Fatal("fresh key needs relock")
	}
	p := vault.TestParams()
	p.Password.Time = 2
	v2, _ := vault.New(p, seeded(2))
	if !v2.NeedsRelock(locked) {
		t.Fatal("key under old parameters does not need relock")
	}
	if _, err := v2.UnlockKey(locked, []byte("pw")); err != nil {
		t.Fatalf("old parameters no longer open: %v", err)
	}
}

func TestReceiptVerifier(t *testing.T) {
	v := newVault(t)
	secret := []byte("12345678901234567890")
	rv, rk, err := v.NewReceiptVerifier(secret)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := rv.MarshalBinary()
	var back vault.ReceiptVerifier
	if err := back.UnmarshalBinary(enc); err != nil || back != rv {
		t.Fatalf("verifier round trip: %v", err)
	}
	dk := dataKey(t, v)
	blob, err := v.WrapForReceipt(dk, "r1", rk)
	if err != nil {
		t.Fatal(err)
	}
	rk2, err := v.VerifyReceipt(back, secret)
	if err != nil {
		t.Fatal(err)
	}
	got, err := vault.UnwrapWithReceipt(blob, "r1", rk2)
	if err != nil || !got.Equal(dk) {
		t.Fatalf("unwrap with receipt: %v", err)
	}
	if _, err := vault.UnwrapWithReceipt(blob, "r2", rk2); !errors.Is(err, vault.ErrWrongKey) {
		t.Fatalf("other report: %v", err)
	}
	if _, err := v.VerifyReceipt(back, []byte("12345678901234567891")); !errors.Is(err, vault.ErrWrongKey) {
		t.Fatalf("wrong receipt: %v", err)
	}
	if err := v.DummyVerify(secret); !errors.Is(err, vault.ErrWrongKey) {
		t.Fatalf("dummy: %v", err)
	}
	bad := [][]byte{nil, enc[:10], append([]byte{7}, enc[1:]...), func() []byte { b := bytes.Clone(enc); b[8] = 0; b[5], b[6], b[7] = 0, 0, 0; return b }()}
	for i, b := range bad {
		var x vault.ReceiptVerifier
		if err := x.UnmarshalBinary(b); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("bad verifier %d: %v", i, err)
		}
	}
	if _, _, err := v.NewReceiptVerifier(nil); err == nil {
		t.Fatal("empty secret accepted")
	}
}

func TestRecoveryKeyText(t *testing.T) {
	v := newVault(t)
	k, s, err := v.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s, "UPR1-") || len(strings.Split(s, "-")) != 15 {
		t.Fatalf("unexpected shape %q", s)
	}
	variants := map[string]string{
		"as printed":  s,
		"lower case":  strings.ToLower(s),
		"spaces":      strings.ReplaceAll(s, "-", " "),
		"no dashes":   strings.ReplaceAll(s, "-", ""),
		"O for zero":  s[:4] + strings.ReplaceAll(s[4:], "0", "O"),
		"l for one":   s[:4] + strings.ReplaceAll(s[4:], "1", "l"),
		"line breaks": s[:30] + "\n" + s[30:],
	}
	for name, in := range variants {
		t.Run(name, func(t *testing.T) {
			got, err := vault.ParseRecoveryKey(in)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Public().Equal(k.Public()) {
				t.Fatal("parsed another key")
			}
		})
	}
	// Every single-character typo is caught by the alphabet or the checksum.
	body := []byte(s)
	for i := 5; i < len(body); i++ {
		if body[i] == '-' {
			continue
		}
		typo := bytes.Clone(body)
		if typo[i] == 'A' {
			typo[i] = 'B'
		} else {
			typo[i] = 'A'
		}
		if _, err := vault.ParseRecoveryKey(string(typo)); !kernel.IsCode(err, kernel.Invalid) {
			t.Fatalf("typo at %d accepted", i)
		}
	}
	for _, bad := range []string{"", "UPR1", "UPR2" + s[4:], s + "A", s[:len(s)-1], strings.Repeat("x", 1000), s[:10] + "U" + s[11:]} {
		if _, err := vault.ParseRecoveryKey(bad); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("%q accepted", bad)
		}
	}
}

// memKeys is an in-memory KeyStore.
type memKeys struct {
	mu   sync.Mutex
	keys map[[2]string][]byte
}

var _ vault.KeyStore = (*memKeys)(nil)

func newMemKeys() *memKeys { return &memKeys{keys: map[[2]string][]byte{}} }

func (m *memKeys) PutWrappedKeys(_ context.Context, keys ...vault.WrappedKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		m.keys[[2]string{k.ReportID, k.Recipient}] = bytes.Clone(k.Blob)
	}
	return nil
}

func (m *memKeys) WrappedKey(_ context.Context, report, recipient string) (vault.WrappedKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.keys[[2]string{report, recipient}]
	if !ok {
		return vault.WrappedKey{}, kernel.Errorf(kernel.NotFound, "no key")
	}
	return vault.WrappedKey{ReportID: report, Recipient: recipient, Blob: bytes.Clone(b)}, nil
}

func (m *memKeys) DeleteWrappedKey(_ context.Context, report, recipient string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, [2]string{report, recipient})
	return nil
}

func (m *memKeys) DestroyWrappedKeys(_ context.Context, report string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.keys {
		if k[0] == report {
			delete(m.keys, k)
		}
	}
	return nil
}

// TestLifecycle walks the key hierarchy end to end: intake, a handler
// reading, a lost password recovered with the recovery key, the reporter
// reading with the receipt, and destruction.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	v := newVault(t)
	ks := newMemKeys()
	recovery, printed, err := v.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	recoveryPub := recovery.Public()
	recovery.Wipe() // only the printed string survives set-up
	alicePub, aliceLocked, _ := v.NewHandlerKey([]byte("alice pw"))

	// Intake.
	secret := []byte("00001234567812345678")
	rv, rk, _ := v.NewReceiptVerifier(secret)
	dk := dataKey(t, v)
	f := vault.Field{Table: "grievance_report", Column: "narrative", ID: "r1"}
	sealed, _ := v.Seal(dk, f, []byte("canary-narrative"))
	keys, err := v.WrapAll(dk, "r1", rk, recoveryPub, map[string]vault.PublicKey{"alice": alicePub})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Fatalf("%d wrapped keys", len(keys))
	}
	_ = ks.PutWrappedKeys(ctx, keys...)
	dk.Wipe()
	rk.Wipe()

	read := func(dk *vault.DataKey) string {
		t.Helper()
		pt, err := v.Open(dk, f, sealed)
		if err != nil {
			t.Fatal(err)
		}
		return string(pt)
	}

	// Alice reads.
	ak, _ := v.UnlockKey(aliceLocked, []byte("alice pw"))
	adk, err := vault.OpenAsHandler(ctx, ks, "r1", "alice", ak)
	if err != nil || read(adk) != "canary-narrative" {
		t.Fatalf("alice: %v", err)
	}
	// Bob is not a handler.
	bob, _ := v.NewKeyPair()
	if _, err := vault.OpenAsHandler(ctx, ks, "r1", "bob", bob); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("bob: %v", err)
	}

	// Alice forgets her password: without the recovery key, nothing opens.
	if _, err := v.UnlockKey(aliceLocked, []byte("guess")); err == nil {
		t.Fatal("guess opened")
	}
	alice2Pub, alice2Locked, _ := v.NewHandlerKey([]byte("new pw"))
	rec, err := vault.ParseRecoveryKey(printed)
	if err != nil {
		t.Fatal(err)
	}
	n, err := v.RecoverReports(ctx, ks, []string{"r1", "gone"}, rec, "alice", alice2Pub)
	if err != nil || n != 1 {
		t.Fatalf("recover: n=%d %v", n, err)
	}
	ak2, _ := v.UnlockKey(alice2Locked, []byte("new pw"))
	adk2, err := vault.OpenAsHandler(ctx, ks, "r1", "alice", ak2)
	if err != nil || read(adk2) != "canary-narrative" {
		t.Fatalf("after recovery: %v", err)
	}
	// A wrong recovery key is refused.
	other, _, _ := v.NewRecoveryKey()
	if _, err := v.RecoverReports(ctx, ks, []string{"r1"}, other, "bob", bob.Public()); !kernel.IsCode(err, kernel.Unauthorised) {
		t.Fatalf("wrong recovery key: %v", err)
	}

	// The reporter reads with the receipt.
	rk2, err := v.VerifyReceipt(rv, secret)
	if err != nil {
		t.Fatal(err)
	}
	wk, _ := ks.WrappedKey(ctx, "r1", vault.RecipientReceipt)
	rdk, err := vault.UnwrapWithReceipt(wk.Blob, "r1", rk2)
	if err != nil || read(rdk) != "canary-narrative" {
		t.Fatalf("reporter: %v", err)
	}

	// Destruction: nobody can read afterwards, not even with every secret.
	if err := ks.DestroyWrappedKeys(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.OpenAsHandler(ctx, ks, "r1", "alice", ak2); err == nil {
		t.Fatal("handler reads a destroyed report")
	}
	if _, err := ks.WrappedKey(ctx, "r1", vault.RecipientReceipt); err == nil {
		t.Fatal("receipt key survived")
	}
	if n, err := v.RecoverReports(ctx, ks, []string{"r1"}, rec, "alice", alice2Pub); err != nil || n != 0 {
		t.Fatalf("recovery of destroyed report: n=%d %v", n, err)
	}
}

func TestDeterministicWithSeededRandomness(t *testing.T) {
	make := func() []byte {
		v, _ := vault.New(vault.TestParams(), seeded(9))
		dk, _ := v.NewDataKey()
		ct, _ := v.Seal(dk, vault.Field{Table: "t", Column: "c", ID: "1"}, []byte("x"))
		return ct
	}
	if !bytes.Equal(make(), make()) {
		t.Fatal("same seed gave different output")
	}
}

func TestWrapAllNeedsOrganisationKeys(t *testing.T) {
	v := newVault(t)
	dk := dataKey(t, v)
	rec, _ := v.NewKeyPair()
	if _, err := v.WrapAll(dk, "r1", nil, vault.PublicKey{}, nil); !kernel.IsCode(err, kernel.Internal) {
		t.Fatalf("no recovery key: %v", err)
	}
	if _, err := v.WrapAll(dk, "r1", nil, rec.Public(), map[string]vault.PublicKey{"h": {}}); !kernel.IsCode(err, kernel.Internal) {
		t.Fatalf("handler without key: %v", err)
	}
	keys, err := v.WrapAll(dk, "r1", nil, rec.Public(), nil)
	if err != nil || len(keys) != 1 || keys[0].Recipient != vault.RecipientRecovery {
		t.Fatalf("recovery only: %v %+v", err, keys)
	}
}
