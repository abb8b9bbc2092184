ALTER TABLE `refund_requests` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `refund_requests` ADD `note` text;--> statement-breakpoint
ALTER TABLE `refund_requests` ADD `restock` text;--> statement-breakpoint
ALTER TABLE `refund_requests` ADD `restocked` integer DEFAULT false NOT NULL;