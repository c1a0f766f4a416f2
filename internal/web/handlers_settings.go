package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
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
	data := map[string]any{"Org": org, "MaxRetention": account.MaxRetentionDays}
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
		err = kernel.Errorf(kernel.Invalid, "retention must be a whole number of days")
	}
	if err != nil {
		s.renderSettings(w, r, http.StatusBadRequest, map[string]any{"Error": kernel.ErrorMessage(err)})
		return
	}
	if err := s.accounts.Store.SetRetention(r.Context(), p.User.OrgID, days); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}

// settingsRecoveryKey creates the organisation's recovery key and shows it
// once. An organisation that has one keeps it: replacing it is an operator
// task (upstream keys init --replace) because old reports stay wrapped to
// the old key.
func (s *accountHandlers) settingsRecoveryKey(w http.ResponseWriter, r *http.Request) {
	if s.recoveryKeys == nil {
		s.fail(w, r, kernel.Errorf(kernel.Unavailable, "recovery keys are not available on this server"))
		return
	}
	p := principalOf(r)
	printable, err := s.recoveryKeys.CreateRecoveryKey(r.Context(), p.User.OrgID)
	if err != nil {
		if kernel.IsCode(err, kernel.Conflict) {
			s.renderSettings(w, r, http.StatusConflict, map[string]any{"Error": kernel.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderSettings(w, r, http.StatusCreated, map[string]any{"NewRecoveryKey": printable})
}
