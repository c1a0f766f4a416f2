// Package screening owns watchlists and the matching of names against them:
// loaders for the published list formats (OFAC SDN and non-SDN CSV files,
// FollowTheMoney entity JSON lines, the DHS UFLPA Entity List, the CBP
// Withhold Release Orders and Findings list, and a simple CSV), the built-in
// default lists, multilingual name normalisation, a candidate index with an
// explainable scorer, and the domain types of the hit review queue.
//
// It is a capability package: it must not import database/sql, net/http, a
// database driver or any adapter. Review decisions are persisted through the
// ReviewStore interface, which a SQL adapter implements.
package screening
