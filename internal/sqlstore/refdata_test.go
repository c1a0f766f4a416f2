package sqlstore_test

import (
	"context"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func TestRefdataOverrides(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := db.RefdataOverrides()
		if err := st.Put(ctx, "gsi-2023", "gsi.csv", []byte("a,b\n1,2\n"), t0); err != nil {
			t.Fatal(err)
		}
		if err := st.Put(ctx, "gsi-2023", "gsi-v2.csv", []byte("a,b\n3,4\n"), t0); err != nil {
			t.Fatal(err)
		}
		list, err := st.List(ctx)
		if err != nil || len(list) != 1 || string(list[0].Content) != "a,b\n3,4\n" || list[0].Origin != "gsi-v2.csv" || len(list[0].SHA256) != 64 {
			t.Fatalf("list: %+v %v", list, err)
		}
		if err := st.Delete(ctx, "gsi-2023"); err != nil {
			t.Fatal(err)
		}
		if err := st.Delete(ctx, "gsi-2023"); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}
