-- Global search (ADR 010), hand-written: drizzle cannot express triggers, tsvector weights or expression
-- indexes with operator classes. The search_vector columns are deliberately not in the drizzle schema.

-- unaccent() is STABLE (its dictionary could change); pinning the dictionary makes it safe to declare
-- IMMUTABLE, which expression indexes require.
CREATE OR REPLACE FUNCTION public.alforis_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
--> statement-breakpoint
-- The comparison key of names for trigram matching and exact-name boosts: lower case, no accents,
-- punctuation folded to single spaces ("L'Oréal" → "l oreal").
CREATE OR REPLACE FUNCTION public.alforis_search_key(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT btrim(regexp_replace(lower(public.alforis_unaccent($1)), '[^[:alnum:]]+', ' ', 'g')) $$;
--> statement-breakpoint
-- A domain as one host token plus its labels without the TLD: "am.bnp-paribas.fr" → am.bnp-paribas.fr,
-- am, bnp-paribas, bnp, paribas.
CREATE OR REPLACE FUNCTION public.alforis_domain_vector(domain text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN coalesce(btrim(domain), '') = '' THEN ''::tsvector ELSE
      to_tsvector('public.alforis_simple', lower(btrim(domain)))
      || to_tsvector('public.alforis_simple',
           regexp_replace(regexp_replace(lower(btrim(domain)), '\.[^.]*$', ''), '[.]+', ' ', 'g'))
    END
  $$;
--> statement-breakpoint
-- An address as the email token, the words of its local part and its domain.
CREATE OR REPLACE FUNCTION public.alforis_email_vector(email text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN coalesce(btrim(email), '') = '' THEN ''::tsvector ELSE
      to_tsvector('public.alforis_simple', lower(btrim(email)))
      || to_tsvector('public.alforis_simple', regexp_replace(split_part(btrim(email), '@', 1), '[._+-]+', ' ', 'g'))
      || public.alforis_domain_vector(split_part(btrim(email), '@', 2))
    END
  $$;
--> statement-breakpoint
-- A phone number as its digits, plus the other French form (+33 1 23… ↔ 01 23…), so that any way of
-- typing it finds it. Shorter than 4 digits: nothing.
CREATE OR REPLACE FUNCTION public.alforis_phone_vector(phone text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN length(d) < 4 THEN ''::tsvector ELSE
      to_tsvector('public.alforis_simple', d || CASE
        WHEN d ~ '^33[1-9][0-9]{8}$' THEN ' 0' || substr(d, 3)
        WHEN d ~ '^0[1-9][0-9]{8}$' THEN ' 33' || substr(d, 2)
        ELSE '' END)
    END
    FROM (SELECT regexp_replace(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), '^00', '') AS d) AS digits
  $$;
--> statement-breakpoint
-- Weights: A names (not stemmed), B contact details, city, tags (not stemmed), C free text (French stems),
-- D the postal address.
CREATE OR REPLACE FUNCTION public.alforis_organisation_vector(o public.organisations) RETURNS tsvector
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT
      setweight(to_tsvector('public.alforis_simple', coalesce(o.name, ''))
        || to_tsvector('public.alforis_simple', coalesce(o.legal_name, '')), 'A')
      || setweight(public.alforis_email_vector(o.email)
        || public.alforis_domain_vector(o.website_domain)
        || to_tsvector('public.alforis_simple', coalesce(o.city, ''))
        || to_tsvector('public.alforis_simple', array_to_string(o.tags, ' '))
        || public.alforis_phone_vector(o.phone), 'B')
      || setweight(to_tsvector('public.alforis_french', coalesce(o.notes, '')), 'C')
      || setweight(to_tsvector('public.alforis_simple', coalesce(o.address, '')), 'D')
  $$;
--> statement-breakpoint
-- Both name orders, so the phrase "Dupont Jean" finds Jean Dupont as well as "Jean Dupont" does.
CREATE OR REPLACE FUNCTION public.alforis_person_vector(p public.people) RETURNS tsvector
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT
      setweight(to_tsvector('public.alforis_simple', coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, ''))
        || to_tsvector('public.alforis_simple', coalesce(p.last_name, '') || ' ' || coalesce(p.first_name, '')), 'A')
      || setweight(public.alforis_email_vector(p.work_email)
        || public.alforis_email_vector(p.personal_email)
        || public.alforis_phone_vector(p.work_phone)
        || public.alforis_phone_vector(p.mobile_phone)
        || to_tsvector('public.alforis_simple', coalesce(p.city, ''))
        || to_tsvector('public.alforis_simple', array_to_string(p.tags, ' ')), 'B')
      || setweight(to_tsvector('public.alforis_french', coalesce(p.job_title, ''))
        || to_tsvector('public.alforis_french', coalesce(p.notes, '')), 'C')
  $$;
--> statement-breakpoint
-- The number twice: as typed (M-2026-001) and split into its parts (m 2026 001), so "2026-001" finds it.
CREATE OR REPLACE FUNCTION public.alforis_mandate_vector(m public.mandates) RETURNS tsvector
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT
      setweight(to_tsvector('public.alforis_simple', coalesce(m.number, ''))
        || to_tsvector('public.alforis_simple', regexp_replace(coalesce(m.number, ''), '[^[:alnum:]]+', ' ', 'g'))
        || to_tsvector('public.alforis_simple', coalesce(m.title, '')), 'A')
      || setweight(to_tsvector('public.alforis_simple', array_to_string(m.products, ' ')), 'B')
      || setweight(to_tsvector('public.alforis_french', coalesce(m.fee_notes, '')), 'C')
  $$;
--> statement-breakpoint
-- The subject is an interaction's title (A, French: it is free text); the body is C.
CREATE OR REPLACE FUNCTION public.alforis_interaction_vector(i public.interactions) RETURNS tsvector
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT
      setweight(to_tsvector('public.alforis_french', coalesce(i.subject, '')), 'A')
      || setweight(to_tsvector('public.alforis_french', coalesce(i.body, '')), 'C')
  $$;
--> statement-breakpoint
ALTER TABLE public.organisations ADD COLUMN IF NOT EXISTS search_vector tsvector;
--> statement-breakpoint
ALTER TABLE public.people ADD COLUMN IF NOT EXISTS search_vector tsvector;
--> statement-breakpoint
ALTER TABLE public.mandates ADD COLUMN IF NOT EXISTS search_vector tsvector;
--> statement-breakpoint
ALTER TABLE public.interactions ADD COLUMN IF NOT EXISTS search_vector tsvector;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.alforis_organisations_search_trigger() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN NEW.search_vector := public.alforis_organisation_vector(NEW); RETURN NEW; END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.alforis_people_search_trigger() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN NEW.search_vector := public.alforis_person_vector(NEW); RETURN NEW; END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.alforis_mandates_search_trigger() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN NEW.search_vector := public.alforis_mandate_vector(NEW); RETURN NEW; END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.alforis_interactions_search_trigger() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN NEW.search_vector := public.alforis_interaction_vector(NEW); RETURN NEW; END $$;
--> statement-breakpoint
-- Only updates of indexed columns recompute the vector (soft deletes, version bumps and stage moves do not).
-- search_vector is listed too, so that an UPDATE … SET search_vector = NULL rebuilds it.
CREATE TRIGGER organisations_search_vector
  BEFORE INSERT OR UPDATE OF name, legal_name, email, website_domain, city, tags, phone, notes, address, search_vector
  ON public.organisations FOR EACH ROW EXECUTE FUNCTION public.alforis_organisations_search_trigger();
--> statement-breakpoint
CREATE TRIGGER people_search_vector
  BEFORE INSERT OR UPDATE OF first_name, last_name, work_email, personal_email, work_phone, mobile_phone, city, tags,
    job_title, notes, search_vector
  ON public.people FOR EACH ROW EXECUTE FUNCTION public.alforis_people_search_trigger();
--> statement-breakpoint
CREATE TRIGGER mandates_search_vector
  BEFORE INSERT OR UPDATE OF number, title, products, fee_notes, search_vector
  ON public.mandates FOR EACH ROW EXECUTE FUNCTION public.alforis_mandates_search_trigger();
--> statement-breakpoint
CREATE TRIGGER interactions_search_vector
  BEFORE INSERT OR UPDATE OF subject, body, search_vector
  ON public.interactions FOR EACH ROW EXECUTE FUNCTION public.alforis_interactions_search_trigger();
--> statement-breakpoint
-- Backfill through the triggers.
UPDATE public.organisations SET search_vector = NULL;
--> statement-breakpoint
UPDATE public.people SET search_vector = NULL;
--> statement-breakpoint
UPDATE public.mandates SET search_vector = NULL;
--> statement-breakpoint
UPDATE public.interactions SET search_vector = NULL;
--> statement-breakpoint
-- Search never looks in the bin, so the indexes leave it out (and erased people with it).
CREATE INDEX organisations_search_idx ON public.organisations USING gin (search_vector) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX people_search_idx ON public.people USING gin (search_vector)
  WHERE deleted_at IS NULL AND erased_at IS NULL;
--> statement-breakpoint
CREATE INDEX mandates_search_idx ON public.mandates USING gin (search_vector) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX interactions_search_idx ON public.interactions USING gin (search_vector) WHERE deleted_at IS NULL;
--> statement-breakpoint
-- Typo tolerance: trigrams of the name keys.
CREATE INDEX organisations_name_trgm_idx ON public.organisations
  USING gin (public.alforis_search_key(name) gin_trgm_ops) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX people_name_trgm_idx ON public.people
  USING gin (public.alforis_search_key(first_name || ' ' || last_name) gin_trgm_ops)
  WHERE deleted_at IS NULL AND erased_at IS NULL;
--> statement-breakpoint
CREATE INDEX mandates_title_trgm_idx ON public.mandates
  USING gin (public.alforis_search_key(title) gin_trgm_ops) WHERE deleted_at IS NULL;
