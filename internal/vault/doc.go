// Package vault owns envelope encryption for sensitive grievance data: the
// random data key of each report, field sealing with XChaCha20-Poly1305 bound
// to "table:column:id", wrapping of data keys to X25519 recipients (case
// handlers and the organisation recovery key) and to a key stretched from the
// reporter's receipt, and the password-locked storage of handlers' private
// keys. It also keys the hash that stands in for a messaging sender's phone
// number, so conversations thread without the number being stored.
//
// Every blob it produces starts with a format version byte so parameters and
// algorithms can change without breaking stored data. The package holds no
// keys of its own and no global state: callers pass parameters and a source
// of randomness to New, and store the blobs wherever they like.
//
// It must not import storage or transport packages.
package vault
