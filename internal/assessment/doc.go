// Package assessment is the supply-chain risk pipeline: it reads supplier
// files into a compact chain, screens party names against watchlists (hits
// become risk signals), scores every party, infers tiers, propagates
// exposure up the chain, and explains each score as register rows.
//
// `upstream assess` runs it on files alone (no database); `upstream import`
// and the web upload run it through Service, which stores the files and
// recomputes the organisation's stored risk.
//
// It holds no storage or transport: what it needs of the database is the
// Store interface, of the screening engine the Screener interface, and of
// country and commodity names the Normalisers. It must not import
// database/sql, net/http or any adapter.
package assessment
