package jobs

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// SMTPSender sends messages to email endpoints over SMTP with net/smtp.
type SMTPSender struct {
	// Addr is the server as HOST:PORT (UPSTREAM_SMTP_ADDR).
	Addr string
	// From is the envelope and header sender (UPSTREAM_SMTP_FROM).
	From string
	// User and Password enable PLAIN authentication (UPSTREAM_SMTP_USER,
	// UPSTREAM_SMTP_PASSWORD). net/smtp refuses to send them without TLS
	// except to localhost.
	User     string
	Password string
	// Timeout bounds the whole conversation (default 30 s).
	Timeout time.Duration
	// TLSConfig is used for STARTTLS, which is used whenever the server
	// offers it (default: verify the server's name).
	TLSConfig *tls.Config
	Clock     kernel.Clock
}

// Validate checks the configuration before the server starts.
func (s *SMTPSender) Validate() error {
	if s.Addr == "" {
		return nil // email delivery off
	}
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		return kernel.Errorf(kernel.Invalid, "UPSTREAM_SMTP_ADDR %q: want HOST:PORT, for example mail.example.org:587", s.Addr)
	}
	if strings.Count(s.From, "@") != 1 || strings.ContainsAny(s.From, " \r\n<>,") {
		return kernel.Errorf(kernel.Invalid, "UPSTREAM_SMTP_FROM %q: want one email address, for example alerts@example.org", s.From)
	}
	if (s.User == "") != (s.Password == "") {
		return kernel.Errorf(kernel.Invalid, "set both UPSTREAM_SMTP_USER and UPSTREAM_SMTP_PASSWORD, or neither")
	}
	return nil
}

// Send mails m to ep's address. Success is the server accepting the
// message after DATA.
func (s *SMTPSender) Send(ctx context.Context, ep earlywarning.Endpoint, m earlywarning.Message) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return kernel.Errorf(kernel.Invalid, "SMTP address %q: want HOST:PORT", s.Addr)
	}
	conn, err := (&net.Dialer{Deadline: deadline}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("SMTP connect: %s", shortNetError(err))
	}
	conn.SetDeadline(deadline)
	// Closing the connection when ctx ends interrupts a stuck exchange.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("SMTP greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("SMTP EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("SMTP STARTTLS: %w", err)
		}
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return fmt.Errorf("SMTP AUTH: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("SMTP MAIL FROM: %w", err)
	}
	if err := c.Rcpt(ep.Target); err != nil {
		return fmt.Errorf("SMTP RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if _, err := w.Write(s.compose(ep.Target, m)); err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP message refused: %w", err)
	}
	// The message is accepted once DATA is; a failing QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// compose writes the message: plain UTF-8 text in quoted-printable, with
// header values stripped of line breaks so no value can add a header.
func (s *SMTPSender) compose(to string, m earlywarning.Message) []byte {
	clock := s.Clock
	if clock == nil {
		clock = kernel.SystemClock{}
	}
	clean := func(v string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(v) }
	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", clean(s.From))
	hdr("To", clean(to))
	hdr("Subject", mime.QEncoding.Encode("utf-8", clean(m.Subject)))
	hdr("Date", clock.Now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+clean(m.ID)+"@upstream>")
	hdr(earlywarning.DeliveryHeader, clean(m.ID))
	hdr("Auto-Submitted", "auto-generated")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	// In text mode the writer ends every line with CRLF, as SMTP needs.
	qp.Write(m.Body)
	qp.Close()
	return b.Bytes()
}

// SendMail sends one plain-text e-mail to an address, as account
// invitations need.
func (s *SMTPSender) SendMail(ctx context.Context, to, subject, body string) error {
	return s.Send(ctx, earlywarning.Endpoint{Target: to, Channel: earlywarning.ChannelEmail},
		earlywarning.Message{ID: kernel.NewID(), Channel: earlywarning.ChannelEmail, Subject: subject, Body: []byte(body)})
}
