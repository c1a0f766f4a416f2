package earlywarning

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Digest lists an organisation's alerts seen on one day, for endpoints that
// asked for one message a day instead of one per alert.
type Digest struct {
	OrgID string
	Day   Day
	// Groups holds the alerts by severity, most severe first; within a
	// group, alerts are ordered by last seen, then key.
	Groups []DigestGroup
	Total  int
	// Location is the organisation's time zone; Text writes times in it.
	Location *time.Location
}

// DigestGroup is the alerts of one severity.
type DigestGroup struct {
	Severity Severity
	Alerts   []Alert
}

// BuildDigest collects the alerts of orgID whose LastSeen falls on day in
// loc (the organisation's time zone) and that an endpoint with minSeverity
// takes. Resolved alerts are included, so the digest also says what was
// closed that day; snoozed ones are left out.
func BuildDigest(orgID string, day Day, loc *time.Location, minSeverity Severity, alerts []Alert) Digest {
	if loc == nil {
		loc = time.UTC
	}
	start := time.Date(day.Time().Year(), day.Time().Month(), day.Time().Day(), 0, 0, 0, 0, loc)
	end := start.AddDate(0, 0, 1)
	by := map[Severity][]Alert{}
	d := Digest{OrgID: orgID, Day: day, Location: loc}
	for _, a := range alerts {
		if a.OrgID != orgID || a.Severity.Rank() < minSeverity.Rank() {
			continue
		}
		if a.LastSeen.Before(start) || !a.LastSeen.Before(end) || a.Snoozed(end) {
			continue
		}
		by[a.Severity] = append(by[a.Severity], a)
		d.Total++
	}
	for _, s := range []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow} {
		list := by[s]
		if len(list) == 0 {
			continue
		}
		slices.SortFunc(list, func(a, b Alert) int {
			if c := a.LastSeen.Compare(b.LastSeen); c != 0 {
				return c
			}
			return cmp.Compare(a.Key, b.Key)
		})
		d.Groups = append(d.Groups, DigestGroup{Severity: s, Alerts: list})
	}
	return d
}

// Subject is the email subject of the digest.
func (d Digest) Subject() string {
	return fmt.Sprintf("[Upstream] Daily alert digest for %s: %d alert%s", d.Day, d.Total, plural(d.Total))
}

// Text renders the digest as a plain-text email body.
func (d Digest) Text() string {
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Upstream alerts seen on %s\n", d.Day)
	if d.Total == 0 {
		b.WriteString("\nNo alerts.\n")
		return b.String()
	}
	for _, g := range d.Groups {
		fmt.Fprintf(&b, "\n%s (%d)\n", strings.ToUpper(string(g.Severity)), len(g.Alerts))
		for _, a := range g.Alerts {
			fmt.Fprintf(&b, "- %s  %s  %s, %s, seen %d time%s, last %s",
				a.State, a.Subject, a.Kind, a.Detector, a.Occurrences, plural(a.Occurrences), a.LastSeen.In(loc).Format(time.RFC3339))
			if a.AssignedTo != "" {
				fmt.Fprintf(&b, ", assigned to %s", a.AssignedTo)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
