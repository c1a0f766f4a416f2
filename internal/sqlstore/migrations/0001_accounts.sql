-- Organisations (tenants), staff users, sessions and API tokens.
CREATE TABLE orgs (
	id TEXT PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	disabled BOOLEAN NOT NULL DEFAULT FALSE,
	totp_secret TEXT NOT NULL DEFAULT '',
	totp_pending TEXT NOT NULL DEFAULT '',
	totp_last_step BIGINT NOT NULL DEFAULT 0,
	recovery_hashes TEXT NOT NULL DEFAULT '',
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until TIMESTAMP,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	last_seen TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (org_id, user_id);

CREATE TABLE api_tokens (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP,
	revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (org_id, user_id);
