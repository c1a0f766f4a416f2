package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/survey"
	"github.com/upstream-platform/upstream/internal/vault"
)

// HookConfig configures the messaging webhooks. A webhook whose secret is
// empty answers 404, as if it did not exist.
type HookConfig struct {
	// Hasher replaces sender addresses (phone numbers) by keyed hashes.
	Hasher *vault.ConversationHasher
	// Inbound records each inbound message once.
	Inbound InboundLog
	// TwilioAuthToken verifies X-Twilio-Signature.
	TwilioAuthToken string
	// MessagesSecret is the master secret from which each organisation's
	// generic JSON webhook secret is derived (MessagesHookSecret).
	MessagesSecret string
	// PublicURL is the scheme and host the provider calls
	// ("https://upstream.example.org"); Twilio signs the full URL it used,
	// which a proxy in front of Upstream hides from the request.
	PublicURL string
	// Window is how far a JSON webhook's timestamp may be from now; zero
	// means five minutes.
	Window time.Duration
}

// InboundLog remembers inbound message keys so each message is processed
// once.
type InboundLog interface {
	// SeeInbound records key; it returns Conflict when it was seen before.
	SeeInbound(ctx context.Context, orgID, key string, day grievance.Day) error
	// ForgetInbound removes key, so a failed delivery can be retried.
	ForgetInbound(ctx context.Context, orgID, key string) error
}

const maxHookBody = 64 << 10

// inboundMessage is one message from a messaging provider, already
// authenticated.
type inboundMessage struct {
	ID      string // the provider's message id
	From    string // sender address; dropped once hashed
	Text    string
	Channel grievance.Channel
}

// twilioSignature computes Twilio's request signature: HMAC-SHA1 keyed by
// the auth token over the full URL followed by every POST parameter name
// and value, sorted by name, base64-encoded.
func twilioSignature(token, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := hmac.New(sha1.New, []byte(token))
	io.WriteString(m, fullURL)
	for _, k := range keys {
		vs := append([]string(nil), form[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			io.WriteString(m, k)
			io.WriteString(m, v)
		}
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// parseTwilio checks a Twilio webhook body against its signature and
// returns the message. It is a parser of outside input with a fuzz target.
func parseTwilio(token, fullURL string, body []byte, signature string) (inboundMessage, error) {
	form, err := verifyTwilio(token, fullURL, body, signature)
	if err != nil {
		return inboundMessage{}, err
	}
	m := inboundMessage{ID: form.Get("MessageSid"), From: form.Get("From"), Text: form.Get("Body"), Channel: grievance.ChannelSMS}
	if m.ID == "" {
		m.ID = form.Get("SmsSid")
	}
	if strings.HasPrefix(m.From, "whatsapp:") {
		m.Channel = grievance.ChannelMessaging
	}
	return m, m.check()
}

func (m inboundMessage) check() error {
	switch {
	case m.ID == "" || len(m.ID) > 128:
		return kernel.Errorf(kernel.Invalid, "the message has no valid id")
	case m.From == "" || len(m.From) > 256:
		return kernel.Errorf(kernel.Invalid, "the message has no valid sender")
	case !utf8.ValidString(m.Text) || !utf8.ValidString(m.ID) || !utf8.ValidString(m.From):
		return kernel.Errorf(kernel.Invalid, "the message is not valid UTF-8")
	case len(m.Text) > grievance.MaxNarrativeBytes:
		return kernel.Errorf(kernel.Invalid, "the message is too long")
	}
	return nil
}

// messagesSignature is the generic webhook's signature: hex HMAC-SHA256
// over the timestamp, a dot and the raw body, sent as "sha256=<hex>".
// MessagesHookSecret derives one organisation's secret for the generic
// messaging webhook from the server's master secret: a sender given one
// organisation's secret cannot sign for another. 'upstream keys
// hook-secret --org SLUG' prints it for the organisation's provider.
func MessagesHookSecret(master, slug string) string {
	m := hmac.New(sha256.New, []byte(master))
	io.WriteString(m, "upstream/messages-hook/v1\x00")
	io.WriteString(m, slug)
	return hex.EncodeToString(m.Sum(nil))
}

// messagesSignature is the HMAC-SHA256, under the organisation's secret,
// of the timestamp, the request path (which names the organisation) and
// the body, so a message signed for one organisation does not verify at
// another's path.
func messagesSignature(secret, timestamp, path string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	io.WriteString(m, timestamp)
	m.Write([]byte{'.'})
	io.WriteString(m, path)
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// genericMessage is the JSON body of POST /hooks/{org}/messages.
type genericMessage struct {
	ID      string `json:"id"`
	From    string `json:"from"`
	Text    string `json:"text"`
	Channel string `json:"channel,omitempty"`
}

// parseMessages checks the generic webhook's timestamp window and
// signature, then decodes the body strictly. It is a parser of outside
// input with a fuzz target.
func parseMessages(secret, path string, now time.Time, window time.Duration, timestamp, signature string, body []byte) (inboundMessage, error) {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || len(timestamp) > 20 {
		return inboundMessage{}, kernel.Errorf(kernel.Unauthorised, "X-Upstream-Timestamp must be Unix seconds")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > window || d < -window {
		return inboundMessage{}, kernel.Errorf(kernel.Unauthorised, "the timestamp is outside the accepted window")
	}
	want := messagesSignature(secret, timestamp, path, body)
	if signature == "" || !hmac.Equal([]byte(want), []byte(signature)) {
		return inboundMessage{}, kernel.Errorf(kernel.Unauthorised, "the webhook signature does not match")
	}
	var g genericMessage
	if err := kernel.DecodeJSON(bytes.NewReader(body), &g); errors.Is(err, kernel.ErrTrailingData) {
		return inboundMessage{}, kernel.Errorf(kernel.Invalid, "unexpected data after the JSON object")
	} else if err != nil {
		return inboundMessage{}, kernel.Errorf(kernel.Invalid, "the body must be a JSON object with id, from and text")
	}
	m := inboundMessage{ID: g.ID, From: g.From, Text: g.Text, Channel: grievance.ChannelMessaging}
	if g.Channel == "sms" {
		m.Channel = grievance.ChannelSMS
	}
	return m, m.check()
}

// verifyTwilio reads a Twilio webhook's form body and checks it against
// the request signature; both the messaging and the voice webhooks use it.
func verifyTwilio(token, fullURL string, body []byte, signature string) (url.Values, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, kernel.Errorf(kernel.Invalid, "the body is not form-encoded")
	}
	want := twilioSignature(token, fullURL, form)
	if signature == "" || !hmac.Equal([]byte(want), []byte(signature)) {
		return nil, kernel.Errorf(kernel.Unauthorised, "the webhook signature does not match")
	}
	return form, nil
}

// twilioRequest reads a Twilio webhook request's form body within the
// size limit, and returns it with the URL Twilio signed (the public URL
// the provider called, which a proxy hides from the request). It answers
// the request itself and returns false when the body cannot be read.
func (s *intakeHandlers) twilioRequest(w http.ResponseWriter, r *http.Request) ([]byte, string, bool) {
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/x-www-form-urlencoded") {
		s.hookFail(w, r, kernel.Errorf(kernel.Invalid, "the body must be application/x-www-form-urlencoded"))
		return nil, "", false
	}
	body, err := readHookBody(w, r)
	if err != nil {
		s.hookFail(w, r, err)
		return nil, "", false
	}
	return body, strings.TrimRight(s.hooks.PublicURL, "/") + r.URL.RequestURI(), true
}

func readHookBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHookBody))
	if err != nil {
		return nil, kernel.Errorf(kernel.Invalid, "the body is too large")
	}
	return body, nil
}

func (s *intakeHandlers) hookTwilio(w http.ResponseWriter, r *http.Request) {
	cfg := s.hooks
	if cfg.TwilioAuthToken == "" || cfg.Hasher == nil || cfg.Inbound == nil {
		http.NotFound(w, r)
		return
	}
	body, signedURL, ok := s.twilioRequest(w, r)
	if !ok {
		return
	}
	m, err := parseTwilio(cfg.TwilioAuthToken, signedURL, body, r.Header.Get("X-Twilio-Signature"))
	if err != nil {
		s.hookFail(w, r, err)
		return
	}
	reply, err := s.handleInbound(r.Context(), r.PathValue("org"), m)
	if err != nil {
		s.hookFail(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString("<Response>")
	if reply != "" {
		buf.WriteString("<Message>")
		xml.EscapeText(&buf, []byte(reply))
		buf.WriteString("</Message>")
	}
	buf.WriteString("</Response>")
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func (s *intakeHandlers) hookMessages(w http.ResponseWriter, r *http.Request) {
	cfg := s.hooks
	if cfg.MessagesSecret == "" || cfg.Hasher == nil || cfg.Inbound == nil {
		http.NotFound(w, r)
		return
	}
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/json") {
		s.hookFail(w, r, kernel.Errorf(kernel.Invalid, "the body must be application/json"))
		return
	}
	body, err := readHookBody(w, r)
	if err != nil {
		s.hookFail(w, r, err)
		return
	}
	window := cfg.Window
	if window <= 0 {
		window = 5 * time.Minute
	}
	m, err := parseMessages(MessagesHookSecret(cfg.MessagesSecret, r.PathValue("org")), r.URL.Path, s.clock.Now(), window, r.Header.Get("X-Upstream-Timestamp"), r.Header.Get("X-Upstream-Signature"), body)
	if err != nil {
		s.hookFail(w, r, err)
		return
	}
	reply, err := s.handleInbound(r.Context(), r.PathValue("org"), m)
	if err != nil {
		s.hookFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"reply": reply})
}

// hookFail answers a webhook error as JSON, logging only internal errors
// and never the body.
func (s *intakeHandlers) hookFail(w http.ResponseWriter, r *http.Request, err error) {
	code := kernel.ErrorCode(err)
	if code == kernel.Internal {
		s.log.Error("webhook failed", "route", r.Pattern, "err", err)
	}
	writeJSON(w, statusOf(code), map[string]any{"error": map[string]string{"code": string(code), "message": kernel.ErrorMessage(err)}})
}

// Replies sent back to messaging reporters. They are short for SMS and in
// English, since a message carries no language choice.
const (
	replyReceived   = "Your report was received. Your receipt is %s. Keep it safe and private: send it at the start of a message to add information or read our answer. Expect an answer by %s."
	replyAdded      = "Added to your report. Stage: %s."
	replyAddedReply = "Added to your report. Stage: %s. Latest answer: %s"
	replyNotOpen    = "This receipt was not recognised. Check the 20 digits and try again, or send a message without a receipt to start a new report."
	replyClosed     = "This number is not accepting reports at the moment."
	replyWait       = "Too many attempts; please wait and try again later."
)

// handleInbound processes an authenticated message once: with a receipt it
// continues that report, otherwise it starts one. The reply goes back only
// in the answer to the reporter's own message, so Upstream never starts a
// conversation. The sender's address is replaced by a keyed hash at once
// and the hash only names the message for the once-only check.
func (s *intakeHandlers) handleInbound(ctx context.Context, slug string, m inboundMessage) (string, error) {
	cfg := s.hooks
	orgID := s.orgIDOf(ctx, slug)
	sender, err := cfg.Hasher.Hash(orgID, string(m.Channel), m.From)
	if err != nil {
		return "", err
	}
	// The survey service hashes the address in a namespace of its own; it
	// goes no further than that call.
	from := m.From
	m.From = ""
	key, err := cfg.Hasher.Hash(orgID, "inbound", sender+"/"+m.ID)
	if err != nil {
		return "", err
	}
	if orgID == "" || !s.accepting {
		return replyClosed, nil
	}
	if err := cfg.Inbound.SeeInbound(ctx, orgID, key, s.today()); kernel.IsCode(err, kernel.Conflict) {
		return "", nil // a retried delivery: processed already
	} else if err != nil {
		return "", err
	}
	reply, handled, err := s.surveyInbound(ctx, orgID, m, from)
	if !handled && err == nil {
		reply, err = s.processInbound(ctx, orgID, m)
	}
	if err != nil {
		// Let the provider retry a delivery that failed on our side.
		if ferr := cfg.Inbound.ForgetInbound(context.WithoutCancel(ctx), orgID, key); ferr != nil {
			s.log.Error("webhook: could not release a failed message", "err", ferr)
		}
		return "", err
	}
	return reply, nil
}

func (s *intakeHandlers) processInbound(ctx context.Context, orgID string, m inboundMessage) (string, error) {
	if rc, rest, ok := grievance.ExtractReceipt(m.Text); ok {
		rs, err := s.grievance.OpenWithReceipt(ctx, orgID, rc)
		switch {
		case kernel.IsCode(err, kernel.RateLimited):
			return replyWait, nil
		case kernel.IsCode(err, kernel.Unauthorised):
			return replyNotOpen, nil
		case err != nil:
			return "", err
		}
		defer rs.Close()
		if strings.TrimSpace(rest) != "" {
			if err := rs.AddMessage(ctx, strings.TrimSpace(rest)); err != nil {
				return "", err
			}
		}
		v, err := rs.View(ctx)
		if err != nil {
			return "", err
		}
		stage := grievance.StageLabel(v.Stage, "en")
		for i := len(v.Thread) - 1; i >= 0; i-- {
			if v.Thread[i].From == grievance.FromHandler {
				return fmt.Sprintf(replyAddedReply, stage, v.Thread[i].Body), nil
			}
		}
		return fmt.Sprintf(replyAdded, stage), nil
	}
	if strings.TrimSpace(m.Text) == "" {
		return "Send a message describing what happened to start a report.", nil
	}
	keys, err := s.orgKeys(ctx, orgID)
	if err != nil {
		return replyClosed, nil
	}
	rc, rep, err := s.grievance.Submit(ctx, keys, grievance.Submission{
		Triage:    grievance.Triage{Categories: []grievance.Category{grievance.Other}, Channel: m.Channel},
		Narrative: strings.TrimSpace(m.Text),
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(replyReceived, rc.Display(), s.grievance.Deadline(rep).Due.String()), nil
}

// surveyInbound gives a message to the survey service first: a reply in an
// open survey conversation, or a site's code starting one. It reports false
// for every other message, which grievance intake then takes.
func (s *intakeHandlers) surveyInbound(ctx context.Context, orgID string, m inboundMessage, from string) (string, bool, error) {
	if s.surveys == nil {
		return "", false, nil
	}
	ch := survey.SMS
	if m.Channel == grievance.ChannelMessaging {
		ch = survey.Messaging
	}
	name := ""
	if o, err := s.orgs.OrgByID(ctx, orgID); err == nil {
		name = o.Name
	}
	reply, handled, err := s.surveys.Handle(ctx, survey.Inbound{OrgID: orgID, OrgName: name, Channel: ch, From: from, Text: m.Text})
	if err != nil || !handled {
		return "", handled, err
	}
	return strings.Join(reply.Messages, "\n\n"), true, nil
}
