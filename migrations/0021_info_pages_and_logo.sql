CREATE TABLE `info_pages` (
	`slug` text PRIMARY KEY NOT NULL,
	`en` text DEFAULT '' NOT NULL,
	`fr` text DEFAULT '' NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "info_pages_slug_check" CHECK(slug in ('terms', 'returns', 'privacy', 'legal', 'contact'))
);
--> statement-breakpoint
ALTER TABLE `shop_identity` ADD `logo_url` text;