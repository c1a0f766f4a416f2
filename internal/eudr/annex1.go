package eudr

import "strings"

// AnnexISource names the text the Annex I table follows, for pages and
// reports that show it.
//
// Source: Regulation (EU) 2023/1115 of the European Parliament and of the
// Council of 31 May 2023, Annex I (OJ L 150, 9.6.2023, p. 206), as amended
// by Regulation (EU) 2025/2650 of 19 December 2025 (OJ L, 2025/2650,
// 23.12.2025), which took the printed products of Chapter 49 (books,
// newspapers, pictures and other products of the printing industry) out of
// the Annex. Codes are those of the Combined Nomenclature (Annex I to
// Council Regulation (EEC) No 2658/87). Checked on 6 December 2026; a
// Commission delegated act changing Annex I further is described by
// secondary sources, but its text was not available to check against, so
// it is not applied here.
const AnnexISource = "Regulation (EU) 2023/1115, Annex I (OJ L 150, 9.6.2023), as amended by Regulation (EU) 2025/2650 of 19 December 2025 (Chapter 49 removed)"

// AnnexIEntry is one line of Annex I: the commodity, the CN heading or
// subheading (digits only), whether it is an "ex" entry (only the goods the
// description names are in scope, not the whole code), and what it covers,
// in short.
type AnnexIEntry struct {
	Commodity   string
	Code        string
	Ex          bool
	Description string
}

// annexI is Annex I, in the order of the Annex. The descriptions are short
// paraphrases; the Annex's own wording, with its exceptions (bamboo-based
// and recovered products, packaging used only to support, protect or
// carry another product), decides.
var annexI = []AnnexIEntry{
	{"cattle", "010221", true, "Live cattle, pure-bred breeding animals"},
	{"cattle", "010229", true, "Live cattle, other"},
	{"cattle", "0201", true, "Meat of cattle, fresh or chilled"},
	{"cattle", "0202", true, "Meat of cattle, frozen"},
	{"cattle", "020610", true, "Edible offal of cattle, fresh or chilled"},
	{"cattle", "020622", true, "Edible cattle livers, frozen"},
	{"cattle", "020629", true, "Edible cattle offal other than tongues and livers, frozen"},
	{"cattle", "160250", true, "Other prepared or preserved meat, meat offal or blood, of cattle"},
	{"cattle", "4101", true, "Raw hides and skins of cattle"},
	{"cattle", "4104", true, "Tanned or crust hides and skins of cattle, without hair on"},
	{"cattle", "4107", true, "Leather of cattle, further prepared after tanning or crusting"},

	{"cocoa", "1801", false, "Cocoa beans, whole or broken, raw or roasted"},
	{"cocoa", "1802", false, "Cocoa shells, husks, skins and other cocoa waste"},
	{"cocoa", "1803", false, "Cocoa paste, whether or not defatted"},
	{"cocoa", "1804", false, "Cocoa butter, fat and oil"},
	{"cocoa", "1805", false, "Cocoa powder, not containing added sugar or other sweetening matter"},
	{"cocoa", "1806", false, "Chocolate and other food preparations containing cocoa"},

	{"coffee", "0901", false, "Coffee, whether or not roasted or decaffeinated; coffee husks and skins; coffee substitutes containing coffee"},

	{"oil_palm", "120710", false, "Palm nuts and kernels"},
	{"oil_palm", "1511", false, "Palm oil and its fractions, not chemically modified"},
	{"oil_palm", "151321", false, "Crude palm kernel and babassu oil and their fractions"},
	{"oil_palm", "151329", false, "Palm kernel and babassu oil and their fractions, other than crude"},
	{"oil_palm", "230660", false, "Oilcake and other solid residues of palm nuts or kernels"},
	{"oil_palm", "290545", true, "Glycerol, of a purity of 95 % or more"},
	{"oil_palm", "291570", false, "Palmitic acid, stearic acid, their salts and esters"},
	{"oil_palm", "291590", false, "Saturated acyclic monocarboxylic acids and their derivatives, other"},
	{"oil_palm", "382311", false, "Stearic acid, industrial"},
	{"oil_palm", "382312", false, "Oleic acid, industrial"},
	{"oil_palm", "382319", false, "Other industrial monocarboxylic fatty acids; acid oils from refining"},
	{"oil_palm", "382370", false, "Industrial fatty alcohols"},

	{"rubber", "4001", false, "Natural rubber, balata, gutta-percha, guayule, chicle and similar natural gums"},
	{"rubber", "4005", true, "Compounded rubber, unvulcanised"},
	{"rubber", "4006", true, "Other forms and articles of unvulcanised rubber"},
	{"rubber", "4007", true, "Vulcanised rubber thread and cord"},
	{"rubber", "4008", true, "Plates, sheets, strip, rods and profile shapes of vulcanised rubber other than hard rubber"},
	{"rubber", "4010", true, "Conveyor or transmission belts or belting, of vulcanised rubber"},
	{"rubber", "4011", true, "New pneumatic tyres, of rubber"},
	{"rubber", "4012", true, "Retreaded or used pneumatic tyres, solid or cushion tyres, tyre treads and flaps, of rubber"},
	{"rubber", "4013", true, "Inner tubes, of rubber"},
	{"rubber", "4015", true, "Articles of apparel and clothing accessories, of vulcanised rubber other than hard rubber"},
	{"rubber", "4016", true, "Other articles of vulcanised rubber other than hard rubber"},
	{"rubber", "4017", true, "Hard rubber in all forms, and articles of hard rubber"},

	{"soya", "1201", false, "Soya beans, whether or not broken"},
	{"soya", "120810", false, "Soya bean flour and meal"},
	{"soya", "1507", false, "Soya-bean oil and its fractions, not chemically modified"},
	{"soya", "2304", false, "Oilcake and other solid residues from the extraction of soya-bean oil"},

	{"wood", "4401", false, "Fuel wood; wood in chips or particles; sawdust and wood waste"},
	{"wood", "4402", false, "Wood charcoal"},
	{"wood", "4403", false, "Wood in the rough"},
	{"wood", "4404", false, "Hoopwood, split poles, piles, pickets and stakes, and similar"},
	{"wood", "4405", false, "Wood wool; wood flour"},
	{"wood", "4406", false, "Railway or tramway sleepers of wood"},
	{"wood", "4407", false, "Wood sawn or chipped lengthwise, sliced or peeled, thicker than 6 mm"},
	{"wood", "4408", false, "Sheets for veneering and plywood, not thicker than 6 mm"},
	{"wood", "4409", false, "Wood continuously shaped along any of its edges, ends or faces"},
	{"wood", "4410", false, "Particle board, oriented strand board and similar board of wood"},
	{"wood", "4411", false, "Fibreboard of wood or other ligneous materials"},
	{"wood", "4412", false, "Plywood, veneered panels and similar laminated wood"},
	{"wood", "4413", false, "Densified wood"},
	{"wood", "4414", false, "Wooden frames for paintings, photographs, mirrors or similar objects"},
	{"wood", "4415", false, "Packing cases, boxes, crates, drums and pallets of wood, except packing used only to support, protect or carry another product"},
	{"wood", "4416", false, "Casks, barrels, vats, tubs and other coopers' products of wood"},
	{"wood", "4417", false, "Tools, tool bodies and handles, broom or brush bodies and handles, and boot or shoe lasts and trees, of wood"},
	{"wood", "4418", false, "Builders' joinery and carpentry of wood"},
	{"wood", "4419", false, "Tableware and kitchenware, of wood"},
	{"wood", "4420", false, "Wood marquetry and inlaid wood; caskets and cases; statuettes and other ornaments, of wood"},
	{"wood", "4421", false, "Other articles of wood"},
	{"wood", "47", false, "Pulp of wood or of other fibrous cellulosic material, except bamboo-based and recovered (waste and scrap) products"},
	{"wood", "48", false, "Paper and paperboard and articles of them, except bamboo-based and recovered (waste and scrap) products"},
	{"wood", "9401", true, "Seats other than those of heading 9402, and parts, of wood"},
	{"wood", "940330", false, "Wooden furniture of a kind used in offices"},
	{"wood", "940340", false, "Wooden furniture of a kind used in the kitchen"},
	{"wood", "940350", false, "Wooden furniture of a kind used in the bedroom"},
	{"wood", "940360", false, "Other wooden furniture"},
	{"wood", "940391", false, "Parts of furniture, of wood"},
	{"wood", "940610", false, "Prefabricated buildings of wood"},
}

// AnnexI returns every line of Annex I, in the Annex's order.
func AnnexI() []AnnexIEntry { return append([]AnnexIEntry(nil), annexI...) }

// AnnexIEntryFor returns the line of Annex I a code falls under for the
// commodity. A code shorter than the line's (a heading of which only
// subheadings are listed) matches it too: part of what it covers is in
// scope. ok is false when no line covers the code.
func AnnexIEntryFor(commodityID, code string) (AnnexIEntry, bool) {
	for _, e := range annexI {
		if e.Commodity != commodityID {
			continue
		}
		if strings.HasPrefix(code, e.Code) || (len(code) < len(e.Code) && strings.HasPrefix(e.Code, code)) {
			return e, true
		}
	}
	return AnnexIEntry{}, false
}

// InAnnexI reports whether an HS code falls under a line of Annex I for
// the commodity (see AnnexIEntryFor). "ex" lines make the answer an upper
// bound: the goods must also be those the line describes.
func InAnnexI(commodityID, code string) bool {
	_, ok := AnnexIEntryFor(commodityID, code)
	return ok
}
