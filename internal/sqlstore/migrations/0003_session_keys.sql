-- A session may carry the user's private key material, sealed under a key
-- derived from the session token (base64 text, portable across engines).
ALTER TABLE sessions ADD COLUMN sealed_key TEXT NOT NULL DEFAULT '';
