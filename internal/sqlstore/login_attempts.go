package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// loginCount is the attempt number the upsert gives: it starts again at 1
// when the last attempt is older than the reset time.
const loginCount = "CASE WHEN login_attempts.last_ms < $3 THEN 1 ELSE login_attempts.failures + 1 END"

// BeginLoginAttempt counts an attempt against a login name in one statement,
// so parallel attempts each get their own number and none reads a stale
// count. The statement refuses (returns 0) while the name is locked; an
// attempt numbered HoldFrom or more takes the lock itself until HoldUntil,
// so it is checked alone.
func (a *Accounts) BeginLoginAttempt(ctx context.Context, nameHash string, r account.AttemptRule) (int, time.Time, error) {
	first := int64(0)
	if r.HoldFrom <= 1 {
		first = unixMilli(r.HoldUntil)
	}
	var n int
	err := a.db.write.QueryRowContext(ctx, `INSERT INTO login_attempts (name_hash, failures, last_ms, locked_until_ms)
		VALUES ($1, 1, $2, $6)
		ON CONFLICT (name_hash) DO UPDATE SET
			failures = `+loginCount+`,
			last_ms = $2,
			locked_until_ms = CASE WHEN `+loginCount+` >= $5 THEN CAST($4 AS BIGINT) ELSE 0 END
		WHERE login_attempts.locked_until_ms <= $2
		RETURNING failures`,
		nameHash, unixMilli(r.Now), unixMilli(r.ResetBefore), unixMilli(r.HoldUntil), r.HoldFrom, first).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		var until int64
		err := a.db.write.QueryRowContext(ctx, "SELECT locked_until_ms FROM login_attempts WHERE name_hash = $1", nameHash).Scan(&until)
		if errors.Is(err, sql.ErrNoRows) { // cleared in between: say so briefly
			return 0, r.Now.Add(time.Second), nil
		}
		return 0, fromMilli(until), classify(err, "login attempts")
	}
	return n, time.Time{}, classify(err, "login attempts")
}

// FailLoginAttempt records that attempt n failed: the name stays locked
// until the given time (zero for none). It changes nothing when a success
// or a reset has renumbered the attempts since.
func (a *Accounts) FailLoginAttempt(ctx context.Context, nameHash string, n int, lockedUntil time.Time) error {
	_, err := a.db.write.ExecContext(ctx, `UPDATE login_attempts SET locked_until_ms = $3
		WHERE name_hash = $1 AND failures = $2 AND locked_until_ms <> $3`, nameHash, n, unixMilli(lockedUntil))
	return classify(err, "login attempts")
}

// ReleaseLoginAttempt takes back attempt n, which was neither right nor
// wrong (the password was right and a second factor is still to come), and
// the hold it took, if it is still the last attempt.
func (a *Accounts) ReleaseLoginAttempt(ctx context.Context, nameHash string, n int) error {
	_, err := a.db.write.ExecContext(ctx, `UPDATE login_attempts SET failures = failures - 1, locked_until_ms = 0
		WHERE name_hash = $1 AND failures = $2`, nameHash, n)
	return classify(err, "login attempts")
}

// ClearLoginAttempts forgets a name's attempts after a successful sign-in.
func (a *Accounts) ClearLoginAttempts(ctx context.Context, nameHash string) error {
	_, err := a.db.write.ExecContext(ctx, "DELETE FROM login_attempts WHERE name_hash = $1", nameHash)
	return classify(err, "login attempts")
}

// LoginAttempts returns the attempt count of a name and when its lock ends,
// as seen now (for tests and the users page).
func (a *Accounts) LoginAttempts(ctx context.Context, nameHash string) (int, time.Time, error) {
	var n int
	var until int64
	err := a.db.read.QueryRowContext(ctx, "SELECT failures, locked_until_ms FROM login_attempts WHERE name_hash = $1", nameHash).Scan(&n, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	return n, fromMilli(until), classify(err, "login attempts")
}

// PurgeLoginAttempts removes the counts of names whose last attempt is
// older than before and that are not locked, so names tried once (most of
// them addresses of nobody) do not pile up.
func (a *Accounts) PurgeLoginAttempts(ctx context.Context, before time.Time) (int, error) {
	ms := unixMilli(before)
	res, err := a.db.write.ExecContext(ctx, "DELETE FROM login_attempts WHERE last_ms < $1 AND locked_until_ms < $1", ms)
	if err != nil {
		return 0, classify(err, "login attempts")
	}
	n, err := res.RowsAffected()
	return int(n), classify(err, "login attempts")
}

// AcceptTOTPStep records step as the user's last accepted TOTP step when
// it is later than the one stored; false means the code was used already
// (by a parallel sign-in, too).
func (a *Accounts) AcceptTOTPStep(ctx context.Context, orgID, userID string, step int64) (bool, error) {
	res, err := a.db.write.ExecContext(ctx, "UPDATE users SET totp_last_step = $3 WHERE org_id = $1 AND id = $2 AND totp_last_step < $3",
		orgID, userID, step)
	if err != nil {
		return false, classify(err, "user")
	}
	n, err := res.RowsAffected()
	return n == 1, classify(err, "user")
}

// UseRecoveryCode removes the recovery code with this hash from the user's
// unused codes. It compares and swaps the whole list, so of several parallel
// sign-ins with one code exactly one gets true.
func (a *Accounts) UseRecoveryCode(ctx context.Context, orgID, userID, hash string) (bool, error) {
	for range 50 {
		var stored string
		err := a.db.write.QueryRowContext(ctx, "SELECT recovery_hashes FROM users WHERE org_id = $1 AND id = $2", orgID, userID).Scan(&stored)
		if err != nil {
			return false, classify(err, "user")
		}
		codes := strings.Fields(stored)
		i := slices.Index(codes, hash)
		if i < 0 {
			return false, nil
		}
		rest := strings.Join(slices.Delete(codes, i, i+1), " ")
		res, err := a.db.write.ExecContext(ctx, "UPDATE users SET recovery_hashes = $4 WHERE org_id = $1 AND id = $2 AND recovery_hashes = $3",
			orgID, userID, stored, rest)
		if err != nil {
			return false, classify(err, "user")
		}
		if n, err := res.RowsAffected(); err != nil {
			return false, classify(err, "user")
		} else if n == 1 {
			return true, nil
		}
		// Another sign-in changed the list first; look again.
	}
	return false, kernel.Errorf(kernel.Unavailable, "recovery codes are changing too fast; try again")
}
