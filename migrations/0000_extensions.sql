-- Extensions and text-search configurations used by search (hand-written: drizzle cannot express them).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
-- Free text: French stemming, accent-insensitive ("Société Générale" matches "societe generale").
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'alforis_french') THEN
    CREATE TEXT SEARCH CONFIGURATION alforis_french (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION alforis_french
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END $$;
--> statement-breakpoint
-- Names: accent-insensitive but not stemmed ("Martin" must not match "martine").
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'alforis_simple') THEN
    CREATE TEXT SEARCH CONFIGURATION alforis_simple (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION alforis_simple
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
  END IF;
END $$;
