// Package web is the HTTP adapter: the route table, middleware (security
// headers, cross-origin protection, request IDs, access logs, metrics),
// staff sign-in, server-rendered pages and the JSON API under /api/v1.
//
// Handlers come in one set per capability (supply chain, screening,
// grievance intake, cases, impact, alerts, reports and scorecards,
// accounts and administration, the dashboard, operations), each a small
// type in handler_sets.go holding the shared base (rendering, errors, log,
// clock) and only the dependencies it calls. New checks that every
// capability that is on has all it needs; one that is off (its service
// absent from Deps) is logged at start and its routes answer "not
// available" (features.go).
//
// Every route is listed once in routes.go with the permission it needs;
// authorisation is decided there through account.Allowed, never inside
// handlers.
package web
