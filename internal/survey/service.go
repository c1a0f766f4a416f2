package survey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// Sealed free text is padded to this block before encryption, like a
// grievance's text fields, so its length says little.
const textBlock = 256

// The vault field of a sealed free-text answer.
const (
	TableText  = "survey_texts"
	ColumnBody = "body"
)

// SealedText is one free-text answer as stored: sealed under its own data
// key, which is stored only wrapped to the organisation recovery key and to
// the case handlers of the day (Keys).
type SealedText struct {
	ID       string
	SurveyID string
	Round    int
	SiteID   string
	Question string
	Day      Day
	Body     []byte
	Keys     []vault.WrappedKey
}

// OpenText is an opened free-text answer, for a case handler.
type OpenText struct {
	ID       string
	SurveyID string
	Round    int
	SiteID   string
	Question string
	Day      Day
	Body     string
}

// Store keeps surveys, responses, sealed texts and conversations. Every
// method is scoped to an organisation: another organisation's survey is
// NotFound.
type Store interface {
	// CreateSurvey stores a new survey with its sites. It returns Conflict
	// when a site code is already used in the organisation.
	CreateSurvey(ctx context.Context, s Survey) error
	// UpdateSurvey replaces a survey's design and sites. NotFound when it
	// does not exist; Conflict on a code used by another survey.
	UpdateSurvey(ctx context.Context, s Survey) error
	// Survey returns one survey, or NotFound.
	Survey(ctx context.Context, orgID, id string) (Survey, error)
	// Surveys lists the organisation's surveys, newest first.
	Surveys(ctx context.Context, orgID string) ([]Survey, error)
	// SurveyBySiteCode returns the survey one of whose sites has the code,
	// or NotFound.
	SurveyBySiteCode(ctx context.Context, orgID, code string) (Survey, error)
	// PutResponse stores a response, replacing the earlier response of the
	// same respondent to the same survey, round and site.
	PutResponse(ctx context.Context, orgID string, r Response) error
	// Responses returns a survey's responses to one round.
	Responses(ctx context.Context, orgID, surveyID string, round int) ([]Response, error)
	// AddText stores a sealed free-text answer and its wrapped keys
	// atomically.
	AddText(ctx context.Context, orgID string, t SealedText) error
	// Texts returns a survey's sealed free-text answers with the wrapped key
	// of one recipient (texts without a key for it are left out), newest
	// first.
	Texts(ctx context.Context, orgID, surveyID, recipient string) ([]SealedText, error)
	// Conversation returns the conversation of a respondent, or NotFound.
	Conversation(ctx context.Context, orgID, respondent string) (Conversation, error)
	// PutConversation stores a conversation, replacing the respondent's
	// earlier one.
	PutConversation(ctx context.Context, orgID string, c Conversation) error
	// ForgetRespondents replaces the respondent hashes of a survey's
	// responses by meaningless unique values and deletes its conversations,
	// so nothing links an answer to a phone number any more. It returns
	// how many responses it changed.
	ForgetRespondents(ctx context.Context, orgID, surveyID string) (int, error)
}

// KeySource gives the keys a new free-text answer is wrapped to: the same
// as a new grievance report's (the recovery key and the case handlers who
// receive new reports).
type KeySource interface {
	OrgKeys(ctx context.Context, orgID string) (grievance.OrgKeys, error)
}

// SiteResolver lists the sites of a supplier: the facilities that supply it
// directly, or the supplier itself when the map holds none.
type SiteResolver interface {
	SitesOf(ctx context.Context, orgID, supplierID string) ([]string, error)
}

// Config holds a Service's dependencies, all required.
type Config struct {
	Store  Store
	Keys   KeySource
	Sites  SiteResolver
	Vault  *vault.Vault
	Hasher *vault.ConversationHasher
	Clock  kernel.Clock
}

// Service runs surveys: design, answers from every channel, results,
// evidence and the forgetting of phone-number hashes.
type Service struct{ cfg Config }

// NewService checks that every dependency is present.
func NewService(cfg Config) (*Service, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("survey: no store")
	case cfg.Keys == nil:
		return nil, errors.New("survey: no key source")
	case cfg.Sites == nil:
		return nil, errors.New("survey: no site resolver")
	case cfg.Vault == nil:
		return nil, errors.New("survey: no vault")
	case cfg.Hasher == nil:
		return nil, errors.New("survey: no conversation hasher")
	case cfg.Clock == nil:
		return nil, errors.New("survey: no clock")
	}
	return &Service{cfg: cfg}, nil
}

// Today is the service clock's day.
func (s *Service) Today() Day { return grievance.Today(s.cfg.Clock) }

// resolveSites fills the survey's sites from its target, keeping the codes
// and workforce of sites it already had and giving new sites new codes.
func (s *Service) resolveSites(ctx context.Context, sv *Survey) error {
	ids := slices.Clone(sv.Target.SiteIDs)
	if sv.Target.SupplierID != "" {
		more, err := s.cfg.Sites.SitesOf(ctx, sv.OrgID, sv.Target.SupplierID)
		if err != nil {
			return fmt.Errorf("sites of the target supplier: %w", err)
		}
		ids = append(ids, more...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	old := map[string]Site{}
	for _, st := range sv.Sites {
		old[st.ID] = st
	}
	// Keypad spellings must be unique in the organisation, or a caller's
	// digits could name two sites.
	taken := map[string]bool{}
	others, err := s.cfg.Store.Surveys(ctx, sv.OrgID)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID == sv.ID {
			continue
		}
		for _, st := range o.Sites {
			taken[Keypad(st.Code)] = true
		}
	}
	for _, st := range sv.Sites {
		taken[Keypad(st.Code)] = true
	}
	sites := make([]Site, 0, len(ids))
	for _, id := range ids {
		if id == "" {
			continue
		}
		st, ok := old[id]
		if !ok {
			code, err := s.freeCode(taken)
			if err != nil {
				return err
			}
			taken[Keypad(code)] = true
			st = Site{ID: id, Code: code}
		}
		sites = append(sites, st)
	}
	if len(sites) == 0 {
		return kernel.InvalidField("target", "the target has no sites: choose sites, or a supplier whose facilities are in the supply map")
	}
	sv.Sites = sites
	return nil
}

// freeCode draws a code whose keypad spelling is not taken.
func (s *Service) freeCode(taken map[string]bool) (string, error) {
	for range 64 {
		code, err := NewCode()
		if err != nil {
			return "", err
		}
		if !taken[Keypad(code)] {
			return code, nil
		}
	}
	return "", kernel.Errorf(kernel.Unavailable, "no free site code was found; please try again")
}

// maxCodeTries bounds retries when a new site code collides with one in
// use (about one in 400 million per pair).
const maxCodeTries = 8

// Create validates and stores a new survey, resolving its target to sites
// with fresh codes.
func (s *Service) Create(ctx context.Context, orgID string, sv Survey) (Survey, error) {
	sv.OrgID = orgID
	sv.ID = kernel.NewID()
	sv.Sites = nil
	var err error
	for range maxCodeTries {
		if err = s.resolveSites(ctx, &sv); err != nil {
			return Survey{}, err
		}
		if err = sv.Validate(); err != nil {
			return Survey{}, err
		}
		err = s.cfg.Store.CreateSurvey(ctx, sv)
		if !kernel.IsCode(err, kernel.Conflict) {
			break
		}
		sv.Sites = nil
	}
	if err != nil {
		return Survey{}, err
	}
	return sv, nil
}

// Update replaces a survey's design, keeping the codes of the sites it
// still targets. Questions already answered keep their keys: changing a
// question's kind once answers exist is refused, since old answers would no
// longer read.
func (s *Service) Update(ctx context.Context, orgID string, sv Survey) (Survey, error) {
	old, err := s.cfg.Store.Survey(ctx, orgID, sv.ID)
	if err != nil {
		return Survey{}, err
	}
	for _, q := range sv.Questions {
		if was, ok := old.Question(q.Key); ok && was.Kind != q.Kind && !s.cfg.Clock.Now().Before(old.Schedule.Opens.Time()) {
			return Survey{}, kernel.InvalidField("Question "+q.Key, "this question may already have answers: add a new question instead of changing its kind")
		}
	}
	sv.OrgID = orgID
	sv.Sites = old.Sites
	if err := s.resolveSites(ctx, &sv); err != nil {
		return Survey{}, err
	}
	if err := sv.Validate(); err != nil {
		return Survey{}, err
	}
	if err := s.cfg.Store.UpdateSurvey(ctx, sv); err != nil {
		return Survey{}, err
	}
	return sv, nil
}

// SubmitWeb records a web form's answers for the site with the given code.
// The form carries no phone number, so the response is counted as its own
// respondent. Free-text answers are sealed before they are stored.
func (s *Service) SubmitWeb(ctx context.Context, orgID, code string, form map[string]string) error {
	sv, site, round, err := s.openSurvey(ctx, orgID, code)
	if err != nil {
		return err
	}
	answers, err := sv.Answers(form)
	if err != nil {
		return err
	}
	clear, texts := sv.SplitText(answers)
	if len(clear) == 0 {
		return kernel.Errorf(kernel.Invalid, "answer at least one question")
	}
	day := s.Today()
	for _, t := range texts {
		if err := s.sealText(ctx, orgID, sv, round, site.ID, t, day); err != nil {
			return err
		}
	}
	return s.cfg.Store.PutResponse(ctx, orgID, Response{
		SurveyID: sv.ID, Round: round, SiteID: site.ID, Respondent: "web:" + kernel.NewRandomID(),
		Channel: Web, Day: day, Answers: clear,
	})
}

// ErrClosed is returned for a survey that is not open today.
var ErrClosed = kernel.Errorf(kernel.NotFound, "this survey is not open at the moment")

// OpenSurvey returns the survey and site a public code names, and the round
// open today, or ErrClosed (NotFound) when the code is unknown or no round
// is open, so closed and unknown codes read alike.
func (s *Service) OpenSurvey(ctx context.Context, orgID, code string) (Survey, Site, int, error) {
	return s.openSurvey(ctx, orgID, code)
}

func (s *Service) openSurvey(ctx context.Context, orgID, code string) (Survey, Site, int, error) {
	code = NormaliseCode(code)
	if !ValidCode(code) {
		return Survey{}, Site{}, 0, ErrClosed
	}
	sv, err := s.cfg.Store.SurveyBySiteCode(ctx, orgID, code)
	if kernel.IsCode(err, kernel.NotFound) {
		return Survey{}, Site{}, 0, ErrClosed
	}
	if err != nil {
		return Survey{}, Site{}, 0, err
	}
	site, _ := sv.SiteByCode(code)
	round := sv.Schedule.Round(s.Today())
	if round == 0 {
		return Survey{}, Site{}, 0, ErrClosed
	}
	return sv, site, round, nil
}

func (s *Service) sealText(ctx context.Context, orgID string, sv Survey, round int, siteID string, t FreeText, day Day) error {
	keys, err := s.cfg.Keys.OrgKeys(ctx, orgID)
	if err != nil {
		return err
	}
	v := s.cfg.Vault
	dk, err := v.NewDataKey()
	if err != nil {
		return err
	}
	defer dk.Wipe()
	id := kernel.NewRandomID()
	body, err := v.Seal(dk, vault.Field{Table: TableText, Column: ColumnBody, ID: id}, vault.Pad([]byte(t.Text), textBlock))
	if err != nil {
		return err
	}
	wrapped, err := v.WrapAll(dk, id, nil, keys.Recovery, keys.Handlers)
	if err != nil {
		return err
	}
	return s.cfg.Store.AddText(ctx, orgID, SealedText{
		ID: id, SurveyID: sv.ID, Round: round, SiteID: siteID, Question: t.Question, Day: day, Body: body, Keys: wrapped,
	})
}

// Inbound is one message or keypad entry from a respondent.
type Inbound struct {
	OrgID   string
	OrgName string
	Channel Channel
	// From is the sender's phone number or messaging address. It is hashed
	// at once and never stored or logged.
	From string
	Text string
}

// Reply is what a survey says back to one inbound message: the messages
// (or, for voice, the prompts to speak) in order, in Lang, and whether the
// conversation has ended.
type Reply struct {
	Messages []string
	Lang     string
	Ended    bool
}

// Handle answers an inbound message when it belongs to a survey: a reply
// in an open conversation, or a site's code starting one (on a keypad, the
// code's digits). It reports false when the message is neither, so the
// channel can pass it on (to grievance intake).
func (s *Service) Handle(ctx context.Context, in Inbound) (Reply, bool, error) {
	msgs, c, handled, err := s.handle(ctx, in)
	r := Reply{Messages: msgs, Lang: c.Lang, Ended: c.State != Asking && c.State != ChoosingLanguage}
	return r, handled, err
}

func (s *Service) handle(ctx context.Context, in Inbound) ([]string, Conversation, bool, error) {
	if !in.Channel.Valid() || in.Channel == Web {
		return nil, Conversation{}, false, kernel.Errorf(kernel.Invalid, "unknown survey channel")
	}
	// A namespace of its own keeps survey respondents' hashes from matching
	// the same number's grievance conversations.
	who, err := s.cfg.Hasher.Hash(in.OrgID, "survey:"+string(in.Channel), in.From)
	if err != nil {
		return nil, Conversation{}, false, err
	}
	day := s.Today()
	c, err := s.cfg.Store.Conversation(ctx, in.OrgID, who)
	switch {
	case err == nil && (c.State == Asking || c.State == ChoosingLanguage):
		sv, err := s.cfg.Store.Survey(ctx, in.OrgID, c.SurveyID)
		if err != nil {
			return nil, c, false, err
		}
		c, st := sv.Reply(c, in.Text, day, in.OrgName)
		return st.Messages, c, true, s.record(ctx, in.OrgID, sv, c, st, day)
	case err != nil && !kernel.IsCode(err, kernel.NotFound):
		return nil, Conversation{}, false, err
	}
	code := NormaliseCode(firstWord(in.Text))
	var sv Survey
	switch {
	// On a keypad every code is digits, and some digit strings are also
	// well-formed letter codes: a call is read as keypad digits only.
	case in.Channel == Voice && isKeypad(code):
		sv, err = s.surveyByKeypad(ctx, in.OrgID, code)
	case in.Channel != Voice && ValidCode(code):
		sv, err = s.cfg.Store.SurveyBySiteCode(ctx, in.OrgID, code)
	default:
		// A finished or stopped respondent who writes again is not asked
		// again by accident; anything else is not for surveys.
		if err == nil && IsStop(in.Text) {
			return nil, Conversation{State: Stopped}, true, nil
		}
		return nil, Conversation{}, false, nil
	}
	if kernel.IsCode(err, kernel.NotFound) {
		return nil, Conversation{}, false, nil
	}
	if err != nil {
		return nil, Conversation{}, false, err
	}
	c, st, err := Start(sv, code, who, in.Channel, day, in.OrgName)
	if err != nil {
		return nil, Conversation{}, false, nil
	}
	if c.SurveyID == "" { // no round open: say so, store nothing
		c.State = Finished
		c.Lang = sv.firstLanguage()
		return st.Messages, c, true, nil
	}
	return st.Messages, c, true, s.record(ctx, in.OrgID, sv, c, st, day)
}

// surveyByKeypad finds the survey one of whose sites' codes the digits
// spell, or NotFound.
func (s *Service) surveyByKeypad(ctx context.Context, orgID, digits string) (Survey, error) {
	svs, err := s.cfg.Store.Surveys(ctx, orgID)
	if err != nil {
		return Survey{}, err
	}
	for _, sv := range svs {
		if _, ok := sv.SiteByKeypad(digits); ok {
			return sv, nil
		}
	}
	return Survey{}, kernel.Errorf(kernel.NotFound, "no survey site has that code")
}

func (s *Service) record(ctx context.Context, orgID string, sv Survey, c Conversation, st Step, day Day) error {
	if st.FreeText != nil {
		if err := s.sealText(ctx, orgID, sv, c.Round, c.SiteID, *st.FreeText, day); err != nil {
			return err
		}
	}
	if st.Response != nil {
		if err := s.cfg.Store.PutResponse(ctx, orgID, *st.Response); err != nil {
			return err
		}
	}
	return s.cfg.Store.PutConversation(ctx, orgID, c)
}

// Results aggregates one round of a survey per site.
func (s *Service) Results(ctx context.Context, orgID, surveyID string, round int) (Survey, []SiteResult, error) {
	sv, err := s.cfg.Store.Survey(ctx, orgID, surveyID)
	if err != nil {
		return Survey{}, nil, err
	}
	if round < 1 || round > sv.Schedule.Rounds {
		return Survey{}, nil, kernel.InvalidField("round", "choose a round from 1 to %d", sv.Schedule.Rounds)
	}
	rs, err := s.cfg.Store.Responses(ctx, orgID, surveyID, round)
	if err != nil {
		return Survey{}, nil, err
	}
	return sv, sv.aggregate(round, rs), nil
}

// LatestRound is the last round that has opened by today (0 before the
// first opens).
func (s *Service) LatestRound(sv Survey) int { return latestRound(sv, s.Today()) }

// Evidence returns every site's evidence from the latest round of each of
// the organisation's surveys that has results, for the risk model.
func (s *Service) Evidence(ctx context.Context, orgID string) ([]Evidence, error) {
	return LatestEvidence(ctx, s.cfg.Store, s.Today(), orgID)
}

// EvidenceStore is what reading evidence needs of a store.
type EvidenceStore interface {
	Surveys(ctx context.Context, orgID string) ([]Survey, error)
	Responses(ctx context.Context, orgID, surveyID string, round int) ([]Response, error)
}

// LatestEvidence returns, for each of the organisation's surveys, every
// site's evidence from the latest round that has any by today: a round
// that has just opened does not hide the one before it until answers come.
func LatestEvidence(ctx context.Context, st EvidenceStore, today Day, orgID string) ([]Evidence, error) {
	svs, err := st.Surveys(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []Evidence
	for _, sv := range svs {
		for r := latestRound(sv, today); r >= 1; r-- {
			rs, err := st.Responses(ctx, orgID, sv.ID, r)
			if err != nil {
				return nil, err
			}
			var ev []Evidence
			for _, sr := range sv.aggregate(r, rs) {
				ev = append(ev, SiteEvidence(sv, sr)...)
			}
			if len(ev) > 0 {
				out = append(out, ev...)
				break
			}
		}
	}
	return out, nil
}

func latestRound(sv Survey, today Day) int {
	last := 0
	for r := 1; r <= sv.Schedule.Rounds; r++ {
		if o, _ := sv.Schedule.RoundDays(r); !today.Before(o) {
			last = r
		}
	}
	return last
}

// Changes compares a survey's latest round with results to the round
// before it, site by site.
func (s *Service) Changes(ctx context.Context, orgID, surveyID string) ([]Change, error) {
	sv, err := s.cfg.Store.Survey(ctx, orgID, surveyID)
	if err != nil {
		return nil, err
	}
	r := s.LatestRound(sv)
	if r < 2 {
		return nil, nil
	}
	_, cur, err := s.Results(ctx, orgID, surveyID, r)
	if err != nil {
		return nil, err
	}
	_, prev, err := s.Results(ctx, orgID, surveyID, r-1)
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, c := range cur {
		for _, p := range prev {
			if p.SiteID == c.SiteID {
				out = append(out, CompareRounds(sv, p, c)...)
			}
		}
	}
	return out, nil
}

// ForgetEnded forgets the respondent hashes of every survey whose last
// round has closed, and returns how many responses it changed. A job runs
// it daily.
func (s *Service) ForgetEnded(ctx context.Context, orgID string) (int, error) {
	svs, err := s.cfg.Store.Surveys(ctx, orgID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sv := range svs {
		if !sv.Schedule.Ended(s.Today()) {
			continue
		}
		k, err := s.cfg.Store.ForgetRespondents(ctx, orgID, sv.ID)
		if err != nil {
			return n, fmt.Errorf("forget respondents of survey %s: %w", sv.ID, err)
		}
		n += k
	}
	return n, nil
}

// Texts opens a survey's free-text answers for a case handler with an
// unlocked key. Texts sealed before the handler received new reports are
// not included.
func (s *Service) Texts(ctx context.Context, orgID, surveyID, userID string, key *vault.PrivateKey) ([]OpenText, error) {
	if key == nil {
		return nil, kernel.Errorf(kernel.Forbidden, "unlock your case key to read free-text answers")
	}
	sealed, err := s.cfg.Store.Texts(ctx, orgID, surveyID, vault.HandlerRecipient(userID))
	if err != nil {
		return nil, err
	}
	out := make([]OpenText, 0, len(sealed))
	for _, st := range sealed {
		if len(st.Keys) != 1 {
			continue
		}
		dk, err := vault.UnwrapWith(st.Keys[0].Blob, st.ID, key)
		if err != nil {
			return nil, fmt.Errorf("open text %s: %w", st.ID, err)
		}
		pt, err := vault.Open(dk, vault.Field{Table: TableText, Column: ColumnBody, ID: st.ID}, st.Body)
		dk.Wipe()
		if err != nil {
			return nil, fmt.Errorf("open text %s: %w", st.ID, err)
		}
		body, err := vault.Unpad(pt)
		if err != nil {
			return nil, err
		}
		out = append(out, OpenText{ID: st.ID, SurveyID: st.SurveyID, Round: st.Round, SiteID: st.SiteID, Question: st.Question, Day: st.Day, Body: strings.Clone(string(body))})
	}
	return out, nil
}

// Survey returns one of the organisation's surveys, or NotFound.
func (s *Service) Survey(ctx context.Context, orgID, id string) (Survey, error) {
	return s.cfg.Store.Survey(ctx, orgID, id)
}

// Surveys lists the organisation's surveys, newest first.
func (s *Service) Surveys(ctx context.Context, orgID string) ([]Survey, error) {
	return s.cfg.Store.Surveys(ctx, orgID)
}

// AddQuestion adds a question of the organisation's own to a survey. Its
// key is the next free "q<N>", its hazard follows its indicator, and it is
// checked with the rest of the design (wording in every language, options,
// range, condition on an earlier question).
func (s *Service) AddQuestion(ctx context.Context, orgID, surveyID string, q Question) (Survey, error) {
	sv, err := s.cfg.Store.Survey(ctx, orgID, surveyID)
	if err != nil {
		return Survey{}, err
	}
	for n := len(sv.Questions) + 1; ; n++ {
		k := fmt.Sprintf("q%d", n)
		if _, taken := sv.Question(k); !taken {
			q.Key = k
			break
		}
	}
	switch {
	case q.Indicator == "":
		q.Hazard = ""
	case q.Indicator == grievance.ChildLabour:
		q.Hazard = ChildLabour
	case q.Indicator.ILOIndicator():
		q.Hazard = ForcedLabour
	default:
		return Survey{}, kernel.InvalidField("indicator", "choose an ILO indicator of forced labour, child labour, or none")
	}
	for i, o := range q.Options {
		if o.Value == "" {
			q.Options[i].Value = fmt.Sprintf("o%d", i+1)
		}
	}
	sv.Questions = append(sv.Questions, q)
	return s.Update(ctx, orgID, sv)
}

// aggregate counts a round's responses at every site of the survey, with
// each site's known workforce.
func (sv Survey) aggregate(round int, rs []Response) []SiteResult {
	ids := make([]string, 0, len(sv.Sites))
	workforce := map[string]int{}
	for _, site := range sv.Sites {
		ids = append(ids, site.ID)
		workforce[site.ID] = site.Workforce
	}
	return Aggregate(sv, round, ids, rs, workforce)
}
