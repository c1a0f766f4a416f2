package survey

import (
	"github.com/upstream-platform/upstream/internal/grievance"
)

// Sources of the question library. The wording of every question is
// Upstream's own, written to be read aloud and answered by a keypad; the
// indicators, and the age below which work is child labour, are the ILO's.
const (
	sourceILOIndicators = "ILO, Indicators of Forced Labour (2012)"
	sourceILOSurvey     = "ILO, Hard to see, harder to count: survey guidelines to estimate forced labour of adults and children (2nd ed., 2012)"
	sourceILOC138       = "ILO Minimum Age Convention, 1973 (No. 138), Art. 2 and 3"
)

// t builds a wording map in the survey languages' order: English, Spanish,
// French, Portuguese, simplified Chinese, Arabic.
func t(en, es, fr, pt, zh, ar string) map[string]string {
	return map[string]string{"en": en, "es": es, "fr": fr, "pt": pt, "zh-Hans": zh, "ar": ar}
}

func intp(n int) *int { return &n }

// Library returns the ready questions, one or more per ILO indicator of
// forced labour and for child labour, each tagged with the indicator and
// the hazard it informs and with the answers that indicate it. A designer
// adds them to a survey as they are or edits a copy; the returned slice is
// new on every call.
func Library() []Question {
	fl, cl := ForcedLabour, ChildLabour
	yes, no := Concern{Values: []string{Yes}}, Concern{Values: []string{No}}
	return []Question{
		{
			Key: "own_documents", Kind: YesNo, Indicator: grievance.RetentionOfDocuments, Hazard: fl, Concern: no, Source: sourceILOIndicators,
			Text: t("Do you keep your own passport or identity card, and can you get it whenever you want?",
				"¿Guarda usted su propio pasaporte o documento de identidad y puede tenerlo cuando quiera?",
				"Gardez-vous vous-même votre passeport ou votre carte d'identité, et pouvez-vous l'avoir quand vous voulez ?",
				"Você guarda o seu próprio passaporte ou documento de identidade e pode pegá-lo quando quiser?",
				"您自己保管护照或身份证吗？您能随时拿到它吗？",
				"هل تحتفظ بجواز سفرك أو بطاقة هويتك بنفسك، وهل يمكنك الحصول عليها متى شئت؟"),
		},
		{
			Key: "paid_in_full", Kind: YesNo, Indicator: grievance.WithholdingOfWages, Hazard: fl, Concern: no, Source: sourceILOIndicators,
			Text: t("Last month, were you paid all the wages you were promised, on time?",
				"El mes pasado, ¿le pagaron todo el salario prometido y a tiempo?",
				"Le mois dernier, avez-vous reçu tout le salaire promis, à temps ?",
				"No mês passado, você recebeu todo o salário prometido, em dia?",
				"上个月，您是否按时拿到了承诺的全部工资？",
				"في الشهر الماضي، هل حصلت على كامل الأجر الموعود في وقته؟"),
		},
		{
			Key: "recruitment_fee", Kind: YesNo, Indicator: grievance.DebtBondage, Hazard: fl, Concern: yes, Source: sourceILOIndicators,
			Text: t("Did you pay a fee, or borrow money, to get this job?",
				"¿Pagó una tarifa o pidió dinero prestado para conseguir este trabajo?",
				"Avez-vous payé des frais, ou emprunté de l'argent, pour obtenir ce travail ?",
				"Você pagou uma taxa, ou pegou dinheiro emprestado, para conseguir este emprego?",
				"您是否为得到这份工作支付过费用或借过钱？",
				"هل دفعت رسومًا أو اقترضت مالًا للحصول على هذا العمل؟"),
		},
		{
			Key: "still_owe", Kind: YesNo, Indicator: grievance.DebtBondage, Hazard: fl, Concern: yes, Source: sourceILOSurvey,
			ShowIf: &Condition{Question: "recruitment_fee", Values: []string{Yes}},
			Text: t("Do you still owe that money to your employer or to the agent who found you the job?",
				"¿Todavía debe ese dinero a su empleador o al agente que le consiguió el trabajo?",
				"Devez-vous encore cet argent à votre employeur ou à l'agent qui vous a trouvé le travail ?",
				"Você ainda deve esse dinheiro ao empregador ou ao agente que arrumou o emprego?",
				"您是否仍欠雇主或介绍工作的中介这笔钱？",
				"هل ما زلت مدينًا بهذا المال لصاحب العمل أو للوكيل الذي وجد لك العمل؟"),
		},
		{
			Key: "free_to_leave_job", Kind: YesNo, Indicator: grievance.RestrictionOfMovement, Hazard: fl, Concern: no, Source: sourceILOSurvey,
			Text: t("Could you leave this job if you wanted to, after giving notice, without losing money or being punished?",
				"¿Podría dejar este trabajo si quisiera, avisando antes, sin perder dinero ni recibir un castigo?",
				"Pourriez-vous quitter ce travail si vous le vouliez, après un préavis, sans perdre d'argent ni être puni ?",
				"Você poderia sair deste emprego se quisesse, avisando antes, sem perder dinheiro nem ser punido?",
				"如果您想离职，提前告知后能否离开这份工作，而不会损失钱或受到惩罚？",
				"هل يمكنك ترك هذا العمل إن أردت، بعد إعطاء مهلة، دون أن تخسر مالًا أو تُعاقب؟"),
		},
		{
			Key: "free_to_go_out", Kind: YesNo, Indicator: grievance.RestrictionOfMovement, Hazard: fl, Concern: no, Source: sourceILOIndicators,
			Text: t("When you are not working, can you leave the workplace and the housing freely?",
				"Cuando no está trabajando, ¿puede salir libremente del lugar de trabajo y del alojamiento?",
				"Quand vous ne travaillez pas, pouvez-vous quitter librement le lieu de travail et le logement ?",
				"Quando não está trabalhando, você pode sair livremente do local de trabalho e da moradia?",
				"不工作的时候，您能自由离开工作场所和宿舍吗？",
				"عندما لا تعمل، هل يمكنك مغادرة مكان العمل والسكن بحرية؟"),
		},
		{
			Key: "contact_family", Kind: YesNo, Indicator: grievance.Isolation, Hazard: fl, Concern: no, Source: sourceILOIndicators,
			Text: t("Can you contact your family or friends whenever you want?",
				"¿Puede comunicarse con su familia o amigos cuando quiera?",
				"Pouvez-vous contacter votre famille ou vos amis quand vous le voulez ?",
				"Você pode falar com sua família ou amigos quando quiser?",
				"您能随时联系家人或朋友吗？",
				"هل يمكنك التواصل مع عائلتك أو أصدقائك متى شئت؟"),
		},
		{
			Key: "job_as_promised", Kind: YesNo, Indicator: grievance.Deception, Hazard: fl, Concern: no, Source: sourceILOIndicators,
			Text: t("Are the work, the pay and the living conditions what you were promised when you were hired?",
				"¿El trabajo, el salario y las condiciones de vida son lo que le prometieron al contratarle?",
				"Le travail, le salaire et les conditions de vie sont-ils ceux qu'on vous a promis à l'embauche ?",
				"O trabalho, o salário e as condições de moradia são o que prometeram quando você foi contratado?",
				"工作内容、工资和生活条件与招聘时承诺的一样吗？",
				"هل العمل والأجر وظروف المعيشة كما وُعدت بها عند توظيفك؟"),
		},
		{
			Key: "weekly_hours", Kind: Number, Min: 0, Max: 120, Indicator: grievance.ExcessiveOvertime, Hazard: fl,
			Concern: Concern{AtLeast: intp(60)}, Source: sourceILOIndicators,
			Text: t("In a usual week, how many hours do you work, overtime included?",
				"En una semana normal, ¿cuántas horas trabaja, incluidas las horas extra?",
				"Pendant une semaine normale, combien d'heures travaillez-vous, heures supplémentaires comprises ?",
				"Em uma semana normal, quantas horas você trabalha, incluindo horas extras?",
				"一般一周您工作多少小时（包括加班）？",
				"في الأسبوع العادي، كم ساعة تعمل، بما في ذلك العمل الإضافي؟"),
		},
		{
			Key: "refuse_overtime", Kind: YesNo, Indicator: grievance.ExcessiveOvertime, Hazard: fl, Concern: no, Source: sourceILOSurvey,
			Text: t("Can you refuse overtime without being punished?",
				"¿Puede negarse a hacer horas extra sin recibir un castigo?",
				"Pouvez-vous refuser des heures supplémentaires sans être puni ?",
				"Você pode recusar horas extras sem ser punido?",
				"您能拒绝加班而不受惩罚吗？",
				"هل يمكنك رفض العمل الإضافي دون أن تُعاقب؟"),
		},
		{
			Key: "threatened", Kind: YesNo, Indicator: grievance.IntimidationThreats, Hazard: fl, Concern: yes, Source: sourceILOIndicators,
			Text: t("In the last month, have you or a co-worker been threatened by a supervisor or an agent?",
				"En el último mes, ¿usted o un compañero han sido amenazados por un supervisor o un agente?",
				"Au cours du dernier mois, vous ou un collègue avez-vous été menacé par un responsable ou un agent ?",
				"No último mês, você ou um colega foram ameaçados por um supervisor ou agente?",
				"在过去一个月里，您或同事是否受到主管或中介的威胁？",
				"خلال الشهر الماضي، هل تعرضت أنت أو زميل لك للتهديد من مشرف أو وكيل؟"),
		},
		{
			Key: "threat_of_authorities", Kind: YesNo, Indicator: grievance.AbuseOfVulnerability, Hazard: fl, Concern: yes, Source: sourceILOIndicators,
			Text: t("Has anyone at work threatened to report workers to the police or immigration?",
				"¿Alguien en el trabajo ha amenazado con denunciar a trabajadores a la policía o a migración?",
				"Quelqu'un au travail a-t-il menacé de dénoncer des travailleurs à la police ou à l'immigration ?",
				"Alguém no trabalho ameaçou denunciar trabalhadores à polícia ou à imigração?",
				"工作中是否有人威胁要向警察或移民部门举报工人？",
				"هل هدد أحد في العمل بالإبلاغ عن العمال للشرطة أو لسلطات الهجرة؟"),
		},
		{
			Key: "violence", Kind: YesNo, Indicator: grievance.PhysicalSexualViolence, Hazard: fl, Concern: yes, Source: sourceILOIndicators,
			Text: t("In the last month, have you seen or experienced hitting or sexual harassment at work?",
				"En el último mes, ¿ha visto o sufrido golpes o acoso sexual en el trabajo?",
				"Au cours du dernier mois, avez-vous vu ou subi des coups ou du harcèlement sexuel au travail ?",
				"No último mês, você viu ou sofreu agressão física ou assédio sexual no trabalho?",
				"在过去一个月里，您是否在工作中看到或遭受过殴打或性骚扰？",
				"خلال الشهر الماضي، هل رأيت أو تعرضت للضرب أو التحرش الجنسي في العمل؟"),
		},
		{
			Key: "water_toilets", Kind: YesNo, Indicator: grievance.AbusiveConditions, Hazard: fl, Concern: no, Source: sourceILOIndicators,
			Text: t("At work, can you get safe drinking water and use a toilet when you need to?",
				"En el trabajo, ¿puede tomar agua potable y usar un baño cuando lo necesita?",
				"Au travail, pouvez-vous boire de l'eau potable et aller aux toilettes quand vous en avez besoin ?",
				"No trabalho, você pode beber água potável e usar o banheiro quando precisa?",
				"在工作时，您能在需要时喝到安全的饮用水并使用厕所吗？",
				"في العمل، هل يمكنك الحصول على مياه شرب آمنة واستخدام المرحاض عند الحاجة؟"),
		},
		{
			Key: "feel_safe", Kind: Scale, Indicator: grievance.AbusiveConditions, Hazard: fl,
			Concern: Concern{AtMost: intp(2)}, Source: sourceILOSurvey,
			Text: t("How safe do you feel at work?",
				"¿Qué tan seguro se siente en el trabajo?",
				"À quel point vous sentez-vous en sécurité au travail ?",
				"Quão seguro você se sente no trabalho?",
				"您在工作中感到有多安全？",
				"ما مدى شعورك بالأمان في العمل؟"),
		},
		{
			Key: "children_working", Kind: YesNo, Indicator: grievance.ChildLabour, Hazard: cl, Concern: yes, Source: sourceILOC138,
			Text: t("Do children younger than 15 work at this site?",
				"¿Trabajan en este lugar niños o niñas menores de 15 años?",
				"Des enfants de moins de 15 ans travaillent-ils sur ce site ?",
				"Crianças com menos de 15 anos trabalham neste local?",
				"这个工作场所有未满15岁的儿童在工作吗？",
				"هل يعمل في هذا الموقع أطفال دون سن 15 عامًا؟"),
		},
		{
			Key: "young_workers_hazard", Kind: YesNo, Indicator: grievance.ChildLabour, Hazard: cl, Concern: yes, Source: sourceILOC138,
			Text: t("Do workers younger than 18 do dangerous work here, such as using chemicals, heavy loads or night shifts?",
				"¿Hay trabajadores menores de 18 años que hacen trabajos peligrosos aquí, como usar químicos, cargar peso o turnos de noche?",
				"Des travailleurs de moins de 18 ans font-ils ici des travaux dangereux : produits chimiques, charges lourdes, travail de nuit ?",
				"Trabalhadores com menos de 18 anos fazem trabalho perigoso aqui, como usar produtos químicos, carregar peso ou turnos da noite?",
				"这里是否有未满18岁的工人从事危险工作，如接触化学品、搬运重物或上夜班？",
				"هل يقوم عمال دون سن 18 عامًا بأعمال خطرة هنا، مثل استخدام المواد الكيميائية أو حمل الأثقال أو العمل الليلي؟"),
		},
		{
			Key: "anything_else", Kind: Text,
			Text: t("Is there anything else you want to tell us about work at this site?",
				"¿Hay algo más que quiera contarnos sobre el trabajo en este lugar?",
				"Y a-t-il autre chose que vous voulez nous dire sur le travail sur ce site ?",
				"Há mais alguma coisa que você queira nos contar sobre o trabalho neste local?",
				"关于这个工作场所的工作，您还有什么想告诉我们的吗？",
				"هل هناك أي شيء آخر تود إخبارنا به عن العمل في هذا الموقع؟"),
		},
	}
}

// LibraryQuestion returns the library question with key k.
func LibraryQuestion(k string) (Question, bool) {
	for _, q := range Library() {
		if q.Key == k {
			return q, true
		}
	}
	return Question{}, false
}
