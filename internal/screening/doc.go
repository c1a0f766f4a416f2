// Package screening owns watchlists and the matching of names against them:
// loaders for the published list formats (OFAC SDN and non-SDN CSV files,
// FollowTheMoney entity JSON lines, the DHS UFLPA Entity List, the CBP
// Withhold Release Orders and Findings list, and a simple CSV), the built-in
// default lists and their replacement by newer downloads, multilingual name
// normalisation, a candidate index with an explainable scorer, and the hit
// review queue: its items and decisions, the ReviewService that files
// screenings, keeps decisions through re-screenings, audits every decision
// and turns confirmed and pending hits into risk signals.
//
// It is a capability package: it must not import database/sql, net/http, a
// database driver or any adapter. The queue is persisted through the
// ReviewStore interface, which a SQL adapter implements. The method and the
// measured figures are in docs/screening.md and docs/performance.md.
package screening
