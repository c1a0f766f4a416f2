package facilitymatch

import "context"

// Normalised exposes the normalised name words to the tests.
func Normalised(name string) []string {
	var out []string
	for _, t := range normaliseName(name).terms {
		out = append(out, t.text)
	}
	return out
}

// CandidateCount is how many pairs blocking proposes for records.
func CandidateCount(records []Record) int {
	prep := make([]prepared, len(records))
	for i, r := range records {
		prep[i] = prepare(r)
	}
	distrustSharedCoords(prep)
	b, err := block(context.Background(), prep)
	if err != nil {
		panic(err)
	}
	n := 0
	for s := range shards {
		b.candidates(s, 0, func(a, b int32) { n++ })
	}
	return n
}
