package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// settingsPage shows the organisation's settings: grievance retention.
func (s *accountHandlers) settingsPage(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, nil)
}

func (s *accountHandlers) renderSettings(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	p := principalOf(r)
	org, err := s.accounts.Store.OrgByID(r.Context(), p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	guidance, err := s.accounts.Store.EmergencyGuidance(r.Context(), org.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	var rows []guidanceRow
	for _, g := range guidance {
		rows = append(rows, guidanceRow{EmergencyGuidance: g, LangName: langName(g.Lang), CountryName: loc.countryOrEvery(g.Country)})
	}
	data := map[string]any{"Org": org, "MaxRetention": account.MaxRetentionDays, "Guidance": rows, "GuidanceLangs": reporterLangOptions(),
		"MaxGuidance": account.MaxGuidanceBytes}
	if s.recoveryKeys != nil {
		has, err := s.recoveryKeys.HasRecoveryKey(r.Context(), org.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["KeysAvailable"], data["HasRecoveryKey"] = true, has
	}
	if s.datasets != nil {
		data["Datasets"] = s.datasets()
	}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "settings.html", data)
}

func (s *accountHandlers) settingsRetention(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	days, err := strconv.Atoi(strings.TrimSpace(r.FormValue("retention_days")))
	if err == nil {
		err = account.ValidateRetention(days)
	} else {
		err = failure(kernel.Invalid, "Retention: enter a whole number of days.")
	}
	if err != nil {
		s.renderSettings(w, r, http.StatusBadRequest, map[string]any{"Error": s.errorText(r, err)})
		return
	}
	if err := s.accounts.Store.SetRetention(r.Context(), p.User.OrgID, days); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/admin/settings", s.tr(r, "Retention saved: grievance records are kept for %v after their case closes.", s.localeOf(r).days(days)))
}

// settingsRecoveryKey creates the organisation's recovery key and shows it
// once. An organisation that has one keeps it: replacing it is an operator
// task (upstream keys init --replace) because old reports stay wrapped to
// the old key.
func (s *accountHandlers) settingsRecoveryKey(w http.ResponseWriter, r *http.Request) {
	if s.recoveryKeys == nil {
		s.fail(w, r, failure(kernel.Unavailable, "Recovery keys are not available on this server."))
		return
	}
	p := principalOf(r)
	printable, err := s.recoveryKeys.CreateRecoveryKey(r.Context(), p.User.OrgID)
	if err != nil {
		if kernel.IsCode(err, kernel.Conflict) {
			s.renderSettings(w, r, http.StatusConflict, map[string]any{"Error": s.errorText(r, err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderSettings(w, r, http.StatusCreated, map[string]any{"NewRecoveryKey": printable})
}

// langName names a reporter-page language in itself.
func langName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

type langOption struct{ Code, Name string }

// reporterLangOptions are the reporter pages' languages, for a select.
func reporterLangOptions() []langOption {
	var out []langOption
	for _, l := range grievance.Languages() {
		out = append(out, langOption{Code: l, Name: langName(l)})
	}
	return out
}

// guidanceRow is one emergency guidance text as the settings page lists it.
type guidanceRow struct {
	account.EmergencyGuidance
	LangName, CountryName string
}

// countryOrEvery names a guidance text's country for staff, or says
// "every country".
func (l *locale) countryOrEvery(code string) string {
	if code == "" {
		return l.tr("Every country")
	}
	return l.country(code)
}

// settingsGuidance adds or replaces the emergency guidance reporters see
// for one country (or every country) in one language.
func (s *accountHandlers) settingsGuidance(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	loc := s.localeOf(r)
	lang := r.FormValue("lang")
	if _, ok := reporterText[lang]; !ok {
		s.renderSettings(w, r, http.StatusBadRequest, map[string]any{"Error": loc.tr("Language: choose one of the reporter pages' languages.")})
		return
	}
	code := strings.ToUpper(strings.TrimSpace(r.FormValue("country")))
	if code != "" {
		c, err := country.Lookup(code)
		if err != nil {
			s.renderSettings(w, r, http.StatusBadRequest, map[string]any{"Error": loc.tr("Country: %v is not a country code or name (leave it empty for every country).", "“"+code+"”")})
			return
		}
		code = c.Alpha2
	}
	g := account.EmergencyGuidance{OrgID: p.User.OrgID, Country: code, Lang: lang, Text: r.FormValue("text")}
	if err := s.accounts.SetEmergencyGuidance(r.Context(), actorOf(p), g); err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			s.renderSettings(w, r, http.StatusBadRequest, map[string]any{"Error": s.errorText(r, err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	msg := loc.tr("Emergency guidance saved for %v in %v.", loc.country(code), langName(lang))
	if code == "" {
		msg = loc.tr("Emergency guidance saved for every country in %v.", langName(lang))
	}
	s.renderSettings(w, r, http.StatusOK, map[string]any{"Notice": msg})
}

// settingsGuidanceDelete removes one guidance text.
func (s *accountHandlers) settingsGuidanceDelete(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	code, lang := r.FormValue("country"), r.FormValue("lang")
	if err := s.accounts.DeleteEmergencyGuidance(r.Context(), actorOf(p), p.User.OrgID, code, lang); err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	msg := loc.tr("Emergency guidance removed for %v in %v.", loc.country(code), langName(lang))
	if code == "" {
		msg = loc.tr("Emergency guidance removed for every country in %v.", langName(lang))
	}
	s.renderSettings(w, r, http.StatusOK, map[string]any{"Notice": msg})
}

// settingsSupplierSearch turns the intake form's supplier search on or off.
func (s *accountHandlers) settingsSupplierSearch(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	on := r.FormValue("supplier_search") == "on"
	if err := s.accounts.SetSupplierSearch(r.Context(), actorOf(p), p.User.OrgID, on); err != nil {
		s.fail(w, r, err)
		return
	}
	msg := s.tr(r, "The supplier search is now off on the reporting form.")
	if on {
		msg = s.tr(r, "The supplier search is now on: reporters who type at least 4 letters see up to 5 supplier names starting with them.")
	}
	s.renderSettings(w, r, http.StatusOK, map[string]any{"Notice": msg})
}
