// Package ingest owns the streaming importers of supply-chain files: the
// Upstream supplier CSV, Open Supply Hub facility lists, and GS1 EPCIS 2.0
// documents in JSON/JSON-LD and XML. It detects the format from the content,
// reads the input once without holding it in memory, turns it into
// supplychain parties and links sent to a Sink, and reports every bad row
// with file, line, column and reason.
//
// Country, commodity and sector normalisation are passed in as functions
// (Options), so this package depends only on the supply-chain model.
package ingest
