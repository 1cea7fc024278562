-- Failed logins counted per username and client address (a lock keeps out that address only). Old counts are dropped:
-- they knew no address, and a lock of at most LOGIN_LOCK_MINUTES is all they held.
DELETE FROM "login_failures";--> statement-breakpoint
ALTER TABLE "login_failures" DROP CONSTRAINT "login_failures_pkey";--> statement-breakpoint
ALTER TABLE "login_failures" ADD COLUMN "address" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "login_failures" ADD CONSTRAINT "login_failures_username_address_pk" PRIMARY KEY("username","address");
