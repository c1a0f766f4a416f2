package cli

import (
	"context"
	"crypto/rand"
	"log/slog"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/vault"
	"github.com/upstream-platform/upstream/internal/web"
)

// vaultParams are the documented argon2id costs, lowered only when
// UPSTREAM_ARGON2=test, like the password hasher.
func vaultParams(env *Env) vault.Params {
	if v, err := env.setting("ARGON2"); err == nil && v == "test" {
		return vault.TestParams()
	}
	return vault.DefaultParams()
}

// grievanceParts is the grievance mechanism wired over one database.
type grievanceParts struct {
	Vault   *vault.Vault
	Store   *sqlstore.Grievances
	Service *grievance.Service
	Keys    keyUnlocker
	Intake  web.IntakeDeps
	// Approvals approves new case handlers' keys.
	Approvals grievance.Approvals
}

// newGrievance builds the vault, store, throttle and service, and the
// dependencies of the reporter pages, webhooks and case pages.
func newGrievance(env *Env, db *sqlstore.DB, log *slog.Logger) (*grievanceParts, error) {
	v, err := vault.New(vaultParams(env), rand.Reader)
	if err != nil {
		return nil, err
	}
	th, err := grievance.NewThrottle(grievance.DefaultThrottle(), env.Clock)
	if err != nil {
		return nil, err
	}
	st := db.Grievances()
	al := db.AuditLog()
	svc, err := grievance.NewService(grievance.Config{
		Vault: v, Store: st, Throttle: th, Clock: env.Clock, Rand: rand.Reader,
		Audit: func(ctx context.Context, r audit.Record) error {
			_, err := audit.Append(ctx, al, env.Clock, r)
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	vals := map[string]string{}
	for _, name := range []string{"REPORT_EXIT_URL", "CONVERSATION_SECRET", "TWILIO_AUTH_TOKEN", "HOOK_SECRET", "PUBLIC_URL"} {
		if vals[name], err = env.setting(name); err != nil {
			return nil, err
		}
	}
	g := &grievanceParts{Vault: v, Store: st, Service: svc, Keys: keyUnlocker{&grievance.HandlerKeys{Vault: v, Store: st}},
		Approvals: grievance.Approvals{Keys: st, Audit: func(ctx context.Context, r audit.Record) error {
			_, err := audit.Append(ctx, al, env.Clock, r)
			return err
		}}}
	g.Intake = web.IntakeDeps{
		Keys:      orgKeySource{st},
		Handlers:  handlerKeys{st},
		Approvals: handlerApprovals{st: st, a: g.Approvals},
		Consents:  st,
		Suppliers: supplierFinder{db.SupplyChain()},
		ExitURL:   vals["REPORT_EXIT_URL"],
	}
	secret := []byte(vals["CONVERSATION_SECRET"])
	if len(secret) == 0 {
		// Without a configured secret the hashes change at each start:
		// retried webhook deliveries across a restart are then not
		// recognised as repeats. Production sets the variable.
		secret = make([]byte, vault.MinConversationSecret)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		if log != nil {
			log.Warn("UPSTREAM_CONVERSATION_SECRET is not set: using a random one for this run")
		}
	}
	hasher, err := vault.NewConversationHasher(secret)
	if err != nil {
		return nil, kernel.Wrap(kernel.Invalid, err, "UPSTREAM_CONVERSATION_SECRET")
	}
	g.Intake.Hooks = web.HookConfig{
		Hasher:          hasher,
		Inbound:         st,
		TwilioAuthToken: vals["TWILIO_AUTH_TOKEN"],
		MessagesSecret:  vals["HOOK_SECRET"],
		PublicURL:       vals["PUBLIC_URL"],
	}
	return g, nil
}

// orgKeySource gives intake an organisation's recovery key and the public
// keys of its active case handlers.
type orgKeySource struct{ st *sqlstore.Grievances }

func (o orgKeySource) OrgKeys(ctx context.Context, orgID string) (grievance.OrgKeys, error) {
	rec, err := o.st.RecoveryKey(ctx, orgID)
	if kernel.IsCode(err, kernel.NotFound) {
		return grievance.OrgKeys{}, kernel.Errorf(kernel.Unavailable, "the organisation has no recovery key yet (run upstream keys init)")
	}
	if err != nil {
		return grievance.OrgKeys{}, err
	}
	hs, err := o.st.ActiveHandlerKeys(ctx, orgID, string(account.RoleCaseHandler))
	if err != nil {
		return grievance.OrgKeys{}, err
	}
	return grievance.OrgKeys{OrgID: orgID, Recovery: rec, Handlers: hs}, nil
}

// supplierFinder offers the organisation's suppliers whose names start with
// what the reporter typed.
type supplierFinder struct{ sc *sqlstore.SupplyChain }

func (f supplierFinder) FindSuppliers(ctx context.Context, orgID, query string, limit int) ([]web.SupplierMatch, error) {
	ps, _, err := f.sc.ListParties(ctx, orgID, supplychain.PartyFilter{NamePrefix: query}, kernel.Page{Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]web.SupplierMatch, 0, len(ps))
	for _, p := range ps {
		out = append(out, web.SupplierMatch{ID: p.ID, Name: p.Name, Country: p.Country})
	}
	return out, nil
}

type handlerKeys struct{ st *sqlstore.Grievances }

// HandlerPublicKey gives the key a case may be granted to: only an
// approved one, so a case handler cannot be tricked into sharing a case
// with a key nobody vouched for.
func (h handlerKeys) HandlerPublicKey(ctx context.Context, orgID, userID string) (vault.PublicKey, error) {
	hk, err := h.st.HandlerKey(ctx, orgID, userID)
	if err != nil {
		return vault.PublicKey{}, err
	}
	if !hk.Approved() {
		return vault.PublicKey{}, kernel.Errorf(kernel.Invalid, "this case handler's key is not approved yet")
	}
	return hk.Public, nil
}

// handlerApprovals serves the case pages' approval of new handlers.
type handlerApprovals struct {
	st *sqlstore.Grievances
	a  grievance.Approvals
}

func (h handlerApprovals) PendingHandlers(ctx context.Context, orgID string) ([]string, error) {
	keys, err := h.st.PendingHandlerKeys(ctx, orgID, string(account.RoleCaseHandler))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.UserID
	}
	return ids, nil
}

func (h handlerApprovals) ApproveHandler(ctx context.Context, orgID, approverID, userID, fingerprint string) error {
	return h.a.Approve(ctx, orgID, approverID, userID, fingerprint)
}

func (h handlerApprovals) OwnKey(ctx context.Context, orgID, userID string) (string, bool, error) {
	k, err := h.st.HandlerKey(ctx, orgID, userID)
	if err != nil {
		return "", false, err
	}
	return k.Public.Fingerprint(), k.Approved(), nil
}

// keyUnlocker is the account.KeyUnlocker: at sign-in it opens the user's
// locked private key with the password, so the session can carry it. When
// a key is issued or re-locked is grievance.HandlerKeys' rule; this only
// tells it whether the user is a case handler.
type keyUnlocker struct{ keys *grievance.HandlerKeys }

var _ account.KeyUnlocker = keyUnlocker{}

func (k keyUnlocker) Unlock(ctx context.Context, u account.User, password string) ([]byte, error) {
	return k.keys.Unlock(ctx, u.OrgID, u.ID, u.Role == account.RoleCaseHandler, password)
}

// recoveryKeys lets an administrator create the organisation's recovery
// key from the settings page.
type recoveryKeys struct {
	vault *vault.Vault
	store *sqlstore.Grievances
}

func (k recoveryKeys) HasRecoveryKey(ctx context.Context, orgID string) (bool, error) {
	_, err := k.store.RecoveryKey(ctx, orgID)
	if kernel.IsCode(err, kernel.NotFound) {
		return false, nil
	}
	return err == nil, err
}

func (k recoveryKeys) CreateRecoveryKey(ctx context.Context, orgID string) (string, error) {
	priv, printable, err := k.vault.NewRecoveryKey()
	if err != nil {
		return "", err
	}
	defer priv.Wipe()
	if err := k.store.SetRecoveryKey(ctx, orgID, priv.Public(), false); err != nil {
		if kernel.IsCode(err, kernel.Conflict) {
			return "", kernel.Errorf(kernel.Conflict, "the organisation already has a recovery key; an operator replaces it with 'upstream keys init --replace'")
		}
		return "", err
	}
	return printable, nil
}
