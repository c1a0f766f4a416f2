// Package kernel is the small shared vocabulary every other package may use:
// categorised errors, identifiers, the clock, paging, and reading outside
// JSON strictly. It imports nothing of
// Upstream and nothing of storage or transport, so any package can depend on it.
package kernel
