// Package cli is the command line and the composition root: it parses
// arguments and UPSTREAM_* environment variables, opens the store, and wires
// capability services into the HTTP server and batch commands. It is the only
// package allowed to import several adapters.
package cli
