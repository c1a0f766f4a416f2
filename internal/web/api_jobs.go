package web

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/apijob"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/reportdata"
)

// Long work through the API runs as a job: the request is accepted (202
// with Location: /api/v1/jobs/{id}), the operation runs in the background
// on this server exactly as it would have run in the request, and its
// answer is kept as the job's result (or, when it failed, its problem).
// Jobs are kept in the shared store, so any server answers a poll. A job
// belongs to the user who started it: nobody else sees it.

// jobRunner runs accepted jobs, a few at a time.
type jobRunner struct {
	store apijob.Store
	clock kernel.Clock
	log   interface {
		Error(msg string, args ...any)
	}
	slots chan struct{}
	wg    sync.WaitGroup
	// swept is when unfinished jobs of stopped servers were last failed.
	mu    sync.Mutex
	swept time.Time
}

// jobSlots is how many jobs one server runs at once; later ones queue.
const jobSlots = 2

// jobHeartbeat is how often a running job says it is alive; a job silent
// for jobAbandoned is taken as lost with its server and failed.
const (
	jobHeartbeat = 20 * time.Second
	jobAbandoned = 3 * jobHeartbeat
)

func newJobRunner(store apijob.Store, clock kernel.Clock, log interface{ Error(string, ...any) }) *jobRunner {
	return &jobRunner{store: store, clock: clock, log: log, slots: make(chan struct{}, jobSlots)}
}

// jobJSON is a job as the API shows it.
type jobJSON struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	State    string  `json:"state"`
	Progress float64 `json:"progress"`
	Stage    string  `json:"stage"`
	// Request is what was asked for.
	Request json.RawMessage `json:"request"`
	// Result is the path of the result, once the job has succeeded.
	Result     string       `json:"result,omitempty"`
	ResultType string       `json:"result_type,omitempty"`
	Problem    *problemJSON `json:"problem,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	FinishedAt *time.Time   `json:"finished_at"`
}

type jobListJSON struct {
	Jobs []jobJSON `json:"jobs"`
	pageLinksJSON
}

func jobOf(j apijob.Job) jobJSON {
	v := jobJSON{ID: j.ID, Kind: j.Kind, State: string(j.State), Progress: j.Progress, Stage: j.Stage, Request: json.RawMessage(j.Request),
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
	if !json.Valid(v.Request) {
		v.Request = json.RawMessage("{}")
	}
	if j.State == apijob.Succeeded {
		v.Result, v.ResultType = "/api/v1/jobs/"+j.ID+"/result", j.ResultType
	}
	if j.Problem != "" {
		var p problemJSON
		if json.Unmarshal([]byte(j.Problem), &p) == nil {
			v.Problem = &p
		}
	}
	if !j.FinishedAt.IsZero() {
		t := j.FinishedAt
		v.FinishedAt = &t
	}
	return v
}

// start accepts r as a job of kind: it keeps the request body, stores the
// job, answers 202, and runs h on a copy of r in the background. request
// is what the job shows it was asked (JSON). stage names the work while
// it runs.
func (s *base) startJob(w http.ResponseWriter, r *http.Request, kind, stage string, request any, h http.HandlerFunc) {
	jr := s.jobs
	if jr == nil {
		s.fail(w, r, kernel.Errorf(kernel.Unavailable, "background jobs are not available on this server"))
		return
	}
	// The body is read now: the connection closes with this answer.
	body, err := os.CreateTemp("", "upstream-job-*")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cleanup := func() { body.Close(); os.Remove(body.Name()) }
	if r.Body != nil {
		if _, err := io.Copy(body, http.MaxBytesReader(w, r.Body, maxImportBytes)); err != nil {
			cleanup()
			writeProblem(w, r, http.StatusRequestEntityTooLarge, kernel.Errorf(kernel.Invalid, "reading the request: %v", err), nil)
			return
		}
		if _, err := body.Seek(0, io.SeekStart); err != nil {
			cleanup()
			s.fail(w, r, err)
			return
		}
	}
	reqJSON, _ := json.Marshal(request)
	p := principalOf(r)
	now := s.clock.Now().UTC()
	j := apijob.Job{ID: kernel.NewID(), OrgID: p.User.OrgID, UserID: p.User.ID, Kind: kind, State: apijob.Queued,
		Stage: "waiting for a free worker", Request: string(reqJSON), CreatedAt: now, UpdatedAt: now}
	ctx := context.WithoutCancel(r.Context())
	if err := jr.store.CreateJob(ctx, j); err != nil {
		cleanup()
		s.fail(w, r, err)
		return
	}
	jr.sweep(ctx)
	bg := r.Clone(ctx)
	bg.Body = body
	bg.Header.Del("Prefer")
	jr.wg.Add(1)
	go func() {
		defer jr.wg.Done()
		defer cleanup()
		jr.run(ctx, j, stage, bg, h)
	}()
	w.Header().Set("Location", "/api/v1/jobs/"+j.ID)
	w.Header().Set("Preference-Applied", "respond-async")
	writeJSON(w, http.StatusAccepted, jobEnvelopeJSON{Job: jobOf(j)})
}

type jobEnvelopeJSON struct {
	Job jobJSON `json:"job"`
}

// run runs one job to its end, keeping its record current.
func (jr *jobRunner) run(ctx context.Context, j apijob.Job, stage string, r *http.Request, h http.HandlerFunc) {
	jr.slots <- struct{}{}
	defer func() { <-jr.slots }()
	save := func() {
		j.UpdatedAt = jr.clock.Now().UTC()
		if err := jr.store.UpdateJob(ctx, j); err != nil {
			jr.log.Error("saving a job", "job", j.ID, "err", err)
		}
	}
	j.State, j.Progress, j.Stage = apijob.Running, 0.1, stage
	save()
	done := make(chan struct{})
	var mu sync.Mutex
	go func() {
		t := time.NewTicker(jobHeartbeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				mu.Lock()
				save()
				mu.Unlock()
			}
		}
	}()
	buf := newBufferedResponse()
	func() {
		defer func() {
			if v := recover(); v != nil {
				jr.log.Error("a job panicked", "job", j.ID, "panic", v)
				buf = newBufferedResponse()
				writeProblem(buf, r, http.StatusInternalServerError, kernel.Errorf(kernel.Internal, "the job stopped on an internal error"), nil)
			}
		}()
		h(buf, r)
	}()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	j.FinishedAt = jr.clock.Now().UTC()
	if buf.status == 0 || buf.status < 300 {
		j.State, j.Progress, j.Stage = apijob.Succeeded, 1, "done"
		j.ResultType = buf.header.Get("Content-Type")
		j.ResultName = fileNameOf(buf.header.Get("Content-Disposition"))
		j.Result = buf.body.Bytes()
	} else {
		j.State, j.Stage = apijob.Failed, "failed"
		j.Problem = buf.body.String()
		if !strings.Contains(buf.header.Get("Content-Type"), "problem+json") {
			p := problemOf(r, buf.status, kernel.Errorf(codeOfStatus(buf.status), "the job failed with status %d", buf.status))
			b, _ := json.Marshal(p)
			j.Problem = string(b)
		}
	}
	save()
}

// sweep fails the jobs of servers that stopped while running them, at most
// once a minute.
func (jr *jobRunner) sweep(ctx context.Context) {
	now := jr.clock.Now()
	jr.mu.Lock()
	due := now.Sub(jr.swept) > time.Minute
	if due {
		jr.swept = now
	}
	jr.mu.Unlock()
	if !due {
		return
	}
	p, _ := json.Marshal(problemJSON{Type: "about:blank", Title: http.StatusText(http.StatusServiceUnavailable), Status: http.StatusServiceUnavailable,
		Detail: "the server running this job stopped before it finished: start it again", Code: string(kernel.Unavailable)})
	if _, err := jr.store.FailUnfinished(ctx, now.Add(-jobAbandoned), string(p)); err != nil {
		jr.log.Error("failing abandoned jobs", "err", err)
	}
}

func fileNameOf(disposition string) string {
	if _, params, err := mime.ParseMediaType(disposition); err == nil {
		return params["filename"]
	}
	return ""
}

// wantsAsync reports whether the client asked for the work to run as a
// job (RFC 7240 Prefer: respond-async).
func wantsAsync(r *http.Request) bool {
	for _, v := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "respond-async") {
				return true
			}
		}
	}
	return false
}

// ownJob reads the caller's job; another user's job is not found.
func (s *base) ownJob(r *http.Request) (apijob.Job, error) {
	if s.jobs == nil {
		return apijob.Job{}, kernel.Errorf(kernel.Unavailable, "background jobs are not available on this server")
	}
	p := principalOf(r)
	j, err := s.jobs.store.Job(r.Context(), p.User.OrgID, r.PathValue("id"))
	if err == nil && j.UserID != p.User.ID {
		err = kernel.Errorf(kernel.NotFound, "job not found")
	}
	if err != nil {
		return j, err
	}
	// The job routes need no scope of their own, so a token without the
	// scope of the work must not reach its request or result through
	// them: another token of the same user may have started it.
	if perm, ok := jobReadPermission(j.Kind); ok && !p.CanRequest(perm, false) {
		scope, _ := account.NeededScope(perm, false)
		return apijob.Job{}, kernel.Errorf(kernel.Forbidden, "this API token's scopes do not allow reading this job: it needs %s", scope)
	}
	return j, nil
}

// jobReadPermission is what reading a job of kind takes: the read side
// of the area whose work it did.
func jobReadPermission(kind string) (account.Permission, bool) {
	switch kind {
	case "report":
		return account.PermReportsRead, true
	case "import":
		return account.PermSuppliersRead, true
	case "watchlist":
		return account.PermSettingsManage, true
	}
	return "", false
}

func (s *base) apiJob(w http.ResponseWriter, r *http.Request) {
	j, err := s.ownJob(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !j.State.Finished() {
		w.Header().Set("Retry-After", "2")
	}
	writeJSON(w, http.StatusOK, jobEnvelopeJSON{Job: jobOf(j)})
}

func (s *base) apiJobResult(w http.ResponseWriter, r *http.Request) {
	j, err := s.ownJob(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch j.State {
	case apijob.Succeeded:
	case apijob.Failed:
		s.fail(w, r, kernel.Errorf(kernel.Conflict, "the job failed, so it has no result: read the job for its problem"))
		return
	default:
		w.Header().Set("Retry-After", "2")
		s.fail(w, r, kernel.Errorf(kernel.Conflict, "the job has not finished: poll /api/v1/jobs/%s until its state is succeeded", j.ID))
		return
	}
	h := w.Header()
	h.Set("Content-Type", j.ResultType)
	if j.ResultName != "" {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": j.ResultName}))
	}
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(j.Result)
}

// apiJobs lists the caller's jobs, newest first.
func (s *base) apiJobs(w http.ResponseWriter, r *http.Request) {
	if s.jobs == nil {
		s.fail(w, r, kernel.Errorf(kernel.Unavailable, "background jobs are not available on this server"))
		return
	}
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	p := principalOf(r)
	jobs, err := s.jobs.store.Jobs(r.Context(), p.User.OrgID, p.User.ID, lp.store())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	jobs, more := cutPage(jobs, lp)
	out := make([]jobJSON, 0, len(jobs))
	var last []string
	for _, j := range jobs {
		// The page ends where it would have; jobs this token may not
		// read are left out of it, as ownJob refuses them.
		last = apijob.Key(j)
		if perm, ok := jobReadPermission(j.Kind); ok && !p.CanRequest(perm, false) {
			continue
		}
		out = append(out, jobOf(j))
	}
	writeJSON(w, http.StatusOK, jobListJSON{Jobs: out, pageLinksJSON: nextPageLinks(w, r, lp, more, last)})
}

// reportJobInput is the body of POST /api/v1/reports/{kind}.
type reportJobInput struct {
	Format     string `json:"format,omitempty"`
	Regulation string `json:"regulation,omitempty"`
	Subject    string `json:"subject,omitempty"`
}

// apiReportJob starts making a report as a job; its result is the file.
func (s *reportHandlers) apiReportJob(w http.ResponseWriter, r *http.Request) {
	var in reportJobInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	kind := r.PathValue("kind")
	format := in.Format
	if format == "" {
		format = "html"
	}
	// Refuse a bad request now rather than as a failed job.
	if _, err := reportdata.ParseRequest(kind, format, in.Regulation, in.Subject); err != nil {
		s.fail(w, r, err)
		return
	}
	q := url.Values{"format": {format}}
	if in.Regulation != "" {
		q.Set("regulation", in.Regulation)
	}
	if in.Subject != "" {
		q.Set("subject", in.Subject)
	}
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	r2.Body = http.NoBody
	s.startJob(w, r2, "report", "making the report", map[string]string{"kind": kind, "format": format, "regulation": in.Regulation, "subject": in.Subject},
		func(w http.ResponseWriter, r *http.Request) { s.writeReport(w, r, kind) })
}

// jobRoutes are the routes of API jobs: every signed-in user polls and
// downloads their own.
func (s *Server) jobRoutes() []route {
	self := account.PermSelf
	return []route{
		{"GET /api/v1/jobs", signedIn, self, s.apiJobs},
		{"GET /api/v1/jobs/{id}", signedIn, self, s.apiJob},
		{"GET /api/v1/jobs/{id}/result", signedIn, self, s.apiJobResult},
	}
}
