package web

import (
	"math"
	"net/http"
	"strings"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// closureRow is one closure as the calendar page lists it, in words.
type closureRow struct {
	ID, Dates, Kind, Series, Label string
}

// closureKindLabel says what a closure kind means for the counts.
func closureKindLabel(l *locale, k earlywarning.Closure) string {
	if k == earlywarning.Outage {
		return l.tr("Outage: reports were lost")
	}
	return l.tr("Holiday: reports arrive late")
}

// closureSeriesLabel names the series a closure applies to.
func closureSeriesLabel(l *locale, key string) string {
	if key == "" {
		return l.tr("Every series")
	}
	kind, id, _ := strings.Cut(key, ":")
	return seriesLabel(l, earlywarning.Subject{Kind: earlywarning.SubjectKind(kind), ID: id}, "")
}

func (s *alertHandlers) closuresPage(w http.ResponseWriter, r *http.Request) {
	s.renderClosures(w, r, http.StatusOK, nil)
}

func (s *alertHandlers) renderClosures(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	periods, err := s.endpoints.Closures(r.Context(), principalOf(r).User.OrgID, earlywarning.Day(math.MinInt32), earlywarning.Day(math.MaxInt32))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	rows := make([]closureRow, 0, len(periods))
	for _, p := range periods {
		dates := loc.date(p.From.Time())
		if p.To != p.From {
			dates = loc.tr("%v to %v", dates, loc.date(p.To.Time()))
		}
		rows = append(rows, closureRow{ID: p.ID, Dates: dates, Kind: closureKindLabel(loc, p.Kind), Series: closureSeriesLabel(loc, p.Subject), Label: p.Label})
	}
	data := map[string]any{"Closures": rows, "MaxDays": earlywarning.MaxClosureDays, "MaxLabel": earlywarning.MaxClosureLabel}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "alerts_closures.html", data)
}

func (s *alertHandlers) closureAdd(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	form := map[string]string{"From": r.FormValue("from"), "To": r.FormValue("to"), "Kind": r.FormValue("kind"), "Label": r.FormValue("label")}
	again := func(msg string) {
		s.renderClosures(w, r, http.StatusBadRequest, map[string]any{"Error": msg, "Form": form})
	}
	from, err := earlywarning.ParseDay(strings.TrimSpace(form["From"]))
	if err != nil {
		again("First day: enter a date such as 2026-04-10.")
		return
	}
	to := from
	if strings.TrimSpace(form["To"]) != "" {
		if to, err = earlywarning.ParseDay(strings.TrimSpace(form["To"])); err != nil {
			again("Last day: enter a date such as 2026-04-12, or leave it empty for a single day.")
			return
		}
	}
	kind, err := earlywarning.ParseClosureKind(form["Kind"])
	if err != nil {
		again("Kind: choose holiday or outage.")
		return
	}
	c, err := s.endpoints.AddClosure(r.Context(), earlywarning.ClosurePeriod{OrgID: p.User.OrgID, From: from, To: to, Kind: kind,
		Label: strings.TrimSpace(form["Label"]), CreatedBy: p.User.ID, CreatedAt: s.clock.Now()})
	if err != nil {
		if kernel.ErrorCode(err) == kernel.Invalid {
			again(closureFormMessage(kernel.ErrorMessage(err)))
			return
		}
		s.fail(w, r, err)
		return
	}
	said := s.tr(r, "Closure added: %v, %v. The next detector run reads it.", c.Label, s.localeOf(r).date(c.From.Time()))
	if c.To != c.From {
		said = s.tr(r, "Closure added: %v, %v to %v. The next detector run reads it.", c.Label, s.localeOf(r).date(c.From.Time()), s.localeOf(r).date(c.To.Time()))
	}
	s.done(w, r, "/alerts/closures", said)
}

// closureFormMessage names the form's fields in a validation message.
func closureFormMessage(msg string) string {
	field, rest, ok := strings.Cut(msg, ": ")
	if !ok {
		return msg
	}
	name := map[string]string{"to": "Last day", "kind": "Kind", "label": "What it was"}[field]
	if name == "" {
		return msg
	}
	return name + ": " + rest
}

func (s *alertHandlers) closureDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.endpoints.DeleteClosure(r.Context(), principalOf(r).User.OrgID, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/alerts/closures", "Closure deleted: the next detector run reads those days as ordinary.")
}
