-- An import marks its organisation in risk_recompute in the same
-- transaction as its rows; the recompute removes the mark once it has
-- stored the new scores, unless another import changed it meanwhile
-- (pending counts the imports). A server killed between the two finds the
-- mark at its next start, like the marks a migration leaves.
ALTER TABLE risk_recompute ADD COLUMN pending BIGINT NOT NULL DEFAULT 1;
