// Package country owns the ISO 3166-1 country table and the normalisation of
// the messy country names and codes found in real supplier files ("CIV",
// "Ivory Coast", "Côte d'Ivoire", "Korea, Republic of"). The table is
// embedded (see data/SOURCES.md) so the program needs no outside file.
package country
