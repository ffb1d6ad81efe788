-- Search (ADR 010): the names part (weight A) of each search vector as its own column and GIN index.
-- Autocomplete and the "found in names" tier match it directly: a short prefix ("mo") scans only name
-- lexemes instead of every email, city and note word starting with it, and needs no weight recheck.
-- Generated from search_vector (filled by the BEFORE triggers of 0005, which run first).
ALTER TABLE public.organisations ADD COLUMN IF NOT EXISTS search_names tsvector
  GENERATED ALWAYS AS (ts_filter(search_vector, '{a}')) STORED;
--> statement-breakpoint
ALTER TABLE public.people ADD COLUMN IF NOT EXISTS search_names tsvector
  GENERATED ALWAYS AS (ts_filter(search_vector, '{a}')) STORED;
--> statement-breakpoint
ALTER TABLE public.mandates ADD COLUMN IF NOT EXISTS search_names tsvector
  GENERATED ALWAYS AS (ts_filter(search_vector, '{a}')) STORED;
--> statement-breakpoint
ALTER TABLE public.interactions ADD COLUMN IF NOT EXISTS search_names tsvector
  GENERATED ALWAYS AS (ts_filter(search_vector, '{a}')) STORED;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS organisations_search_names_idx ON public.organisations
  USING gin (search_names) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS people_search_names_idx ON public.people
  USING gin (search_names) WHERE deleted_at IS NULL AND erased_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS mandates_search_names_idx ON public.mandates
  USING gin (search_names) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS interactions_search_names_idx ON public.interactions
  USING gin (search_names) WHERE deleted_at IS NULL;
