package web

import (
	"html/template"
	"slices"
)

// authoredText is what people wrote (a survey's question in the languages
// its authors gave) as a staff page shows it: in the reader's language
// when the authors gave that, else in one they gave (English first),
// marked with its language, so that screen readers pronounce it right and
// nobody takes it for a page left untranslated.
type authoredText struct {
	Text string
	Lang string // "" when the text is in the page's language
}

// authoredIn picks from text, by language code, the version for l.
func authoredIn(l *locale, text map[string]string) authoredText {
	if s := text[l.Code]; s != "" {
		return authoredText{Text: s}
	}
	if s := text["en"]; s != "" {
		return authoredText{Text: s, Lang: "en"}
	}
	langs := make([]string, 0, len(text))
	for k, v := range text {
		if v != "" {
			langs = append(langs, k)
		}
	}
	if len(langs) == 0 {
		return authoredText{}
	}
	slices.Sort(langs)
	return authoredText{Text: text[langs[0]], Lang: langs[0]}
}

// HTML is the text for a page: escaped, and in a span that carries its
// language when that is not the page's.
func (a authoredText) HTML() template.HTML {
	if a.Lang == "" {
		return template.HTML(template.HTMLEscapeString(a.Text))
	}
	return template.HTML(`<span lang="` + template.HTMLEscapeString(a.Lang) + `" dir="auto">` + template.HTMLEscapeString(a.Text) + `</span>`)
}
