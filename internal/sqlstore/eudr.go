package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// EUDR implements eudr.Store. Records are JSON documents beside the columns
// that select them (see migration 0022).
type EUDR struct {
	db    *DB
	clock kernel.Clock
}

// EUDR returns the EU Deforestation Regulation repository.
func (db *DB) EUDR() *EUDR { return &EUDR{db: db, clock: kernel.SystemClock{}} }

var _ eudr.Store = (*EUDR)(nil)

func (s *EUDR) SaveOperator(ctx context.Context, orgID string, op eudr.Operator) error {
	body, err := json.Marshal(op)
	if err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	_, err = s.db.write.ExecContext(ctx, `INSERT INTO eudr_operators (org_id, body, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
		orgID, string(body), s.clock.Now())
	if isForeignKey(err) {
		return kernel.Errorf(kernel.NotFound, "organisation not found")
	}
	return classify(err, "operator")
}

func (s *EUDR) Operator(ctx context.Context, orgID string) (eudr.Operator, error) {
	var body string
	err := s.db.read.QueryRowContext(ctx, `SELECT body FROM eudr_operators WHERE org_id = $1`, orgID).Scan(&body)
	if err != nil {
		return eudr.Operator{}, classify(err, "operator details")
	}
	var op eudr.Operator
	return op, decodeBody(body, &op, "operator")
}

func decodeBody(body string, v any, what string) error {
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return kernel.Wrap(kernel.Internal, err, "stored %s", what)
	}
	return nil
}

func (s *EUDR) SavePlots(ctx context.Context, orgID string, plots []eudr.Plot) error {
	for i, p := range plots {
		if p.ID == "" {
			return kernel.InvalidField(fmt.Sprintf("plots[%d].id", i), "a plot needs its id before it is stored")
		}
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, p := range plots {
			body, err := json.Marshal(p)
			if err != nil {
				return fmt.Errorf("plot %s: %w", p.Label(), err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO eudr_plots (org_id, id, ref, producer_ref, supplier_ref, country, commodity, body, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (org_id, id) DO UPDATE SET ref = excluded.ref, producer_ref = excluded.producer_ref,
					supplier_ref = excluded.supplier_ref, country = excluded.country, commodity = excluded.commodity,
					body = excluded.body, updated_at = excluded.updated_at`,
				orgID, p.ID, p.Ref, p.ProducerRef, p.SupplierRef, p.Country, p.Commodity, string(body), now)
			if isForeignKey(err) {
				return kernel.Errorf(kernel.NotFound, "organisation not found")
			}
			if err != nil {
				return classify(err, "plot "+p.Label())
			}
		}
		return nil
	})
}

func (s *EUDR) scanPlots(rows *sql.Rows, err error) ([]eudr.Plot, error) {
	if err != nil {
		return nil, classify(err, "plots")
	}
	defer rows.Close()
	out := []eudr.Plot{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, classify(err, "plots")
		}
		var p eudr.Plot
		if err := decodeBody(body, &p, "plot"); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, classify(rows.Err(), "plots")
}

func (s *EUDR) ListPlots(ctx context.Context, orgID string) ([]eudr.Plot, error) {
	return s.scanPlots(s.db.read.QueryContext(ctx, `SELECT body FROM eudr_plots WHERE org_id = $1 ORDER BY ref, id`, orgID))
}

// idArgs returns placeholders from $start for the values, and the values
// as query arguments.
func idArgs(start int, vals []string) (string, []any) {
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return inList(len(vals), start), args
}

func (s *EUDR) Plots(ctx context.Context, orgID string, ids []string) ([]eudr.Plot, error) {
	if len(ids) == 0 {
		return []eudr.Plot{}, nil
	}
	byID := map[string]eudr.Plot{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		in, args := idArgs(2, chunk)
		got, err := s.scanPlots(s.db.read.QueryContext(ctx, `SELECT body FROM eudr_plots WHERE org_id = $1 AND id IN (`+in+`)`, append([]any{orgID}, args...)...))
		if err != nil {
			return nil, err
		}
		for _, p := range got {
			byID[p.ID] = p
		}
	}
	out := make([]eudr.Plot, 0, len(ids))
	for _, id := range ids {
		p, ok := byID[id]
		if !ok {
			return nil, kernel.Errorf(kernel.NotFound, "plot %s not found", id)
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *EUDR) AddEvidence(ctx context.Context, orgID string, e eudr.Evidence, file *eudr.File) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = kernel.NewID()
	}
	if file != nil {
		if len(file.Content) > eudr.MaxEvidenceFile {
			return kernel.InvalidField("file", "%s is larger than %d MB", file.Name, eudr.MaxEvidenceFile>>20)
		}
		if file.ID == "" {
			file.ID = kernel.NewID()
		}
		e.FileID, e.FileName = file.ID, file.Name
	}
	if e.RecordedAt.IsZero() {
		e.RecordedAt = s.clock.Now()
	}
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM eudr_plots WHERE org_id = $1 AND id = $2`, orgID, e.PlotID).Scan(&one); err != nil {
			return classify(err, "plot "+e.PlotID)
		}
		if file != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO eudr_files (org_id, id, name, media_type, sha256, size, content, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, orgID, file.ID, file.Name, file.MediaType, file.SHA256,
				int64(len(file.Content)), base64.StdEncoding.EncodeToString(file.Content), e.RecordedAt.UTC()); err != nil {
				return classify(err, "evidence file")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO eudr_evidence (org_id, id, plot_id, kind, body, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			orgID, e.ID, e.PlotID, string(e.Kind), string(body), e.RecordedAt.UTC())
		return classify(err, "evidence")
	})
}

func (s *EUDR) Evidence(ctx context.Context, orgID string, plotIDs []string) (map[string][]eudr.Evidence, error) {
	out := map[string][]eudr.Evidence{}
	for start := 0; start < len(plotIDs); start += 500 {
		chunk := plotIDs[start:min(start+500, len(plotIDs))]
		in, args := idArgs(2, chunk)
		rows, err := s.db.read.QueryContext(ctx, `SELECT body FROM eudr_evidence WHERE org_id = $1 AND plot_id IN (`+in+`) ORDER BY recorded_at, id`, append([]any{orgID}, args...)...)
		if err != nil {
			return nil, classify(err, "evidence")
		}
		for rows.Next() {
			var body string
			if err := rows.Scan(&body); err != nil {
				rows.Close()
				return nil, classify(err, "evidence")
			}
			var e eudr.Evidence
			if err := decodeBody(body, &e, "evidence"); err != nil {
				rows.Close()
				return nil, err
			}
			out[e.PlotID] = append(out[e.PlotID], e)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, classify(err, "evidence")
		}
	}
	return out, nil
}

func (s *EUDR) File(ctx context.Context, orgID, fileID string) (eudr.File, error) {
	var f eudr.File
	var content string
	err := s.db.read.QueryRowContext(ctx, `SELECT id, name, media_type, sha256, content FROM eudr_files WHERE org_id = $1 AND id = $2`,
		orgID, fileID).Scan(&f.ID, &f.Name, &f.MediaType, &f.SHA256, &content)
	if err != nil {
		return eudr.File{}, classify(err, "file")
	}
	b, err := base64.StdEncoding.DecodeString(content)
	if err != nil {
		return eudr.File{}, kernel.Wrap(kernel.Internal, err, "stored file %s", fileID)
	}
	f.Content = b
	return f, nil
}

func (s *EUDR) SaveLot(ctx context.Context, orgID string, l eudr.Lot) error {
	if err := l.Validate(); err != nil {
		return err
	}
	if l.ID == "" {
		return kernel.InvalidField("id", "a lot needs its id before it is stored")
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = s.clock.Now()
	}
	body, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("lot: %w", err)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, id := range l.PlotIDs {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM eudr_plots WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&one); err != nil {
				return classify(err, "plot "+id)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO eudr_lots (org_id, id, ref, body, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org_id, id) DO UPDATE SET ref = excluded.ref, body = excluded.body`,
			orgID, l.ID, l.Ref, string(body), l.CreatedAt.UTC())
		if isForeignKey(err) {
			return kernel.Errorf(kernel.NotFound, "organisation not found")
		}
		return classify(err, "lot "+l.Ref)
	})
}

func (s *EUDR) Lot(ctx context.Context, orgID, idOrRef string) (eudr.Lot, error) {
	var body string
	err := s.db.read.QueryRowContext(ctx, `SELECT body FROM eudr_lots WHERE org_id = $1 AND (id = $2 OR ref = $2)
		ORDER BY CASE WHEN id = $2 THEN 0 ELSE 1 END LIMIT 1`, orgID, idOrRef).Scan(&body)
	if err != nil {
		return eudr.Lot{}, classify(err, "lot "+idOrRef)
	}
	var l eudr.Lot
	return l, decodeBody(body, &l, "lot")
}

func (s *EUDR) ListLots(ctx context.Context, orgID string) ([]eudr.Lot, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT body FROM eudr_lots WHERE org_id = $1 ORDER BY created_at DESC, id`, orgID)
	if err != nil {
		return nil, classify(err, "lots")
	}
	defer rows.Close()
	out := []eudr.Lot{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, classify(err, "lots")
		}
		var l eudr.Lot
		if err := decodeBody(body, &l, "lot"); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "lots")
}

func (s *EUDR) SaveAssessment(ctx context.Context, orgID string, a eudr.Assessment) error {
	if a.ID == "" {
		a.ID = kernel.NewID()
	}
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("assessment: %w", err)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM eudr_lots WHERE org_id = $1 AND id = $2`, orgID, a.LotID).Scan(&one); err != nil {
			return classify(err, "lot "+a.LotID)
		}
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) + 1 FROM eudr_assessments WHERE org_id = $1 AND lot_id = $2`, orgID, a.LotID).Scan(&n); err != nil {
			return classify(err, "assessment")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO eudr_assessments (org_id, id, lot_id, body, n) VALUES ($1, $2, $3, $4, $5)`,
			orgID, kernel.NewID(), a.LotID, string(body), n)
		return classify(err, "assessment")
	})
}

func (s *EUDR) Assessment(ctx context.Context, orgID, lotID string) (eudr.Assessment, error) {
	var body string
	err := s.db.read.QueryRowContext(ctx, `SELECT body FROM eudr_assessments WHERE org_id = $1 AND lot_id = $2 ORDER BY n DESC LIMIT 1`,
		orgID, lotID).Scan(&body)
	if err != nil {
		return eudr.Assessment{}, classify(err, "assessment of lot "+lotID)
	}
	var a eudr.Assessment
	return a, decodeBody(body, &a, "assessment")
}

func (s *EUDR) SaveStatement(ctx context.Context, orgID string, st eudr.Statement, submission, geojson []byte) error {
	body, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("statement: %w", err)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM eudr_lots WHERE org_id = $1 AND id = $2`, orgID, st.LotID).Scan(&one); err != nil {
			return classify(err, "lot "+st.LotID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO eudr_statements (org_id, id, lot_id, made_at, body, submission, geojson)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, orgID, st.ID, st.LotID, st.MadeAt.UTC(), string(body), string(submission), string(geojson))
		return classify(err, "statement")
	})
}

func (s *EUDR) Statements(ctx context.Context, orgID, lotID string) ([]eudr.Statement, error) {
	q, args := `SELECT body FROM eudr_statements WHERE org_id = $1 ORDER BY made_at DESC, id`, []any{orgID}
	if lotID != "" {
		q, args = `SELECT body FROM eudr_statements WHERE org_id = $1 AND lot_id = $2 ORDER BY made_at DESC, id`, []any{orgID, lotID}
	}
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(err, "statements")
	}
	defer rows.Close()
	out := []eudr.Statement{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, classify(err, "statements")
		}
		var st eudr.Statement
		if err := decodeBody(body, &st, "statement"); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, classify(rows.Err(), "statements")
}

func (s *EUDR) StatementFiles(ctx context.Context, orgID, statementID string) (eudr.Statement, []byte, []byte, error) {
	var body, submission, geojson string
	err := s.db.read.QueryRowContext(ctx, `SELECT body, submission, geojson FROM eudr_statements WHERE org_id = $1 AND id = $2`, orgID, statementID).
		Scan(&body, &submission, &geojson)
	if err != nil {
		return eudr.Statement{}, nil, nil, classify(err, "statement "+statementID)
	}
	var st eudr.Statement
	if err := decodeBody(body, &st, "statement"); err != nil {
		return eudr.Statement{}, nil, nil, err
	}
	return st, []byte(submission), []byte(geojson), nil
}

func (s *EUDR) LandEnvironmentGrievances(ctx context.Context, orgID string, partyIDs []string) (int, error) {
	total := 0
	for start := 0; start < len(partyIDs); start += 500 {
		chunk := partyIDs[start:min(start+500, len(partyIDs))]
		in, args := idArgs(2, chunk)
		var n int
		err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM grievance_reports WHERE org_id = $1 AND supplier_id IN (`+in+`)
			AND (' ' || categories || ' ' LIKE '% land_rights %' OR ' ' || categories || ' ' LIKE '% environmental_harm %')`,
			append([]any{orgID}, args...)...).Scan(&n)
		if err != nil {
			return 0, classify(err, "grievance count")
		}
		total += n
	}
	return total, nil
}
