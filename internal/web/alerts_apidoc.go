package web

import (
	"net/http"

	"github.com/upstream-platform/upstream/internal/earlywarning"
)

type alertListJSON struct {
	Alerts []alertJSON `json:"alerts"`
	State  string      `json:"state"`
	Limit  int         `json:"limit"`
	Offset int         `json:"offset"`
	pageLinksJSON
}

type alertEnvelopeJSON struct {
	Alert alertJSON `json:"alert"`
}

// The bodies of the alert transitions.
type (
	alertAssignInput struct {
		UserID string `json:"user_id"`
	}
	alertSnoozeInput struct {
		Until string `json:"until,omitempty"`
		Hours *int   `json:"hours,omitempty"`
	}
	alertResolveInput struct {
		Resolution string `json:"resolution"`
	}
	emptyInput struct{}
)

type endpointListJSON struct {
	Endpoints []earlywarning.Endpoint `json:"endpoints"`
	pageLinksJSON
}

// endpointCreatedJSON is a new endpoint with its signing secret, shown
// this once only.
type endpointCreatedJSON struct {
	Endpoint earlywarning.Endpoint `json:"endpoint"`
	Secret   string                `json:"secret,omitempty"`
}

func alertsAPIDocs() []apiDoc {
	id := []apiParam{{name: "id", in: "path", description: "The alert's id."}}
	notFound := []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict}
	return []apiDoc{
		{pattern: "GET /api/v1/alerts", tag: "Early warning", summary: "List alerts",
			params: []apiParam{
				{name: "state", description: "unresolved (the default: open or acknowledged), open, acknowledged, resolved or all.",
					schema: map[string]any{"type": "string", "enum": []string{"unresolved", "open", "acknowledged", "resolved", "all"}}},
				{name: "severity", description: "The lowest severity to list: info, warning or critical."},
				{name: "assigned_to", description: "Only alerts assigned to this user id, or me."},
				{name: "offset", description: "Skip this many, for clients that page by offset; ignored with cursor. Prefer cursor, which neither repeats nor skips an alert when alerts are raised between pages.",
					schema: map[string]any{"type": "integer", "minimum": 0}},
			},
			description: "Most recently seen first.",
			result:      alertListJSON{}, errors: []int{http.StatusBadRequest}, list: true},
		{pattern: "GET /api/v1/alerts/{id}", tag: "Early warning", summary: "One alert", params: id,
			result: alertEnvelopeJSON{}, errors: []int{http.StatusNotFound}},
		{pattern: "POST /api/v1/alerts/{id}/acknowledge", resource: "/api/v1/alerts/{id}", tag: "Early warning", summary: "Acknowledge an alert", params: id,
			body: emptyInput{}, result: alertEnvelopeJSON{}, errors: notFound, bodyExample: `{}`},
		{pattern: "POST /api/v1/alerts/{id}/assign", resource: "/api/v1/alerts/{id}", tag: "Early warning", summary: "Assign an alert to a user", params: id,
			description: "user_id names a user of the organisation who may manage alerts; empty unassigns.",
			body:        alertAssignInput{}, result: alertEnvelopeJSON{}, errors: notFound},
		{pattern: "POST /api/v1/alerts/{id}/snooze", resource: "/api/v1/alerts/{id}", tag: "Early warning", summary: "Snooze an alert", params: id,
			description: "Give until (an RFC 3339 time) or hours; an empty until or 0 hours ends the snooze.",
			body:        alertSnoozeInput{}, result: alertEnvelopeJSON{}, errors: notFound, bodyExample: `{"hours": 24}`},
		{pattern: "POST /api/v1/alerts/{id}/resolve", resource: "/api/v1/alerts/{id}", tag: "Early warning", summary: "Resolve an alert", params: id,
			description: "The resolution says what was done.",
			body:        alertResolveInput{}, result: alertEnvelopeJSON{}, errors: notFound},
		{pattern: "GET /api/v1/alert-endpoints", tag: "Early warning", summary: "List delivery endpoints",
			description: "Where alerts are delivered: signed webhooks (HMAC-SHA256) and email addresses. Secrets are never shown again. Oldest first.",
			result:      endpointListJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "POST /api/v1/alert-endpoints", tag: "Early warning", summary: "Add a delivery endpoint",
			description: "channel is webhook or email; a webhook gets a signing secret, answered this once.",
			body:        endpointInput{}, status: http.StatusCreated, result: endpointCreatedJSON{},
			errors:      []int{http.StatusBadRequest, http.StatusConflict},
			bodyExample: `{"channel": "webhook", "target": "https://hooks.example.org/upstream", "min_severity": "warning", "digest": false}`},
		{pattern: "DELETE /api/v1/alert-endpoints/{id}", tag: "Early warning", summary: "Remove a delivery endpoint",
			status: http.StatusNoContent, errors: []int{http.StatusNotFound}},
		{pattern: "GET /api/v1/alert-sensitivity", tag: "Early warning", summary: "The detector's sensitivity",
			description: "The alarm threshold of the anomaly detector as a point of its trade-off curve: how many rises it catches within three days " +
				"against how many false alarms it raises per 1,000 series-days, each measured on held-out test series. current names the point in use.",
			result: alertSensitivityJSON{},
			example: `{"current": "balanced", "choices": [{"name": "balanced", "label": "Balanced (default)", "description": "Just under one false alarm per 1,000 series-days.",
				"threshold": 5.75, "timely": 0.865, "false_alarms_per_1000": 0.87, "mean_delay_days": 1.75}]}`},
		{pattern: "PUT /api/v1/alert-sensitivity", resource: "/api/v1/alert-sensitivity", tag: "Early warning", summary: "Choose the detector's sensitivity",
			description: "Names one of the points GET /api/v1/alert-sensitivity lists; the next detector run uses it. The change is audited with who made it, " +
				"as on the settings page. Answers the sensitivity as it now is.",
			body: alertSensitivityInput{}, result: alertSensitivityJSON{}, errors: []int{http.StatusBadRequest},
			bodyExample: `{"sensitivity": "quiet"}`},
	}
}
