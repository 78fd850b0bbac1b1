-- Framing (issue 14): what the request asked for (NULL: the model's default), how the result is composed,
-- and, once done, the box the worker took, JSON [x, y, width, height] in the upright photo's pixels.
ALTER TABLE jobs ADD COLUMN framing TEXT;
ALTER TABLE jobs ADD COLUMN compose TEXT NOT NULL DEFAULT 'crop';
ALTER TABLE jobs ADD COLUMN framing_box TEXT;
