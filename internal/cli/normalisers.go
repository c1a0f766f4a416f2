package cli

import (
	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/ingest"
)

// ingestOptions wires the country and commodity normalisers into the
// importers, which take them as functions so that package ingest depends on
// the supply-chain model only.
func ingestOptions(name string, skipBadRows bool) ingest.Options {
	return ingest.Options{
		Name:        name,
		Country:     normaliseCountry,
		Commodity:   normaliseCommodity,
		Sector:      sectorCommodities,
		SkipBadRows: skipBadRows,
	}
}

// normaliseCountry resolves a code or English name to ISO 3166 alpha-2;
// its error already names the closest known country.
func normaliseCountry(raw string) (string, error) {
	c, err := country.Lookup(raw)
	if err != nil {
		return "", err
	}
	return c.Alpha2, nil
}

// normaliseCommodity returns the canonical id, or for an unknown name the
// id derived from it and known=false, so the name is kept and flagged.
func normaliseCommodity(raw string) (string, bool) {
	c, known := commodity.Normalize(raw)
	return c.ID, known
}

// sectorCommodities maps an Open Supply Hub sector to the goods its
// facilities produce.
func sectorCommodities(sector string) []string {
	cs := commodity.ForSector(sector)
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}
