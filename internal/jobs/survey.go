package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/survey"
)

// JobSurveys is the daily survey job's name.
const JobSurveys = "survey.daily"

// SurveyJobs holds what the daily survey job needs.
type SurveyJobs struct {
	Orgs    OrgLister
	Surveys *survey.Service
	Alerts  *earlywarning.Service
	Clock   kernel.Clock
}

// SurveyDaily forgets the respondent hashes of surveys that have ended, and
// raises an alert for each site whose answers got worse between the last
// two rounds of a survey beyond chance. An alert is keyed by survey, round,
// site and question, so running again raises nothing new.
type SurveyDaily struct{ SurveyJobs }

// Run returns how many new alerts it opened.
func (j *SurveyDaily) Run(ctx context.Context) (int, error) {
	orgs, err := j.Orgs.ListOrgs(ctx)
	if err != nil {
		return 0, err
	}
	raised := 0
	var errs []error
	for _, o := range orgs {
		if _, err := j.Surveys.ForgetEnded(ctx, o.ID); err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
		}
		svs, err := j.Surveys.Surveys(ctx, o.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		for _, sv := range svs {
			changes, err := j.Surveys.Changes(ctx, o.ID, sv.ID)
			if err != nil {
				errs = append(errs, fmt.Errorf("organisation %s: survey %s: %w", o.Slug, sv.ID, err))
				continue
			}
			for _, c := range changes {
				if c.Direction != survey.Worse {
					continue
				}
				q, _ := sv.Question(c.Question)
				sev := earlywarning.SeverityMedium
				if survey.SevereIndicator(q.Indicator) {
					sev = earlywarning.SeverityHigh
				}
				_, change, err := j.Alerts.Raise(ctx, earlywarning.Trigger{OrgID: o.ID,
					Key:  fmt.Sprintf("survey/%s/%d/%s/%s", sv.ID, c.ToRound, c.SiteID, c.Question),
					Kind: earlywarning.KindSurveyWorsening, Subject: earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: c.SiteID},
					Detector: "two-round comparison", Severity: sev, Score: c.Z, At: j.Clock.Now(),
					Source: earlywarning.SurveySource{Survey: sv.Title, ToRound: c.ToRound, FromRound: c.FromRound,
						Indicator: grievance.Label(c.Indicator, "en"), Question: q.Wording("en"), From: c.FromShare, To: c.ToShare}.String()})
				if err != nil {
					errs = append(errs, fmt.Errorf("organisation %s: survey %s: %w", o.Slug, sv.ID, err))
					continue
				}
				if change == earlywarning.ChangeCreated {
					raised++
				}
			}
		}
	}
	return raised, errors.Join(errs...)
}

// AddSurveyJobs registers the daily survey job.
func (s *Scheduler) AddSurveyJobs(j SurveyJobs) {
	daily := &SurveyDaily{j}
	s.Add(Job{Name: JobSurveys, Every: 24 * time.Hour, Run: func(ctx context.Context) error {
		n, err := daily.Run(ctx)
		if n > 0 {
			s.Log.Info("survey rounds compared", "alerts", n)
		}
		return err
	}})
}
