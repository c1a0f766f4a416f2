package facilitymatch

// Normalised exposes the normalised name words to the tests.
func Normalised(name string) []string {
	var out []string
	for _, t := range normaliseName(name).terms {
		out = append(out, t.text)
	}
	return out
}
