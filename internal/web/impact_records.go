package web

import "github.com/upstream-platform/upstream/internal/impact"

// ImpactRecords is what the impact pages need from the impact store beyond
// impact.Store: the list of programmes and the survivor-level records kept
// under consent. The SQL store's impact repository provides both.
type ImpactRecords interface {
	impact.Catalogue
	impact.SurvivorStore
}
