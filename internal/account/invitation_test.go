package account_test

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

type mailbox struct {
	mu   sync.Mutex
	body map[string]string
}

func (m *mailbox) SendMail(_ context.Context, to, _, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.body[to] = body
	return nil
}

var linkSecret = regexp.MustCompile(`/invitations/([a-z2-7]+)`)

// TestInvitationIsSingleUseUnderConcurrency: 8 parallel completions of one
// invitation make exactly one account, on both engines; the others are
// told the link no longer works. An address that got an account meanwhile
// gets the general answer and the link stays unused.
func TestInvitationIsSingleUseUnderConcurrency(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
		svc := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
		mail := &mailbox{body: map[string]string{}}
		svc.Invitations = account.Invitations{Mail: mail, LinkBase: "https://upstream.test/"}
		org, _, _ := svc.EnsureOrg(ctx, "ngo", "NGO")
		if _, err := svc.Invite(ctx, account.NewInvitation{By: "test", OrgID: org.ID, Email: "Ana@NGO.example", Name: "Ana", Role: account.RoleViewer}); err != nil {
			t.Fatal(err)
		}
		m := linkSecret.FindStringSubmatch(mail.body["ana@ngo.example"])
		if m == nil {
			t.Fatalf("no link in %q", mail.body["ana@ngo.example"])
		}
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.AcceptInvitation(ctx, m[1], "", "tangerine lantern orbit")
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !kernel.IsCode(err, kernel.NotFound):
				t.Errorf("unexpected: %v", err)
			}
		}
		users, _ := db.Accounts().ListUsers(ctx, org.ID)
		if ok != 1 || len(users) != 1 || users[0].Name != "Ana" {
			t.Fatalf("%d completions succeeded, %d users", ok, len(users))
		}

		// An address that has an account by the time the link is used.
		if _, err := svc.Invite(ctx, account.NewInvitation{By: "test", OrgID: org.ID, Email: "bo@ngo.example", Name: "Bo", Role: account.RoleViewer}); err != nil {
			t.Fatal(err)
		}
		other, _, _ := svc.EnsureOrg(ctx, "other", "Other")
		if _, err := svc.CreateUser(ctx, account.NewUser{OrgID: other.ID, Email: "bo@ngo.example", Name: "Bo", Role: account.RoleViewer, Password: "another fine passphrase"}); err != nil {
			t.Fatal(err)
		}
		m = linkSecret.FindStringSubmatch(mail.body["bo@ngo.example"])
		if _, err := svc.AcceptInvitation(ctx, m[1], "", "tangerine lantern orbit"); !kernel.IsCode(err, kernel.Conflict) || kernel.ErrorMessage(err) != account.ErrAddressUnavailable {
			t.Fatalf("address taken meanwhile: %v", err)
		}
		if inv, err := db.Accounts().ListInvitations(ctx, org.ID, clock.Now()); err != nil || len(inv) != 1 {
			t.Fatalf("the refused completion used the invitation: %v %v", inv, err)
		}
	})
}
