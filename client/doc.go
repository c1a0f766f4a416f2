// Package client is a Go client of the Upstream API, generated from the
// OpenAPI 3.1 document the server draws from its route table
// (docs/openapi.json) by oapi-codegen, pinned as a tool in go.mod.
//
// Regenerate it after the document changes with
//
//	go generate ./client
//
// TestClientIsCurrent fails while the generated code differs from what the
// document gives, and the smoke test in internal/web drives a running
// server with it.
//
// Make a client with an API token from the account page:
//
//	c, err := client.NewClientWithResponses("https://upstream.example",
//		client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
//			r.Header.Set("Authorization", "Bearer "+token)
//			return nil
//		}))
//
// Each operation of the document is a method named after its operationId
// (GetSuppliers, PostSuppliersImportWithBody, GetJobsById...); the
// ...WithResponse methods decode the answer, including problem details.
package client

//go:generate go tool oapi-codegen -config oapi-codegen.yaml ../docs/openapi.json
