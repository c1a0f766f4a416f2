// Package supplychain owns the supply-chain model: parties (companies,
// facilities, farms, cooperatives, traders), supply links between them with
// commodity and volume share, the validation rules for both (coordinates,
// shares, LEI and GLN check digits), stable content-derived identifiers, the
// in-memory supply graph with tier inference and cycle detection, and the
// narrow Store interface a SQL adapter implements.
//
// It imports no storage or transport: importers (package ingest) produce
// parties and links, adapters persist them, and both follow the rules here.
package supplychain
