package jobs

import (
	"fmt"
	"net/netip"
	"strings"
	"syscall"
)

// AddressPolicy decides which IP addresses an alert webhook may connect
// to. An admin types the webhook URL, so without it an admin (or a stolen
// admin session) could make the server post to its own loopback services,
// the private network behind it or a cloud metadata endpoint
// (169.254.169.254), and read the answer's status back as the delivery
// result. Only public unicast addresses are reached, unless the operator
// names a range in Allow.
//
// The check runs on the address actually dialled (Control), after DNS has
// answered, so a name that resolves to a public address when the admin
// saves it and to 127.0.0.1 when the alert is sent is refused all the same.
type AddressPolicy struct {
	// Allow lists ranges the operator trusts although they are not public
	// (an in-house receiver on 10.20.0.0/16, say).
	Allow []netip.Prefix
}

// nonPublic are the ranges that the netip predicates below do not cover
// and that no public receiver lives in.
var nonPublic = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a 'this network' address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address (cloud metadata services live here too)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol assignment"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local NAT64 address"},
	{netip.MustParsePrefix("100::/64"), "a discard address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("2001::/32"), "a Teredo tunnel address"},
}

// Refusal says why an address is not public; "" for a public unicast one.
func Refusal(ip netip.Addr) string {
	ip = ip.WithZone("").Unmap()
	switch {
	case !ip.IsValid():
		return "not an IP address"
	case ip.IsUnspecified():
		return "the unspecified address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip == netip.MustParseAddr("169.254.169.254") || ip == netip.MustParseAddr("fd00:ec2::254"):
		return "the cloud metadata address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	case ip.Is4() && ip.As4() == [4]byte{255, 255, 255, 255}:
		return "the broadcast address"
	}
	for _, r := range nonPublic {
		if r.prefix.Contains(ip) {
			return r.why
		}
	}
	// IPv6 forms that carry an IPv4 address inside reach that address:
	// NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
	if ip.Is6() {
		b := ip.As16()
		switch {
		case netip.MustParsePrefix("64:ff9b::/96").Contains(ip):
			if why := Refusal(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
				return why + " inside a NAT64 address"
			}
		case netip.MustParsePrefix("2002::/16").Contains(ip):
			if why := Refusal(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
				return why + " inside a 6to4 address"
			}
		}
	}
	return ""
}

// Check returns nil when a webhook may connect to ip.
func (p AddressPolicy) Check(ip netip.Addr) error {
	why := Refusal(ip)
	if why == "" {
		return nil
	}
	bare := ip.WithZone("").Unmap()
	for _, a := range p.Allow {
		if a.Contains(bare) {
			return nil
		}
	}
	return &RefusedAddressError{Addr: bare, Why: why}
}

// Control is a net.Dialer Control function: it runs after name resolution,
// on the address about to be connected, and refuses it before any packet
// is sent.
func (p AddressPolicy) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook connection to %q: cannot read the address: %w", address, err)
	}
	return p.Check(ap.Addr())
}

// RefusedAddressError is the delivery error for a target the policy
// refuses; it names the address and the setting that would allow it.
type RefusedAddressError struct {
	Addr netip.Addr
	Why  string
}

func (e *RefusedAddressError) Error() string {
	return fmt.Sprintf("refused to connect to %s: it is %s, not a public address (an operator may allow it in UPSTREAM_WEBHOOK_ALLOW)", e.Addr, e.Why)
}

// ParseAllowList reads the operator's list: IP addresses or CIDR ranges
// separated by commas or spaces.
func ParseAllowList(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an IP range such as 10.20.0.0/16", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or range", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
