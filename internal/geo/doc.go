// Package geo owns the world map built into Upstream: country shapes from
// Natural Earth (1:110m), decoded from TopoJSON and projected with the Equal
// Earth projection into SVG path data, keyed by ISO 3166 alpha-2 codes.
// Pages draw choropleths from it on the server, so maps work offline and
// without JavaScript.
package geo
