// Package commodity owns the canonical list of commodities Upstream reasons
// about (every good on the US Department of Labor's List of Goods Produced by
// Child Labor or Forced Labor, and the seven commodities of the EU
// Deforestation Regulation) and the normalisation of the names suppliers
// write for them ("cacao beans", "palm oil", "beef"). Unknown names are kept,
// flagged as unknown, never dropped.
package commodity
