CREATE TABLE `shop_identity` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`contact_email` text,
	`legal_name` text,
	`legal_address` text,
	`accent_color` text,
	`prices_include_tax` integer DEFAULT false NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "shop_identity_one_row" CHECK("shop_identity"."id" = 1)
);
