// Package eudr owns due diligence under the EU Deforestation Regulation
// (Regulation (EU) 2023/1115 as amended by Regulation (EU) 2025/2650): plots
// of land and their geolocation, the checks a geolocation must pass before it
// can go into a due diligence statement, deforestation and legality evidence
// per plot, the risk assessment of a commodity lot (Article 10) with its
// mitigation (Article 11) and the simplified path for low-risk origins
// (Article 13), and the statement itself (Article 4(2) and Annex II) in the
// form the EU Information System takes.
//
// Readers of plot files (GeoJSON, CSV with latitude/longitude or WKT) keep
// the number of decimals each coordinate was written with, because the
// Regulation asks for at least six (Article 2(28)). Country borders come from
// package geo. The package imports no storage or transport: adapters persist
// plots, evidence, assessments and statements through the Store interface
// here, and docs/eudr.md explains the workflow and the articles behind each
// rule.
package eudr
