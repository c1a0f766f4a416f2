-- The language each person reads the staff pages in: a catalog's language
-- code ("es"), or empty to follow the browser's Accept-Language.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
