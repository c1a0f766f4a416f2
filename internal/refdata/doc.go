// Package refdata owns the reference datasets built into Upstream for risk
// mapping: the US Department of Labor (ILAB) List of Goods Produced by Child
// Labor or Forced Labor and its child-labour country findings, the Global
// Slavery Index prevalence estimates (Walk Free, Global Slavery Index 2023),
// the EU Deforestation Regulation country benchmark and commodity list. Each
// dataset carries its source, edition, licence and the SHA-256 of the bytes
// loaded (see data/SOURCES.md). A Set holds one loaded copy; an operator can
// replace any dataset from a file, which is validated in full first.
package refdata
