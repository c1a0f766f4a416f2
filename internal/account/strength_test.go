package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestPasswordStrength: twelve characters are not enough on their own;
// each refusal says why in words a person can act on, and never repeats
// the password.
func TestPasswordStrength(t *testing.T) {
	inputs := []string{"maria.santos@ngo.example", "Maria Santos", "Clean Supply NGO cleansupply"}
	for _, tc := range []struct {
		pw   string
		want string // "" accepts
	}{
		{"aaaaaaaaaaaa", "repeats characters"},
		{"abcdefghijkl", "sequence"},
		{"qwertyuiop12", "common leaked passwords"},
		{"mnbvcxzlkjhg", "keyboard pattern"},
		{"password1234", "common leaked passwords"},
		{"P@ssw0rd1234!", "look-alike"},
		{"iloveyou2024", "built on a common password"},
		{"summer2024!!", "10^"},
		{"mariasantos1!", "your e-mail address, name or organisation"},
		{"cleansupply2026", "your e-mail address, name or organisation"},
		// On the published list although the estimator alone would pass it.
		{"23WKoa0FP78dk", "common leaked passwords"},
		{"PolniyPizdec0211", "common leaked passwords"},
		{"short", "at least 12 characters"},
		{strings.Repeat("x", 1025), "at most 1024 bytes"},

		{"correct horse battery", ""},
		{"long enough password", ""},
		{"k7m2p-x9q3r-h4t8w-c6v2n", ""},
		{"Ñandú zorro 鹦鹉 ventana", ""},
	} {
		err := account.ValidatePassword(tc.pw, inputs...)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q refused: %v", tc.pw, err)
		case tc.want != "" && err == nil:
			t.Errorf("%q accepted, want refusal (%s)", tc.pw, tc.want)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%q: %v\nwant it to say %q", tc.pw, err, tc.want)
		case err != nil && len(tc.pw) >= 12 && len(tc.pw) < 100 && strings.Contains(err.Error(), tc.pw):
			t.Errorf("the refusal repeats the password: %v", err)
		}
	}
}

// TestCommonPasswordListIsLoaded: the embedded list is read whole and
// compared without regard to case.
func TestCommonPasswordListIsLoaded(t *testing.T) {
	for _, pw := range []string{"123qweasdzxc", "1QAZ2WSX3EDC", " qwerty123456 ", "sonyericsson"} {
		if !account.IsCommonPassword(pw) {
			t.Errorf("%q is on the list", pw)
		}
	}
	if account.IsCommonPassword("correct horse battery") {
		t.Error("a passphrase not on the list was found on it")
	}
}

// TestWeakPasswordsRefusedWhereverSet: the policy holds for a user an
// admin creates (web, API and command line all call CreateUser) and for a
// new password, and the store is unchanged after a refusal.
func TestWeakPasswordsRefusedWhereverSet(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
		svc := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
		org, _, err := svc.EnsureOrg(ctx, "fairtex", "Fairtex Trading")
		if err != nil {
			t.Fatal(err)
		}
		nu := account.NewUser{OrgID: org.ID, Email: "ana@fairtex.example", Name: "Ana Lima", Role: account.RoleAnalyst, Password: "aaaaaaaaaaaa"}
		if _, err := svc.CreateUser(ctx, nu); !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), "repeats") {
			t.Fatalf("create with aaaaaaaaaaaa: %v", err)
		}
		nu.Password = "fairtextrading"
		if _, err := svc.CreateUser(ctx, nu); err == nil || !strings.Contains(err.Error(), "organisation") {
			t.Fatalf("create with the organisation's name: %v", err)
		}
		nu.Password = "long enough password"
		u, err := svc.CreateUser(ctx, nu)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := db.Accounts().User(ctx, org.ID, u.ID)
		if err := svc.SetPassword(ctx, org.ID, u.ID, "ana lima ana lima"); !kernel.IsCode(err, kernel.Invalid) {
			t.Fatalf("set a password made of the user's own name: %v", err)
		}
		after, _ := db.Accounts().User(ctx, org.ID, u.ID)
		if after.PasswordHash != before.PasswordHash {
			t.Error("a refused password changed the stored hash")
		}
		if err := svc.SetPassword(ctx, org.ID, u.ID, "tangerine lantern orbit"); err != nil {
			t.Fatalf("a strong new password: %v", err)
		}
	})
}
