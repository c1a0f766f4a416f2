package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/survey"
	"github.com/upstream-platform/upstream/internal/vault"
)

// Surveys implements survey.Store.
type Surveys struct{ db *DB }

// Surveys returns the survey repository.
func (db *DB) Surveys() *Surveys { return &Surveys{db: db} }

var _ survey.Store = (*Surveys)(nil)

// surveyDesign is the stored JSON of a survey: everything but its id,
// title and sites, which have columns of their own.
type surveyDesign struct {
	Languages []string          `json:"languages"`
	Questions []survey.Question `json:"questions"`
	Target    survey.Target     `json:"target"`
	Schedule  survey.Schedule   `json:"schedule"`
}

func encodeDesign(s survey.Survey) (string, error) {
	b, err := json.Marshal(surveyDesign{Languages: s.Languages, Questions: s.Questions, Target: s.Target, Schedule: s.Schedule})
	if err != nil {
		return "", fmt.Errorf("survey design: %w", err)
	}
	return string(b), nil
}

func (st *Surveys) CreateSurvey(ctx context.Context, s survey.Survey) error {
	design, err := encodeDesign(s)
	if err != nil {
		return err
	}
	return st.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys (id, org_id, title, design, n)
			VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(n), 0) + 1 FROM surveys WHERE org_id = $2))`,
			s.ID, s.OrgID, s.Title, design); err != nil {
			return classify(err, "survey")
		}
		return insertSites(ctx, tx, s)
	})
}

func insertSites(ctx context.Context, tx *sql.Tx, s survey.Survey) error {
	for _, site := range s.Sites {
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_sites (org_id, survey_id, site_id, code, workforce)
			VALUES ($1, $2, $3, $4, $5)`, s.OrgID, s.ID, site.ID, site.Code, site.Workforce); err != nil {
			return classify(err, "survey site code")
		}
	}
	return nil
}

func (st *Surveys) UpdateSurvey(ctx context.Context, s survey.Survey) error {
	design, err := encodeDesign(s)
	if err != nil {
		return err
	}
	return st.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE surveys SET title = $3, design = $4 WHERE id = $1 AND org_id = $2`,
			s.ID, s.OrgID, s.Title, design)
		if err != nil {
			return classify(err, "survey")
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return kernel.Errorf(kernel.NotFound, "survey not found")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM survey_sites WHERE survey_id = $1 AND org_id = $2`, s.ID, s.OrgID); err != nil {
			return classify(err, "survey sites")
		}
		return insertSites(ctx, tx, s)
	})
}

func (st *Surveys) Survey(ctx context.Context, orgID, id string) (survey.Survey, error) {
	return st.one(ctx, `SELECT id, org_id, title, design FROM surveys WHERE org_id = $1 AND id = $2`, orgID, id)
}

func (st *Surveys) SurveyBySiteCode(ctx context.Context, orgID, code string) (survey.Survey, error) {
	return st.one(ctx, `SELECT s.id, s.org_id, s.title, s.design FROM surveys s
		JOIN survey_sites c ON c.survey_id = s.id AND c.org_id = s.org_id
		WHERE s.org_id = $1 AND c.code = $2`, orgID, code)
}

func (st *Surveys) one(ctx context.Context, q string, args ...any) (survey.Survey, error) {
	list, err := st.list(ctx, q, args...)
	if err != nil {
		return survey.Survey{}, err
	}
	if len(list) == 0 {
		return survey.Survey{}, kernel.Errorf(kernel.NotFound, "survey not found")
	}
	return list[0], nil
}

func (st *Surveys) Surveys(ctx context.Context, orgID string) ([]survey.Survey, error) {
	return st.list(ctx, `SELECT id, org_id, title, design FROM surveys WHERE org_id = $1 ORDER BY n DESC`, orgID)
}

func (st *Surveys) list(ctx context.Context, q string, args ...any) ([]survey.Survey, error) {
	rows, err := st.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(err, "surveys")
	}
	out := []survey.Survey{}
	for rows.Next() {
		var s survey.Survey
		var design string
		if err := rows.Scan(&s.ID, &s.OrgID, &s.Title, &design); err != nil {
			rows.Close()
			return nil, classify(err, "surveys")
		}
		var d surveyDesign
		if err := json.Unmarshal([]byte(design), &d); err != nil {
			rows.Close()
			return nil, fmt.Errorf("survey %s design: %w", s.ID, err)
		}
		s.Languages, s.Questions, s.Target, s.Schedule = d.Languages, d.Questions, d.Target, d.Schedule
		out = append(out, s)
	}
	if err := rows.Close(); err != nil {
		return nil, classify(err, "surveys")
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "surveys")
	}
	for i := range out {
		sites, err := st.sites(ctx, out[i].OrgID, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Sites = sites
	}
	return out, nil
}

func (st *Surveys) sites(ctx context.Context, orgID, surveyID string) ([]survey.Site, error) {
	rows, err := st.db.read.QueryContext(ctx, `SELECT site_id, code, workforce FROM survey_sites
		WHERE org_id = $1 AND survey_id = $2 ORDER BY site_id`, orgID, surveyID)
	if err != nil {
		return nil, classify(err, "survey sites")
	}
	defer rows.Close()
	out := []survey.Site{}
	for rows.Next() {
		var s survey.Site
		if err := rows.Scan(&s.ID, &s.Code, &s.Workforce); err != nil {
			return nil, classify(err, "survey sites")
		}
		out = append(out, s)
	}
	return out, classify(rows.Err(), "survey sites")
}

func (st *Surveys) PutResponse(ctx context.Context, orgID string, r survey.Response) error {
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return fmt.Errorf("survey answers: %w", err)
	}
	_, err = st.db.write.ExecContext(ctx, `INSERT INTO survey_responses
		(org_id, survey_id, round, site_id, respondent, channel, day, answers)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM surveys WHERE id = $2 AND org_id = $1)
		ON CONFLICT (survey_id, round, site_id, respondent) DO UPDATE SET
			channel = excluded.channel, day = excluded.day, answers = excluded.answers`,
		orgID, r.SurveyID, r.Round, r.SiteID, r.Respondent, string(r.Channel), r.Day.String(), string(answers))
	return classify(err, "survey response")
}

func (st *Surveys) Responses(ctx context.Context, orgID, surveyID string, round int) ([]survey.Response, error) {
	rows, err := st.db.read.QueryContext(ctx, `SELECT site_id, respondent, channel, day, answers FROM survey_responses
		WHERE org_id = $1 AND survey_id = $2 AND round = $3`, orgID, surveyID, round)
	if err != nil {
		return nil, classify(err, "survey responses")
	}
	defer rows.Close()
	out := []survey.Response{}
	for rows.Next() {
		r := survey.Response{SurveyID: surveyID, Round: round}
		var ch, day, answers string
		if err := rows.Scan(&r.SiteID, &r.Respondent, &ch, &day, &answers); err != nil {
			return nil, classify(err, "survey responses")
		}
		r.Channel = survey.Channel(ch)
		if r.Day, err = grievance.ParseDay(day); err != nil {
			return nil, fmt.Errorf("survey response day: %w", err)
		}
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return nil, fmt.Errorf("survey response answers: %w", err)
		}
		out = append(out, r)
	}
	return out, classify(rows.Err(), "survey responses")
}

func (st *Surveys) AddText(ctx context.Context, orgID string, t survey.SealedText) error {
	return st.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO survey_texts (id, org_id, survey_id, round, site_id, question, day, body, n)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, (SELECT COALESCE(MAX(n), 0) + 1 FROM survey_texts WHERE org_id = $2)
			WHERE EXISTS (SELECT 1 FROM surveys WHERE id = $3 AND org_id = $2)`,
			t.ID, orgID, t.SurveyID, t.Round, t.SiteID, t.Question, t.Day.String(), b64(t.Body))
		if err != nil {
			return classify(err, "survey text")
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return kernel.Errorf(kernel.NotFound, "survey not found")
		}
		for _, k := range t.Keys {
			if k.ReportID != t.ID {
				return kernel.Errorf(kernel.Internal, "a wrapped key for another text")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO survey_text_keys (text_id, recipient, blob) VALUES ($1, $2, $3)`,
				t.ID, k.Recipient, b64(k.Blob)); err != nil {
				return classify(err, "survey text key")
			}
		}
		return nil
	})
}

func (st *Surveys) Texts(ctx context.Context, orgID, surveyID, recipient string) ([]survey.SealedText, error) {
	rows, err := st.db.read.QueryContext(ctx, `SELECT t.id, t.round, t.site_id, t.question, t.day, t.body, k.blob
		FROM survey_texts t JOIN survey_text_keys k ON k.text_id = t.id AND k.recipient = $3
		WHERE t.org_id = $1 AND t.survey_id = $2 ORDER BY t.n DESC`, orgID, surveyID, recipient)
	if err != nil {
		return nil, classify(err, "survey texts")
	}
	defer rows.Close()
	out := []survey.SealedText{}
	for rows.Next() {
		t := survey.SealedText{SurveyID: surveyID}
		var day, body, blob string
		if err := rows.Scan(&t.ID, &t.Round, &t.SiteID, &t.Question, &day, &body, &blob); err != nil {
			return nil, classify(err, "survey texts")
		}
		if t.Day, err = grievance.ParseDay(day); err != nil {
			return nil, fmt.Errorf("survey text day: %w", err)
		}
		if t.Body, err = unb64(body, "survey text"); err != nil {
			return nil, err
		}
		k, err := unb64(blob, "survey text key")
		if err != nil {
			return nil, err
		}
		t.Keys = []vault.WrappedKey{{ReportID: t.ID, Recipient: recipient, Blob: k}}
		out = append(out, t)
	}
	return out, classify(rows.Err(), "survey texts")
}

func (st *Surveys) Conversation(ctx context.Context, orgID, respondent string) (survey.Conversation, error) {
	var state string
	err := st.db.read.QueryRowContext(ctx, `SELECT state FROM survey_conversations WHERE org_id = $1 AND respondent = $2`,
		orgID, respondent).Scan(&state)
	if err != nil {
		return survey.Conversation{}, classify(err, "survey conversation")
	}
	var c survey.Conversation
	if err := json.Unmarshal([]byte(state), &c); err != nil {
		return survey.Conversation{}, fmt.Errorf("survey conversation: %w", err)
	}
	return c, nil
}

func (st *Surveys) PutConversation(ctx context.Context, orgID string, c survey.Conversation) error {
	state, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("survey conversation: %w", err)
	}
	_, err = st.db.write.ExecContext(ctx, `INSERT INTO survey_conversations (org_id, respondent, survey_id, state)
		SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM surveys WHERE id = $3 AND org_id = $1)
		ON CONFLICT (org_id, respondent) DO UPDATE SET survey_id = excluded.survey_id, state = excluded.state`,
		orgID, c.Respondent, c.SurveyID, string(state))
	return classify(err, "survey conversation")
}

func (st *Surveys) ForgetRespondents(ctx context.Context, orgID, surveyID string) (int, error) {
	n := 0
	err := st.db.InTx(ctx, func(tx *sql.Tx) error {
		n = 0
		if _, err := tx.ExecContext(ctx, `DELETE FROM survey_conversations WHERE org_id = $1 AND survey_id = $2`, orgID, surveyID); err != nil {
			return classify(err, "survey conversations")
		}
		rows, err := tx.QueryContext(ctx, `SELECT round, site_id, respondent FROM survey_responses
			WHERE org_id = $1 AND survey_id = $2 AND respondent NOT LIKE 'gone:%'`, orgID, surveyID)
		if err != nil {
			return classify(err, "survey responses")
		}
		type key struct {
			round      int
			site, resp string
		}
		var keys []key
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.round, &k.site, &k.resp); err != nil {
				rows.Close()
				return classify(err, "survey responses")
			}
			keys = append(keys, k)
		}
		if err := rows.Close(); err != nil {
			return classify(err, "survey responses")
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `UPDATE survey_responses SET respondent = $5
				WHERE org_id = $1 AND survey_id = $2 AND round = $3 AND site_id = $6 AND respondent = $4`,
				orgID, surveyID, k.round, k.resp, "gone:"+kernel.NewRandomID(), k.site); err != nil {
				return classify(err, "survey responses")
			}
			n++
		}
		return nil
	})
	return n, err
}
