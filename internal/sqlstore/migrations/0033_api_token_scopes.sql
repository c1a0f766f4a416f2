-- API tokens carry scopes (space-separated "area:read" / "area:write") and
-- an optional expiry. Tokens made before scopes existed acted with their
-- user's whole role; they keep every scope, which the role still bounds at
-- each request, so no integration stops working on upgrade.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET scopes = 'suppliers:write screening:write cases:write impact:write alerts:write reports:read users:write settings:write';
