package grievance

import "github.com/upstream-platform/upstream/internal/kernel"

// Author says who wrote a thread message.
type Author string

const (
	FromReporter Author = "reporter"
	FromHandler  Author = "handler"
)

// Message is one entry of the thread between the handler and the reporter.
// Reporter messages carry only the day; the body is sealed.
type Message struct {
	ID        string
	ReportID  string
	Seq       int // order within the thread, assigned by the store from 1
	From      Author
	HandlerID string // set for handler messages only
	Internal  bool   // a handler's case note, never shown to the reporter
	Day       Day
	Body      []byte // sealed: Field{TableMessage, ColumnMessageBody, ID}
}

// NewMessage makes a thread entry with a sealed body. Reporters may write in
// any stage, including closed (the case may need reopening). Handler
// messages are replies inside a conversation the reporter started by
// reporting; only the reporter's own follow-up shows them, so Upstream
// never starts contact. Internal notes are handler messages the reporter
// never sees.
func NewMessage(reportID string, from Author, handlerID string, internal bool, body []byte, today Day) (Message, error) {
	switch from {
	case FromReporter:
		if handlerID != "" || internal {
			return Message{}, kernel.Errorf(kernel.Invalid, "a reporter message has no handler and is never internal")
		}
	case FromHandler:
		if handlerID == "" {
			return Message{}, kernel.Errorf(kernel.Invalid, "a handler message needs the handler")
		}
	default:
		return Message{}, kernel.Errorf(kernel.Invalid, "unknown message author")
	}
	if len(body) == 0 {
		return Message{}, kernel.Errorf(kernel.Invalid, "the message is empty")
	}
	return Message{ID: kernel.NewRandomID(), ReportID: reportID, From: from, HandlerID: handlerID, Internal: internal, Day: today, Body: body}, nil
}
