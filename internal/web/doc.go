// Package web is the HTTP adapter: the route table, middleware (security
// headers, cross-origin protection, request IDs, access logs, metrics),
// staff sign-in, server-rendered pages and the JSON API under /api/v1.
//
// Every route is listed once in routes.go with the permission it needs;
// authorisation is decided there through account.Allowed, never inside
// handlers.
package web
