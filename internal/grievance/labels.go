package grievance

// labels holds the category labels per language. The ILO indicator labels
// follow the wording of the indicators; the others say in plain words what
// the category covers. It is read-only after package initialisation.
var labels = map[string]map[Category]string{
	"en": {
		AbuseOfVulnerability:   "Abuse of vulnerability",
		Deception:              "Deception",
		RestrictionOfMovement:  "Restriction of movement",
		Isolation:              "Isolation",
		PhysicalSexualViolence: "Physical and sexual violence",
		IntimidationThreats:    "Intimidation and threats",
		RetentionOfDocuments:   "Retention of identity documents",
		WithholdingOfWages:     "Withholding of wages",
		DebtBondage:            "Debt bondage",
		AbusiveConditions:      "Abusive working and living conditions",
		ExcessiveOvertime:      "Excessive overtime",
		ChildLabour:            "Child labour",
		LandRights:             "Land taken or people forced to leave their land",
		Environment:            "Environmental harm (pollution, forest clearing)",
		Other:                  "Other",
	},
	"es": {
		AbuseOfVulnerability:   "Abuso de vulnerabilidad",
		Deception:              "Engaño",
		RestrictionOfMovement:  "Restricción de la libertad de movimiento",
		Isolation:              "Aislamiento",
		PhysicalSexualViolence: "Violencia física y sexual",
		IntimidationThreats:    "Intimidación y amenazas",
		RetentionOfDocuments:   "Retención de documentos de identidad",
		WithholdingOfWages:     "Retención de salarios",
		DebtBondage:            "Servidumbre por deudas",
		AbusiveConditions:      "Condiciones de trabajo y de vida abusivas",
		ExcessiveOvertime:      "Horas extraordinarias excesivas",
		ChildLabour:            "Trabajo infantil",
		LandRights:             "Tierras quitadas o desalojo forzoso",
		Environment:            "Daño ambiental (contaminación, tala de bosques)",
		Other:                  "Otro",
	},
	"fr": {
		AbuseOfVulnerability:   "Abus de vulnérabilité",
		Deception:              "Tromperie",
		RestrictionOfMovement:  "Restriction de la liberté de mouvement",
		Isolation:              "Isolement",
		PhysicalSexualViolence: "Violences physiques et sexuelles",
		IntimidationThreats:    "Intimidation et menaces",
		RetentionOfDocuments:   "Rétention des documents d'identité",
		WithholdingOfWages:     "Retenue des salaires",
		DebtBondage:            "Servitude pour dettes",
		AbusiveConditions:      "Conditions de travail et de vie abusives",
		ExcessiveOvertime:      "Heures supplémentaires excessives",
		ChildLabour:            "Travail des enfants",
		LandRights:             "Terres prises ou expulsion forcée",
		Environment:            "Atteintes à l'environnement (pollution, déforestation)",
		Other:                  "Autre",
	},
	"pt": {
		AbuseOfVulnerability:   "Abuso de vulnerabilidade",
		Deception:              "Engano",
		RestrictionOfMovement:  "Restrição da liberdade de circulação",
		Isolation:              "Isolamento",
		PhysicalSexualViolence: "Violência física e sexual",
		IntimidationThreats:    "Intimidação e ameaças",
		RetentionOfDocuments:   "Retenção de documentos de identidade",
		WithholdingOfWages:     "Retenção de salários",
		DebtBondage:            "Servidão por dívida",
		AbusiveConditions:      "Condições de trabalho e de vida abusivas",
		ExcessiveOvertime:      "Horas extras excessivas",
		ChildLabour:            "Trabalho infantil",
		LandRights:             "Terras tomadas ou despejo forçado",
		Environment:            "Danos ambientais (poluição, desmatamento)",
		Other:                  "Outro",
	},
	"zh-Hans": {
		AbuseOfVulnerability:   "利用弱势处境",
		Deception:              "欺骗",
		RestrictionOfMovement:  "限制行动自由",
		Isolation:              "孤立",
		PhysicalSexualViolence: "身体暴力和性暴力",
		IntimidationThreats:    "恐吓和威胁",
		RetentionOfDocuments:   "扣留身份证件",
		WithholdingOfWages:     "扣发工资",
		DebtBondage:            "债务奴役",
		AbusiveConditions:      "恶劣的劳动和生活条件",
		ExcessiveOvertime:      "过度加班",
		ChildLabour:            "童工",
		LandRights:             "土地被侵占或被迫搬离",
		Environment:            "环境损害（污染、毁林）",
		Other:                  "其他",
	},
	"ar": {
		AbuseOfVulnerability:   "استغلال حالة الضعف",
		Deception:              "الخداع",
		RestrictionOfMovement:  "تقييد حرية التنقل",
		Isolation:              "العزل",
		PhysicalSexualViolence: "العنف الجسدي والجنسي",
		IntimidationThreats:    "الترهيب والتهديد",
		RetentionOfDocuments:   "حجز وثائق الهوية",
		WithholdingOfWages:     "حجب الأجور",
		DebtBondage:            "عبودية الديون",
		AbusiveConditions:      "ظروف عمل ومعيشة مسيئة",
		ExcessiveOvertime:      "ساعات عمل إضافية مفرطة",
		ChildLabour:            "عمل الأطفال",
		LandRights:             "الاستيلاء على الأرض أو الإخلاء القسري",
		Environment:            "الإضرار بالبيئة (التلوث، إزالة الغابات)",
		Other:                  "أخرى",
	},
}

// stageLabels name the workflow stages for the reporter's follow-up page,
// in the words a reporter would use.
var stageLabels = map[string]map[Stage]string{
	"en": {
		StageReceived: "Received", StageAcknowledged: "Acknowledged", StageInvestigating: "Being investigated",
		StageRemediation: "Remedy in progress", StageClosed: "Closed",
	},
	"es": {
		StageReceived: "Recibida", StageAcknowledged: "Confirmada", StageInvestigating: "En investigación",
		StageRemediation: "Reparación en curso", StageClosed: "Cerrada",
	},
	"fr": {
		StageReceived: "Reçue", StageAcknowledged: "Prise en compte", StageInvestigating: "Enquête en cours",
		StageRemediation: "Réparation en cours", StageClosed: "Clôturée",
	},
	"pt": {
		StageReceived: "Recebida", StageAcknowledged: "Confirmada", StageInvestigating: "Em investigação",
		StageRemediation: "Reparação em andamento", StageClosed: "Encerrada",
	},
	"zh-Hans": {
		StageReceived: "已收到", StageAcknowledged: "已确认", StageInvestigating: "调查中",
		StageRemediation: "补救进行中", StageClosed: "已结案",
	},
	"ar": {
		StageReceived: "تم الاستلام", StageAcknowledged: "تم التأكيد", StageInvestigating: "قيد التحقيق",
		StageRemediation: "الإنصاف قيد التنفيذ", StageClosed: "مغلقة",
	},
}

// StageLabel returns the stage's name in the language (a tag from
// Languages), falling back to English, and to the code for unknown stages.
func StageLabel(s Stage, lang string) string {
	if l, ok := stageLabels[lang][s]; ok {
		return l
	}
	if l, ok := stageLabels["en"][s]; ok {
		return l
	}
	return string(s)
}
