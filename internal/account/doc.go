// Package account owns organisations (the tenants), users and their roles,
// the authorisation policy, password hashing (argon2id), TOTP second factors
// with recovery codes, API tokens, staff sessions and login throttling.
//
// It defines the Store it needs and imports no storage or transport.
package account
