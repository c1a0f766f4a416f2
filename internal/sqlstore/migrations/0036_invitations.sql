-- Invitations: an admin offers an account to an e-mail address, and the
-- person completes it through a single-use link, choosing their own
-- password. Only the hash of the link's secret is kept.
CREATE TABLE invitations (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	email TEXT NOT NULL,
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	invited_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	used_at TIMESTAMP
);
CREATE INDEX invitations_org ON invitations (org_id, email);
