package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// alertJSON is the API view of an alert: the alert itself plus whether it
// is overdue for acknowledgement or snoozed now.
type alertJSON struct {
	earlywarning.Alert
	Overdue bool `json:"overdue"`
	Snoozed bool `json:"snoozed"`
}

func (s *alertHandlers) alertJSON(a earlywarning.Alert) alertJSON {
	now := s.clock.Now()
	return alertJSON{Alert: a, Overdue: a.Overdue(now), Snoozed: a.Snoozed(now)}
}

// apiAlerts lists alerts: ?state=&severity=&assigned_to=&limit=&cursor= (or
// offset=).
func (s *alertHandlers) apiAlerts(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	q := r.URL.Query()
	f, state, err := alertFilter(q, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lp, problems := readListPage(r, defaultListLimit)
	if v := q.Get("offset"); v != "" && lp.After == nil {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			lp.Offset = n
		} else {
			problems = append(problems, paramProblem{"offset", "offset " + strconv.Quote(v) + " is not a whole number of at least 0"})
		}
	}
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	alerts, err := s.alerts.Alerts.ListAlerts(r.Context(), p.User.OrgID, f, lp.store())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	alerts, more := cutPage(alerts, lp)
	out := make([]alertJSON, len(alerts))
	var last []string
	for i, a := range alerts {
		out[i] = s.alertJSON(a)
		last = earlywarning.AlertKey(a)
	}
	links := nextPageLinks(w, r, lp, more, last)
	writeJSON(w, http.StatusOK, alertListJSON{Alerts: out, State: state, Limit: lp.Limit, Offset: lp.Offset, pageLinksJSON: links})
}

func (s *alertHandlers) apiAlert(w http.ResponseWriter, r *http.Request) {
	a, err := s.alerts.Alerts.Alert(r.Context(), principalOf(r).User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, alertEnvelopeJSON{Alert: s.alertJSON(a)})
}

// apiAction decodes the request body into in (strictly) and applies the
// transition that build makes from it.
func apiAction[T any](s *alertHandlers, w http.ResponseWriter, r *http.Request, build func(in T) (transition, error)) {
	var in T
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := build(in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.apply(r, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, alertEnvelopeJSON{Alert: s.alertJSON(a)})
}

func (s *alertHandlers) apiAlertAcknowledge(w http.ResponseWriter, r *http.Request) {
	apiAction(s, w, r, func(emptyInput) (transition, error) { return acknowledge, nil })
}

func (s *alertHandlers) apiAlertAssign(w http.ResponseWriter, r *http.Request) {
	apiAction(s, w, r, func(in alertAssignInput) (transition, error) {
		return s.assignTo(r.Context(), in.UserID), nil
	})
}

// apiAlertSnooze takes {"until": RFC 3339 time} or {"hours": N}; an empty
// until or 0 hours ends the snooze.
func (s *alertHandlers) apiAlertSnooze(w http.ResponseWriter, r *http.Request) {
	apiAction(s, w, r, func(in alertSnoozeInput) (transition, error) {
		switch {
		case in.Hours != nil && in.Until != "":
			return nil, kernel.Errorf(kernel.Invalid, "snooze: give until or hours, not both")
		case in.Hours != nil:
			until, err := snoozeHours(strconv.Itoa(*in.Hours), s.clock.Now())
			return snoozeUntil(until), err
		case in.Until == "":
			return snoozeUntil(time.Time{}), nil
		}
		until, err := time.Parse(time.RFC3339, in.Until)
		if err != nil {
			return nil, kernel.Errorf(kernel.Invalid, "snooze until %q is not an RFC 3339 time such as 2026-12-01T09:00:00Z", in.Until)
		}
		return snoozeUntil(until), nil
	})
}

func (s *alertHandlers) apiAlertResolve(w http.ResponseWriter, r *http.Request) {
	apiAction(s, w, r, func(in alertResolveInput) (transition, error) {
		return resolveWith(in.Resolution), nil
	})
}
