package jobs_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// loopbackAllowed lets the delivery tests reach their receivers on
// 127.0.0.1, as an operator's UPSTREAM_WEBHOOK_ALLOW would.
var loopbackAllowed = jobs.AddressPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}

// TestWebhookRefusesNonPublicTargets: an admin who types a webhook URL
// cannot make the server post to its own loopback services, the private
// network or the cloud metadata address, whether the URL names the
// address or a DNS name that resolves to it; the receiver is never
// reached, and the error says why and which setting allows it.
func TestWebhookRefusesNonPublicTargets(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	p := func(host string) string { return "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/hook" }
	v6 := httptest.NewUnstartedServer(srv.Config.Handler)
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil {
		v6.Listener = ln
		v6.Start()
		t.Cleanup(v6.Close)
	}

	clock := &kernel.FixedClock{T: t0}
	sender := jobs.NewWebhookSender(2*time.Second, clock, "test", jobs.AddressPolicy{})
	targets := []struct{ url, why string }{
		{srv.URL, "loopback"},
		{p("localhost"), "loopback"}, // a name, resolved at connect time
		{p("::ffff:127.0.0.1"), "loopback"},
		{p("169.254.169.254"), "metadata"},
		{p("10.1.2.3"), "private"},
		{p("192.168.1.1"), "private"},
		{p("172.16.0.1"), "private"},
		{p("100.100.100.200"), "carrier-grade NAT"},
		{p("0.0.0.0"), "unspecified"},
		{p("fe80::1"), "link-local"},
		{p("fd00:ec2::254"), "metadata"},
		{p("fc00::1"), "private"},
		{p("64:ff9b::7f00:1"), "NAT64"},
	}
	if v6.Listener != nil {
		targets = append(targets, struct{ url, why string }{v6.URL, "loopback"})
	}
	for _, tc := range targets {
		t.Run(tc.url, func(t *testing.T) {
			ep := earlywarning.Endpoint{ID: "e", OrgID: "o", Channel: earlywarning.ChannelWebhook, Target: tc.url, Secret: secret}
			err := sender.Send(context.Background(), ep, earlywarning.Message{ID: "m", Subject: "alert.created", Body: []byte(`{}`)})
			var refused *jobs.RefusedAddressError
			if !errors.As(err, &refused) {
				t.Fatalf("sent to %s: err = %v, want a refusal", tc.url, err)
			}
			if !strings.Contains(err.Error(), tc.why) || !strings.Contains(err.Error(), "UPSTREAM_WEBHOOK_ALLOW") {
				t.Errorf("error %q should say %q and name UPSTREAM_WEBHOOK_ALLOW", err, tc.why)
			}
			if !kernel.IsCode(err, kernel.Forbidden) {
				t.Errorf("error %v is not categorised forbidden", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback receiver was reached %d times", n)
	}

	// The operator's allow list opens exactly the ranges it names.
	allowed := jobs.NewWebhookSender(2*time.Second, clock, "test", loopbackAllowed)
	ep := earlywarning.Endpoint{ID: "e", OrgID: "o", Channel: earlywarning.ChannelWebhook, Target: srv.URL, Secret: secret}
	if err := allowed.Send(context.Background(), ep, earlywarning.Message{ID: "m", Body: []byte(`{}`)}); err != nil {
		t.Fatalf("allowed loopback: %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("allowed loopback reached the receiver %d times, want 1", hits.Load())
	}
	ep.Target = p("10.1.2.3")
	if err := allowed.Send(context.Background(), ep, earlywarning.Message{ID: "m", Body: []byte(`{}`)}); !errors.As(err, new(*jobs.RefusedAddressError)) {
		t.Errorf("10.1.2.3 with only 127.0.0.0/8 allowed: %v", err)
	}
}

// TestAddressRefusal lists which addresses count as public.
func TestAddressRefusal(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true}, {"1.1.1.1", true}, {"2606:4700:4700::1111", true}, {"64:ff9b::808:808", true},
		{"2002:808:808::1", true}, {"93.184.216.34", true},
		{"127.0.0.1", false}, {"127.255.0.9", false}, {"::1", false}, {"10.0.0.1", false}, {"172.31.255.255", false},
		{"192.168.0.1", false}, {"169.254.169.254", false}, {"169.254.0.1", false}, {"fe80::1%eth0", false},
		{"fc00::1", false}, {"fd12::1", false}, {"0.0.0.0", false}, {"::", false}, {"100.64.0.1", false},
		{"224.0.0.1", false}, {"ff02::1", false}, {"255.255.255.255", false}, {"240.0.0.1", false},
		{"::ffff:10.0.0.1", false}, {"::ffff:169.254.169.254", false}, {"2002:7f00:1::1", false},
		{"64:ff9b::a00:1", false}, {"198.18.0.1", false}, {"192.0.2.1", false},
	} {
		ip := netip.MustParseAddr(tc.addr)
		why := jobs.Refusal(ip)
		if (why == "") != tc.public {
			t.Errorf("Refusal(%s) = %q, want public=%v", tc.addr, why, tc.public)
		}
	}
}

func TestParseAllowList(t *testing.T) {
	got, err := jobs.ParseAllowList("10.20.0.0/16, 127.0.0.1 ::1\tfd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.20.0.0/16", "127.0.0.1/32", "::1/128", "fd00::/8"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("entry %d = %s, want %s", i, got[i], want[i])
		}
	}
	policy := jobs.AddressPolicy{Allow: got}
	for _, a := range []string{"10.20.3.4", "127.0.0.1", "::1", "fd00::5"} {
		if err := policy.Check(netip.MustParseAddr(a)); err != nil {
			t.Errorf("%s allowed by the list: %v", a, err)
		}
	}
	for _, a := range []string{"10.21.0.1", "127.0.0.2", "169.254.169.254"} {
		if err := policy.Check(netip.MustParseAddr(a)); err == nil {
			t.Errorf("%s is not in the list but was allowed", a)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "example.org", "10.0.0.300"} {
		if _, err := jobs.ParseAllowList(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseAllowList(%q) = %v, want an error naming it", bad, err)
		}
	}
}
