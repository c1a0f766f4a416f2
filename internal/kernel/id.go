package kernel

import "github.com/google/uuid"

// NewID returns a new time-ordered identifier (UUIDv7 text), generated in Go
// so that both SQL engines store the same portable key.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// ValidID reports whether s looks like an identifier made by NewID.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// NewRandomID returns an identifier with no time in it (UUIDv4). Rows that
// describe a reporter's actions use it, so a copy of the database does not
// reveal when someone submitted or wrote.
func NewRandomID() string {
	return uuid.Must(uuid.NewRandom()).String()
}
