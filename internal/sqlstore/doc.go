// Package sqlstore is the storage adapter: one SQL store for SQLite (the
// embedded default, through modernc.org/sqlite) and PostgreSQL (through pgx).
// It owns the connection set-up, the embedded numbered migrations and the
// repositories that implement the capability packages' Store interfaces.
//
// Queries are written once in portable SQL with $n placeholders, which both
// drivers bind by number. Business rules do not live here.
package sqlstore
