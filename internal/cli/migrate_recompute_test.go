package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// Scores a migration marked as computed under an older method are computed
// again by `upstream migrate`, and the organisation leaves the queue.
func TestMigrateRecomputesStaleScores(t *testing.T) {
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn, orgs := importDB(t, e)
			if code, _, errOut := run(t, nil, "", "import", filepath.Join(assessData, "chain.csv"), "--db", dsn, "--org", "acme"); code != 0 {
				t.Fatalf("import: exit %d: %s", code, errOut)
			}
			want := register(t, dsn, orgs["acme"])
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			// As a migration leaves them: stale scores, the organisation queued.
			for _, q := range []string{"UPDATE parties SET level = 'low', confidence = 0, missing = '[]' WHERE org_id = $1",
				"INSERT INTO risk_recompute (org_id) VALUES ($1)"} {
				if err := db.ExecForTest(ctx, q, orgs["acme"]); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()
			code, out, errOut := run(t, nil, "", "migrate", "--db", dsn)
			if code != 0 || !strings.Contains(out, "risk recomputed for 1 organisation(s)") {
				t.Fatalf("migrate: exit %d, stdout %q, stderr %s", code, out, errOut)
			}
			got := register(t, dsn, orgs["acme"])
			for i := range want {
				if got[i].Risk.Level != want[i].Risk.Level || got[i].Risk.Confidence != want[i].Risk.Confidence {
					t.Errorf("%s: level %s confidence %g after migrate, want %s %g", got[i].Party.Ref, got[i].Risk.Level, got[i].Risk.Confidence, want[i].Risk.Level, want[i].Risk.Confidence)
				}
			}
			if code, out, _ := run(t, nil, "", "migrate", "--db", dsn); code != 0 || strings.Contains(out, "recomputed") {
				t.Errorf("second migrate recomputed again: %q", out)
			}
		})
	}
}
