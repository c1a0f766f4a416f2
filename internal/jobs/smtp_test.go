package jobs_test

import (
	"bufio"
	"context"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// fakeSMTP is the smallest SMTP server that takes mail: enough of RFC 5321
// for net/smtp, on 127.0.0.1, keeping every message it receives.
type fakeSMTP struct {
	ln     net.Listener
	failed int // refuse DATA this many times first

	mu   sync.Mutex
	mail []receivedMail
	wg   sync.WaitGroup
}

type receivedMail struct {
	from string
	to   []string
	data string
}

func newFakeSMTP(t *testing.T, failFirst int) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln, failed: failFirst}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 fake ESMTP")
	var m receivedMail
	for range 100 {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			addr, _, _ := strings.Cut(strings.TrimSpace(line)[10:], " ") // drop parameters such as BODY=8BITMIME
			m = receivedMail{from: strings.Trim(addr, "<>")}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = append(m.to, strings.Trim(strings.TrimSpace(line)[8:], "<>"))
			say("250 ok")
		case cmd == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			refuse := s.failed > 0
			if refuse {
				s.failed--
			} else {
				m.data = b.String()
				s.mail = append(s.mail, m)
			}
			s.mu.Unlock()
			if refuse {
				say("451 try again later")
			} else {
				say("250 queued")
			}
		case cmd == "QUIT":
			say("221 bye")
			return
		case cmd == "RSET", cmd == "NOOP":
			say("250 ok")
		default:
			say("502 not implemented")
		}
	}
}

func (s *fakeSMTP) received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.mail...)
}

func TestEmailDeliveryOverSMTP(t *testing.T) {
	ctx := context.Background()
	clock := &kernel.FixedClock{T: t0}
	w := newWorld(t, sqltest.Open(t, sqlstore.SQLite), clock)
	smtpd := newFakeSMTP(t, 1)
	ep := earlywarning.Endpoint{ID: kernel.NewID(), OrgID: w.org.ID, Channel: earlywarning.ChannelEmail, Target: "ops@acme.example",
		MinSeverity: earlywarning.SeverityMedium}
	if err := w.st.CreateEndpoint(ctx, ep, t0); err != nil {
		t.Fatal(err)
	}
	a := w.raise(t, "supplier-7")
	sender := &jobs.SMTPSender{Addr: smtpd.ln.Addr().String(), From: "alerts@upstream.example", Timeout: 5 * time.Second, Clock: clock}
	if err := sender.Validate(); err != nil {
		t.Fatal(err)
	}
	d := w.delivery(sender)

	// The first DATA is refused with a temporary error: the message is retried.
	if ok, bad, err := d.RunOnce(ctx); ok != 0 || bad != 1 || err != nil {
		t.Fatalf("first pass: delivered %d failed %d %v", ok, bad, err)
	}
	clock.Advance(time.Minute)
	if ok, bad, err := d.RunOnce(ctx); ok != 1 || bad != 0 || err != nil {
		t.Fatalf("second pass: delivered %d failed %d %v", ok, bad, err)
	}
	clock.Advance(time.Hour)
	d.Run(ctx)

	got := smtpd.received()
	if len(got) != 1 {
		t.Fatalf("want one email, got %d", len(got))
	}
	m := got[0]
	if m.from != "alerts@upstream.example" || len(m.to) != 1 || m.to[0] != "ops@acme.example" {
		t.Fatalf("envelope: from %q to %v", m.from, m.to)
	}
	msg, err := mail.ReadMessage(strings.NewReader(m.data))
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := w.st.Messages(ctx, w.org.ID, sqlstore.MessageFilter{AlertID: a.ID}, kernel.Page{})
	tests := []struct{ header, want string }{
		{"To", "ops@acme.example"},
		{"From", "alerts@upstream.example"},
		{"Subject", "[Upstream] HIGH alert: party:supplier-7 (created)"},
		{earlywarning.DeliveryHeader, msgs[0].ID},
		{"Content-Type", "text/plain; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			if got := msg.Header.Get(tc.header); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.header, got, tc.want)
			}
		})
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	for _, want := range []string{"Severity: high", "Subject: party:supplier-7", "Occurrences: 1"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

func TestSMTPConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		s    jobs.SMTPSender
		ok   bool
	}{
		{"off", jobs.SMTPSender{}, true},
		{"minimal", jobs.SMTPSender{Addr: "mail.example.org:587", From: "a@example.org"}, true},
		{"with login", jobs.SMTPSender{Addr: "mail.example.org:587", From: "a@example.org", User: "u", Password: "p"}, true},
		{"no port", jobs.SMTPSender{Addr: "mail.example.org", From: "a@example.org"}, false},
		{"bad from", jobs.SMTPSender{Addr: "mail.example.org:25", From: "Alerts <a@example.org>"}, false},
		{"user without password", jobs.SMTPSender{Addr: "mail.example.org:25", From: "a@example.org", User: "u"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
