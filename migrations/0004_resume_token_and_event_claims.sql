ALTER TABLE `orders` ADD `resume_token` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `claimed_at` integer;