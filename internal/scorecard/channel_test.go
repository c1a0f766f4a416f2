package scorecard_test

import (
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/scorecard"
)

// TestOwnGrievanceChannelCounts: Upstream's own grievance channel, open
// for the organisation, answers "can workers raise grievances?": used in
// the last year it earns the full credit a documented "yes" earns; open
// but unused, the credit of a "yes" without a document. It never lowers
// a better answer, it is not counted for a supplier, and a count under
// the reporting threshold is not shown.
func TestOwnGrievanceChannelCounts(t *testing.T) {
	w := scorecard.DefaultWeights()
	score := func(subj scorecard.Subject, ch *scorecard.ChannelEvidence, answers ...scorecard.Answer) scorecard.ItemResult {
		t.Helper()
		sc, err := w.Score(scorecard.Evidence{Subject: subj, AsOf: asOf, Answers: answers, Held: scorecard.Held{Channel: ch}})
		if err != nil {
			t.Fatal(err)
		}
		return item(t, sc, scorecard.ChannelQuestion)
	}
	supplier := scorecard.Subject{Kind: scorecard.Supplier, ID: "p-1", Name: "Golden Thread"}
	documented := scorecard.Answer{QuestionID: scorecard.ChannelQuestion, Response: scorecard.Yes, AnsweredOn: asOf,
		Documents: []scorecard.Document{{Name: "Hotline poster", Date: asOf}}}
	no := scorecard.Answer{QuestionID: scorecard.ChannelQuestion, Response: scorecard.No, AnsweredOn: asOf.Add(-24 * time.Hour)}

	tests := []struct {
		name    string
		subject scorecard.Subject
		channel *scorecard.ChannelEvidence
		answers []scorecard.Answer
		credit  float64
		status  scorecard.Status
		detail  string
	}{
		{"no channel, no answer", org(), nil, nil, 0, scorecard.StatusMissing, "not answered"},
		{"channel used", org(), &scorecard.ChannelEvidence{Reports: 12}, nil, 1, scorecard.StatusFull, "received 12 reports in the last 12 months"},
		{"channel used a little", org(), &scorecard.ChannelEvidence{Reports: 2}, nil, 1, scorecard.StatusFull, "(fewer than 5)"},
		{"channel open, unused", org(), &scorecard.ChannelEvidence{}, nil, w.Evidence.Undocumented, scorecard.StatusUndocumented, "received no report"},
		{"channel over a no", org(), &scorecard.ChannelEvidence{Reports: 7}, []scorecard.Answer{no}, 1, scorecard.StatusFull, "Upstream's own grievance channel"},
		{"a documented yes stays", org(), &scorecard.ChannelEvidence{}, []scorecard.Answer{documented}, 1, scorecard.StatusFull, "with 1 document(s)"},
		{"not for a supplier", supplier, &scorecard.ChannelEvidence{Reports: 12}, nil, 0, scorecard.StatusMissing, "not answered"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := score(tc.subject, tc.channel, tc.answers...)
			if r.Credit != tc.credit || r.Status != tc.status || !strings.Contains(r.Detail.String(), tc.detail) {
				t.Errorf("credit %v status %s detail %q; want %v %s %q", r.Credit, r.Status, r.Detail, tc.credit, tc.status, tc.detail)
			}
			if strings.Contains(r.Detail.String(), " 2 reports") {
				t.Errorf("a count under the reporting threshold is shown: %q", r.Detail)
			}
		})
	}
	if _, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{Channel: &scorecard.ChannelEvidence{Reports: -1}}}); err == nil || !strings.Contains(err.Error(), "channel.reports") {
		t.Errorf("a negative count: %v", err)
	}
}
