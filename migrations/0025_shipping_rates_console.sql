CREATE TABLE `shipping_rate_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rate_id` text NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`changes` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `shipping_rate_changes_rate_idx` ON `shipping_rate_changes` (`rate_id`,`id`);--> statement-breakpoint
ALTER TABLE `shipping_rates` ADD `free_above` integer;