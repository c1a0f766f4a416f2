// Package audit owns the append-only, hash-chained audit log: who did what
// to which object, and when. Each organisation has its own chain; each entry
// carries the hash of the one before, so a changed, removed or reordered
// entry breaks the chain at a point Verify names. Checkpoints (the sequence
// number and hash of the newest entry) kept outside the database also catch
// entries cut from the end.
//
// Entries hold identifiers and codes only, never report content, names or
// contact details. The package defines the store interface a SQL adapter
// implements and must not import storage or transport packages.
package audit
