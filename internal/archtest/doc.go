// Package archtest enforces the dependency rule written in
// docs/ARCHITECTURE.md: its test reads every non-test Go file's imports and
// fails on any import the rule forbids.
package archtest
