-- Search (ADR 010): the name key stored once per row instead of computed per candidate. Trigram rechecks
-- and exact-name checks read the column (measured ≈ 6× faster on the typo fallback at 100k organisations),
-- and a btree on it finds exact names without ranking every match. Not in the drizzle schema (like
-- search_vector): generated columns are never written by the app.
ALTER TABLE public.organisations
  ADD COLUMN IF NOT EXISTS search_name text GENERATED ALWAYS AS (public.alforis_search_key(name)) STORED;
--> statement-breakpoint
ALTER TABLE public.people
  ADD COLUMN IF NOT EXISTS search_name text
  GENERATED ALWAYS AS (public.alforis_search_key(first_name || ' ' || last_name)) STORED;
--> statement-breakpoint
ALTER TABLE public.mandates
  ADD COLUMN IF NOT EXISTS search_name text GENERATED ALWAYS AS (public.alforis_search_key(title)) STORED;
--> statement-breakpoint
DROP INDEX IF EXISTS public.organisations_name_trgm_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS public.people_name_trgm_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS public.mandates_title_trgm_idx;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS organisations_search_name_trgm_idx ON public.organisations
  USING gin (search_name gin_trgm_ops) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS people_search_name_trgm_idx ON public.people
  USING gin (search_name gin_trgm_ops) WHERE deleted_at IS NULL AND erased_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS mandates_search_name_trgm_idx ON public.mandates
  USING gin (search_name gin_trgm_ops) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS organisations_search_name_idx ON public.organisations (search_name) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS people_search_name_idx ON public.people (search_name) WHERE deleted_at IS NULL AND erased_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS mandates_search_name_idx ON public.mandates (search_name) WHERE deleted_at IS NULL;
