package kernel

import "strconv"

// SpreadsheetCell keeps a spreadsheet program from running a CSV cell as a
// formula (OWASP "CSV injection"): a cell that starts with = + - @, a tab
// or a carriage return gets a leading apostrophe, unless it is a plain
// number such as -3.5. Every CSV that a person may open in a spreadsheet
// goes through it: the web exports and the command line's outputs.
func SpreadsheetCell(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return v
		}
		return "'" + v
	}
	return v
}
