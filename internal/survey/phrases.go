package survey

import (
	"fmt"

	"github.com/upstream-platform/upstream/internal/grievance"
)

// Languages are the languages surveys are offered in: the reporter
// languages of the grievance channel, English first.
func Languages() []string { return grievance.Languages() }

func languageName(lang string) string {
	if n, ok := languageNames[lang]; ok {
		return n
	}
	return lang
}

var languageNames = map[string]string{
	"en": "English", "es": "Español", "fr": "Français", "pt": "Português",
	"zh-Hans": "中文（简体）", "ar": "العربية",
}

// phrases are the words a survey conversation says around its questions,
// per language. Verbs with %d or %s take the arguments shown in the English
// text. The table is read-only after package initialisation.
var phrases = map[string]map[string]string{
	"en": {
		"yes":            "Yes",
		"no":             "No",
		"intro":          "Anonymous survey from %s. Nobody will know who answered. Reply STOP at any time to stop.",
		"reply_option":   "Reply with the number of your answer.",
		"reply_number":   "Reply with a number from %d to %d.",
		"reply_scale":    "Reply with a number from 1 (not at all) to 5 (completely).",
		"reply_text":     "Reply in your own words, or 0 to skip.",
		"press_option":   "Press the number of your answer.",
		"press_number":   "Enter a number from %d to %d, then press the hash key.",
		"press_scale":    "Press a number from 1 (not at all) to 5 (completely).",
		"not_understood": "Sorry, that answer was not understood.",
		"thanks":         "Thank you. Your answers are anonymous and help protect workers at this site.",
		"stopped":        "You will receive no more questions from this survey. Thank you.",
		"closed":         "This survey is not open at the moment. Thank you.",
		"choose_site":    "Which workplace are you answering about?",
		"enter_code":     "Enter the survey code from the poster on your keypad, then press the hash key.",
		"code_unknown":   "That code was not recognised.",
	},
	"es": {
		"yes":            "Sí",
		"no":             "No",
		"intro":          "Encuesta anónima de %s. Nadie sabrá quién respondió. Responda STOP en cualquier momento para terminar.",
		"reply_option":   "Responda con el número de su respuesta.",
		"reply_number":   "Responda con un número del %d al %d.",
		"reply_scale":    "Responda con un número del 1 (nada) al 5 (totalmente).",
		"reply_text":     "Responda con sus propias palabras, o 0 para saltar.",
		"press_option":   "Marque el número de su respuesta.",
		"press_number":   "Marque un número del %d al %d y luego la tecla numeral.",
		"press_scale":    "Marque un número del 1 (nada) al 5 (totalmente).",
		"not_understood": "Lo sentimos, no entendimos esa respuesta.",
		"thanks":         "Gracias. Sus respuestas son anónimas y ayudan a proteger a quienes trabajan en este lugar.",
		"stopped":        "No recibirá más preguntas de esta encuesta. Gracias.",
		"closed":         "Esta encuesta no está abierta en este momento. Gracias.",
		"choose_site":    "¿Sobre qué lugar de trabajo responde?",
		"enter_code":     "Marque en el teclado el código de la encuesta que aparece en el cartel y luego la tecla numeral.",
		"code_unknown":   "No reconocimos ese código.",
	},
	"fr": {
		"yes":            "Oui",
		"no":             "Non",
		"intro":          "Enquête anonyme de %s. Personne ne saura qui a répondu. Répondez STOP à tout moment pour arrêter.",
		"reply_option":   "Répondez par le numéro de votre réponse.",
		"reply_number":   "Répondez par un nombre de %d à %d.",
		"reply_scale":    "Répondez par un nombre de 1 (pas du tout) à 5 (tout à fait).",
		"reply_text":     "Répondez avec vos propres mots, ou 0 pour passer.",
		"press_option":   "Tapez le numéro de votre réponse.",
		"press_number":   "Tapez un nombre de %d à %d, puis la touche dièse.",
		"press_scale":    "Tapez un nombre de 1 (pas du tout) à 5 (tout à fait).",
		"not_understood": "Désolé, cette réponse n'a pas été comprise.",
		"thanks":         "Merci. Vos réponses sont anonymes et aident à protéger les travailleurs de ce site.",
		"stopped":        "Vous ne recevrez plus de questions de cette enquête. Merci.",
		"closed":         "Cette enquête n'est pas ouverte en ce moment. Merci.",
		"choose_site":    "Sur quel lieu de travail répondez-vous ?",
		"enter_code":     "Tapez sur le clavier le code de l'enquête indiqué sur l'affiche, puis la touche dièse.",
		"code_unknown":   "Ce code n'a pas été reconnu.",
	},
	"pt": {
		"yes":            "Sim",
		"no":             "Não",
		"intro":          "Pesquisa anônima de %s. Ninguém saberá quem respondeu. Responda STOP a qualquer momento para parar.",
		"reply_option":   "Responda com o número da sua resposta.",
		"reply_number":   "Responda com um número de %d a %d.",
		"reply_scale":    "Responda com um número de 1 (nada) a 5 (totalmente).",
		"reply_text":     "Responda com suas próprias palavras, ou 0 para pular.",
		"press_option":   "Digite o número da sua resposta.",
		"press_number":   "Digite um número de %d a %d e depois a tecla cerquilha.",
		"press_scale":    "Digite um número de 1 (nada) a 5 (totalmente).",
		"not_understood": "Desculpe, não entendemos essa resposta.",
		"thanks":         "Obrigado. Suas respostas são anônimas e ajudam a proteger os trabalhadores deste local.",
		"stopped":        "Você não receberá mais perguntas desta pesquisa. Obrigado.",
		"closed":         "Esta pesquisa não está aberta no momento. Obrigado.",
		"choose_site":    "Sobre qual local de trabalho você está respondendo?",
		"enter_code":     "Digite no teclado o código da pesquisa que está no cartaz e depois a tecla cerquilha.",
		"code_unknown":   "Não reconhecemos esse código.",
	},
	"zh-Hans": {
		"yes":            "是",
		"no":             "否",
		"intro":          "这是%s的匿名调查。没有人会知道是谁回答的。随时回复 STOP 即可停止。",
		"reply_option":   "请回复您的答案编号。",
		"reply_number":   "请回复 %d 到 %d 之间的数字。",
		"reply_scale":    "请回复 1（完全没有）到 5（完全是）之间的数字。",
		"reply_text":     "请用您自己的话回复，或回复 0 跳过。",
		"press_option":   "请按您的答案编号。",
		"press_number":   "请输入 %d 到 %d 之间的数字，然后按井号键。",
		"press_scale":    "请按 1（完全没有）到 5（完全是）之间的数字。",
		"not_understood": "抱歉，我们没有理解这个回答。",
		"thanks":         "谢谢。您的回答是匿名的，有助于保护这里的工人。",
		"stopped":        "您将不会再收到本调查的问题。谢谢。",
		"closed":         "本调查目前未开放。谢谢。",
		"choose_site":    "您回答的是哪个工作场所？",
		"enter_code":     "请用按键输入海报上的调查代码，然后按井号键。",
		"code_unknown":   "无法识别该代码。",
	},
	"ar": {
		"yes":            "نعم",
		"no":             "لا",
		"intro":          "استبيان مجهول الهوية من %s. لن يعرف أحد من أجاب. أرسل STOP في أي وقت للتوقف.",
		"reply_option":   "أرسل رقم إجابتك.",
		"reply_number":   "أرسل رقمًا من %d إلى %d.",
		"reply_scale":    "أرسل رقمًا من 1 (إطلاقًا) إلى 5 (تمامًا).",
		"reply_text":     "أجب بكلماتك، أو أرسل 0 للتخطي.",
		"press_option":   "اضغط رقم إجابتك.",
		"press_number":   "أدخل رقمًا من %d إلى %d ثم اضغط مفتاح المربع.",
		"press_scale":    "اضغط رقمًا من 1 (إطلاقًا) إلى 5 (تمامًا).",
		"not_understood": "عذرًا، لم نفهم هذه الإجابة.",
		"thanks":         "شكرًا لك. إجاباتك مجهولة الهوية وتساعد في حماية العاملين في هذا الموقع.",
		"stopped":        "لن تتلقى المزيد من الأسئلة من هذا الاستبيان. شكرًا لك.",
		"closed":         "هذا الاستبيان غير مفتوح حاليًا. شكرًا لك.",
		"choose_site":    "عن أي مكان عمل تجيب؟",
		"enter_code":     "أدخل رمز الاستبيان الموجود على الملصق بلوحة المفاتيح، ثم اضغط مفتاح المربع.",
		"code_unknown":   "لم يتم التعرف على هذا الرمز.",
	},
}

// phrase returns a conversation phrase in lang (English when the language
// or the phrase is missing), formatted with args.
func phrase(lang, key string, args ...any) string {
	s, ok := phrases[lang][key]
	if !ok {
		s = phrases["en"][key]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Phrase is phrase for channels outside the package (pages and webhooks).
func Phrase(lang, key string, args ...any) string { return phrase(lang, key, args...) }

// yesWords and noWords are the replies read as yes or no besides 1 and 2,
// compared after folding case and trimming punctuation.
var yesWords = []string{"yes", "y", "si", "sí", "oui", "sim", "是", "是的", "对", "نعم", "ايوه", "أيوه"}
var noWords = []string{"no", "n", "non", "não", "nao", "否", "不", "不是", "没有", "لا"}
