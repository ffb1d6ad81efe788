CREATE TABLE "dead_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"queue" text NOT NULL,
	"message_id" text NOT NULL,
	"body" jsonb NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone,
	CONSTRAINT "dead_letters_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "job_heartbeats" (
	"source" text PRIMARY KEY NOT NULL,
	"last_scheduled_at" timestamp with time zone NOT NULL,
	"last_processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"runs" integer DEFAULT 1 NOT NULL
);
