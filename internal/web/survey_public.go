package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/survey"
)

// surveyTemplates are the respondent's pages: like the reporter pages, a
// document of their own without the staff layout, no script, no cookies,
// nothing that names the platform.
var surveyTemplates = template.Must(template.New("survey").ParseFS(templateFiles, "templates/survey_public.html"))

// maxSurveyBody bounds a survey form: at most MaxQuestions answers, one of
// them free text.
const maxSurveyBody = 64 << 10

// surveyPage is what the respondent's page shows.
type surveyPage struct {
	Page      string // form, thanks, closed
	Lang      string
	Dir       string
	T         map[string]string
	Langs     []langLink
	Action    string
	Title     string
	Error     string
	Questions []surveyQuestionView
	// Reportable offers to send free text on as a grievance report; Receipt
	// and FollowUp are shown when one was sent.
	Reportable bool
	Receipt    string
	FollowUp   string
}

type surveyQuestionView struct {
	N       int
	Key     string
	Kind    string
	Text    string
	Only    string // "Answer only if ..." for a question behind skip logic
	Options []surveyOptionView
	Min     int
	Max     int
	Value   string
}

type surveyOptionView struct {
	Value, Label string
	Checked      bool
}

// surveyWords are the fixed words of the respondent's page per language;
// questions bring their own.
var surveyWords = map[string]map[string]string{
	"en":      {"intro": "Your answers are anonymous: do not write your name. Skip any question you prefer not to answer.", "send": "Send answers", "thanks": "Thank you. Your answers were received.", "closed": "This survey is not open at the moment.", "only_if": "Answer only if you answered “%s” to question %d.", "error": "Please check your answer to question %d.", "empty": "Answer at least one question.", "language": "Language", "scale_low": "1 = not at all", "scale_high": "5 = completely", "to_grievance": "Also send what I wrote to the grievance officer as a report. I will get a receipt to follow it up; my other answers stay anonymous.", "receipt": "Your report was sent. Keep this receipt safe and private to follow it up:", "follow_up": "Follow up a report"},
	"es":      {"intro": "Sus respuestas son anónimas: no escriba su nombre. Puede saltar cualquier pregunta.", "send": "Enviar respuestas", "thanks": "Gracias. Recibimos sus respuestas.", "closed": "Esta encuesta no está abierta en este momento.", "only_if": "Responda solo si respondió «%s» a la pregunta %d.", "error": "Revise su respuesta a la pregunta %d.", "empty": "Responda al menos una pregunta.", "language": "Idioma", "scale_low": "1 = nada", "scale_high": "5 = totalmente", "to_grievance": "Enviar también lo que escribí a la persona encargada de quejas como una denuncia. Recibiré un comprobante para darle seguimiento; mis demás respuestas siguen siendo anónimas.", "receipt": "Su denuncia fue enviada. Guarde este comprobante en un lugar seguro y privado para darle seguimiento:", "follow_up": "Dar seguimiento a una denuncia"},
	"fr":      {"intro": "Vos réponses sont anonymes : n'écrivez pas votre nom. Vous pouvez passer toute question.", "send": "Envoyer les réponses", "thanks": "Merci. Vos réponses ont été reçues.", "closed": "Cette enquête n'est pas ouverte en ce moment.", "only_if": "Répondez seulement si vous avez répondu « %s » à la question %d.", "error": "Vérifiez votre réponse à la question %d.", "empty": "Répondez à au moins une question.", "language": "Langue", "scale_low": "1 = pas du tout", "scale_high": "5 = tout à fait", "to_grievance": "Envoyer aussi ce que j'ai écrit au responsable des plaintes comme un signalement. Je recevrai un reçu pour le suivre ; mes autres réponses restent anonymes.", "receipt": "Votre signalement a été envoyé. Gardez ce reçu en lieu sûr et privé pour le suivre :", "follow_up": "Suivre un signalement"},
	"pt":      {"intro": "Suas respostas são anônimas: não escreva seu nome. Você pode pular qualquer pergunta.", "send": "Enviar respostas", "thanks": "Obrigado. Recebemos suas respostas.", "closed": "Esta pesquisa não está aberta no momento.", "only_if": "Responda só se respondeu “%s” à pergunta %d.", "error": "Verifique sua resposta à pergunta %d.", "empty": "Responda pelo menos uma pergunta.", "language": "Idioma", "scale_low": "1 = nada", "scale_high": "5 = totalmente", "to_grievance": "Enviar também o que escrevi ao responsável por reclamações como uma denúncia. Vou receber um comprovante para acompanhar; minhas outras respostas continuam anônimas.", "receipt": "Sua denúncia foi enviada. Guarde este comprovante em local seguro e privado para acompanhar:", "follow_up": "Acompanhar uma denúncia"},
	"zh-Hans": {"intro": "您的回答是匿名的：请不要写您的名字。任何问题都可以跳过。", "send": "提交回答", "thanks": "谢谢。我们已收到您的回答。", "closed": "本调查目前未开放。", "only_if": "仅当您对第 %[2]d 题回答“%[1]s”时回答。", "error": "请检查您对第 %d 题的回答。", "empty": "请至少回答一个问题。", "language": "语言", "scale_low": "1 = 完全没有", "scale_high": "5 = 完全是", "to_grievance": "同时将我写的内容作为投诉发送给申诉负责人。我会收到一个回执以便跟进；我的其他回答仍然是匿名的。", "receipt": "您的投诉已发送。请妥善私密保存此回执以便跟进：", "follow_up": "跟进投诉"},
	"ar":      {"intro": "إجاباتك مجهولة الهوية: لا تكتب اسمك. يمكنك تخطي أي سؤال.", "send": "إرسال الإجابات", "thanks": "شكرًا لك. تم استلام إجاباتك.", "closed": "هذا الاستبيان غير مفتوح حاليًا.", "only_if": "أجب فقط إذا أجبت «%s» على السؤال %d.", "error": "يرجى مراجعة إجابتك على السؤال %d.", "empty": "أجب عن سؤال واحد على الأقل.", "language": "اللغة", "scale_low": "1 = إطلاقًا", "scale_high": "5 = تمامًا", "to_grievance": "أرسل أيضًا ما كتبته إلى مسؤول الشكاوى كبلاغ. سأحصل على إيصال لمتابعته؛ وتبقى إجاباتي الأخرى مجهولة الهوية.", "receipt": "تم إرسال بلاغك. احتفظ بهذا الإيصال في مكان آمن وخاص لمتابعته:", "follow_up": "متابعة بلاغ"},
}

func (s *surveyHandlers) newSurveyPage(r *http.Request, sv survey.Survey, lang string) surveyPage {
	words, ok := surveyWords[lang]
	if !ok {
		words = surveyWords["en"]
	}
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	p := surveyPage{Page: "form", Lang: lang, Dir: dir, T: words, Title: sv.Title,
		Action:     "/survey/" + r.PathValue("org") + "/" + r.PathValue("code"),
		Reportable: s.grievance != nil && s.keys != nil}
	for _, l := range sv.Languages {
		p.Langs = append(p.Langs, langLink{Code: l, Name: languageNames[l], Current: l == lang})
	}
	return p
}

// surveyLang picks the respondent's language among the survey's: an
// explicit choice first, then the browser's preference.
func surveyLang(r *http.Request, sv survey.Survey, chosen string) string {
	for _, l := range sv.Languages {
		if l == chosen {
			return l
		}
	}
	return sv.MatchLanguage(r.Header.Get("Accept-Language"))
}

func questionViews(sv survey.Survey, lang string, values map[string]string) []surveyQuestionView {
	index := map[string]int{}
	out := make([]surveyQuestionView, 0, len(sv.Questions))
	for i, q := range sv.Questions {
		index[q.Key] = i
		v := surveyQuestionView{N: i + 1, Key: q.Key, Kind: string(q.Kind), Text: q.Wording(lang), Min: q.Min, Max: q.Max, Value: values[q.Key]}
		if c := q.ShowIf; c != nil {
			j := index[c.Question]
			labels := make([]string, len(c.Values))
			for k, val := range c.Values {
				labels[k] = sv.Questions[j].ValueLabel(val, lang)
			}
			words := surveyWords[lang]
			if words == nil {
				words = surveyWords["en"]
			}
			v.Only = fmt.Sprintf(words["only_if"], strings.Join(labels, " / "), j+1)
		}
		for _, val := range q.Values() {
			v.Options = append(v.Options, surveyOptionView{Value: val, Label: q.ValueLabel(val, lang), Checked: values[q.Key] == val})
		}
		out = append(out, v)
	}
	return out
}

func (s *surveyHandlers) renderSurvey(w http.ResponseWriter, status int, p surveyPage) {
	s.renderPublic(w, status, surveyTemplates, "survey_doc", p.Page, p.Lang, p)
}

// closedSurvey answers an unknown organisation, an unknown code and a
// survey between rounds alike, in the browser's language.
func (s *surveyHandlers) closedSurvey(w http.ResponseWriter, r *http.Request) {
	lang := survey.Survey{Languages: survey.Languages()}.MatchLanguage(r.Header.Get("Accept-Language"))
	p := s.newSurveyPage(r, survey.Survey{}, lang)
	p.Page = "closed"
	s.renderSurvey(w, http.StatusNotFound, p)
}

func (s *surveyHandlers) surveyForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	orgID := s.orgIDOf(ctx, r.PathValue("org"))
	sv, _, _, err := s.surveys.OpenSurvey(ctx, orgID, r.PathValue("code"))
	if err != nil {
		if !kernel.IsCode(err, kernel.NotFound) {
			s.log.Error("survey page", "err", err)
		}
		s.closedSurvey(w, r)
		return
	}
	lang := surveyLang(r, sv, r.URL.Query().Get("lang"))
	p := s.newSurveyPage(r, sv, lang)
	p.Questions = questionViews(sv, lang, nil)
	s.renderSurvey(w, http.StatusOK, p)
}

func (s *surveyHandlers) surveySubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxSurveyBody)
	parseErr := r.ParseForm()
	orgID := s.orgIDOf(ctx, r.PathValue("org"))
	sv, _, _, err := s.surveys.OpenSurvey(ctx, orgID, r.PathValue("code"))
	if err != nil {
		s.closedSurvey(w, r)
		return
	}
	lang := surveyLang(r, sv, r.PostForm.Get("lang"))
	p := s.newSurveyPage(r, sv, lang)
	values := map[string]string{}
	for _, q := range sv.Questions {
		if v := strings.TrimSpace(r.PostForm.Get("q_" + q.Key)); v != "" {
			values[q.Key] = v
		}
	}
	p.Questions = questionViews(sv, lang, values)
	if parseErr != nil {
		p.Error = p.T["empty"]
		s.renderSurvey(w, http.StatusBadRequest, p)
		return
	}
	err = s.surveys.SubmitWeb(ctx, orgID, r.PathValue("code"), values)
	if err != nil {
		var fe *kernel.FieldError
		switch {
		case errors.As(err, &fe) && strings.HasPrefix(fe.Field, "Question "):
			n, _ := strconv.Atoi(strings.TrimPrefix(fe.Field, "Question "))
			p.Error = fmt.Sprintf(p.T["error"], n)
		case kernel.IsCode(err, kernel.Invalid):
			p.Error = p.T["empty"]
		default:
			s.log.Error("survey submit", "err", err)
			p.Page = "closed"
			s.renderSurvey(w, http.StatusServiceUnavailable, p)
			return
		}
		s.renderSurvey(w, http.StatusBadRequest, p)
		return
	}
	p.Page = "thanks"
	p.Questions = nil
	if p.Reportable && r.PostForm.Get("to_grievance") == "yes" {
		if rc, ok := s.sendOn(r, sv, orgID, values); ok {
			p.Receipt = rc
			p.FollowUp = "/report/" + r.PathValue("org") + "/follow-up?lang=" + lang
		}
	}
	s.renderSurvey(w, http.StatusOK, p)
}

// orgIDOf resolves a public link's organisation slug; an unknown one gives
// "", which answers like a closed survey.
func (s *surveyHandlers) orgIDOf(ctx context.Context, slug string) string {
	if len(slug) > 64 {
		return ""
	}
	o, err := s.orgs.OrgBySlug(ctx, slug)
	if err != nil {
		return ""
	}
	return o.ID
}

// sendOn files the respondent's free-text answers as a grievance report,
// because the respondent ticked the box asking for it: the report is about
// the site surveyed, and the respondent gets its receipt to follow it up.
// The survey answers themselves stay anonymous and apart. A failure is
// logged without content and the respondent simply gets no receipt.
func (s *surveyHandlers) sendOn(r *http.Request, sv survey.Survey, orgID string, values map[string]string) (string, bool) {
	var texts []string
	for _, q := range sv.Questions {
		if q.Kind == survey.Text && strings.TrimSpace(values[q.Key]) != "" {
			texts = append(texts, strings.TrimSpace(values[q.Key]))
		}
	}
	if len(texts) == 0 {
		return "", false
	}
	ctx := r.Context()
	keys, err := s.keys.OrgKeys(ctx, orgID)
	if err != nil {
		return "", false
	}
	site, _ := sv.SiteByCode(r.PathValue("code"))
	rc, _, err := s.grievance.Submit(ctx, keys, grievance.Submission{
		Triage:    grievance.Triage{Categories: []grievance.Category{grievance.Other}, SupplierID: site.ID, Channel: grievance.ChannelWeb},
		Narrative: strings.Join(texts, "\n\n"),
	})
	if err != nil {
		s.log.Error("survey answer sent on as a report", "err", kernel.ErrorCode(err))
		return "", false
	}
	return rc.Display(), true
}
