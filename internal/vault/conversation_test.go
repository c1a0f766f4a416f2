package vault_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

func TestConversationHasher(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	h, err := vault.NewConversationHasher(secret)
	if err != nil {
		t.Fatal(err)
	}
	base, err := h.Hash("org-1", "sms", "+60 12-345 6789")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(base, "6789") {
		t.Fatal("hash shows the number")
	}
	same := []string{"+60123456789", "+60 (12) 345.6789", "whatsapp:+60123456789", "60123456789"}
	for _, a := range same {
		got, err := h.Hash("org-1", "sms", a)
		if err != nil || got != base {
			t.Errorf("%q threads apart: %v", a, err)
		}
	}
	different := []struct{ org, ch, addr string }{
		{"org-2", "sms", "+60123456789"},
		{"org-1", "whatsapp", "+60123456789"},
		{"org-1", "sms", "+60123456780"},
		{"org-1s", "ms", "+60123456789"},
	}
	for _, d := range different {
		got, _ := h.Hash(d.org, d.ch, d.addr)
		if got == base {
			t.Errorf("%v hashes like the base", d)
		}
	}
	other, _ := vault.NewConversationHasher(bytes.Repeat([]byte{8}, 32))
	if got, _ := other.Hash("org-1", "sms", "+60123456789"); got == base {
		t.Error("another secret gives the same hash")
	}
	if a, _ := h.Hash("o", "email", "Reporter@Example.org"); a == "" {
		t.Error("non-phone address")
	} else if b, _ := h.Hash("o", "email", "reporter@example.org"); a != b {
		t.Error("case matters for non-phone addresses")
	}
	for _, bad := range []string{"", " ", "+", "whatsapp:", strings.Repeat("a", 300)} {
		if _, err := h.Hash("o", "sms", bad); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := vault.NewConversationHasher(make([]byte, 31)); !kernel.IsCode(err, kernel.Invalid) {
		t.Error("short secret accepted")
	}
}
