-- Stock: units still available to new checkouts (null: unlimited). Never below zero, so a
-- reservation that would oversell fails its whole batch rather than write an order.
ALTER TABLE `products` ADD `stock` integer CHECK (`stock` is null or `stock` >= 0);--> statement-breakpoint
-- What each order line took from stock at checkout (0 when the product was unlimited): what
-- its release gives back. Orders placed before stock existed reserved nothing.
ALTER TABLE `order_items` ADD `reserved` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE TABLE `catalog_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`product_id` text NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`changes` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `catalog_changes_product_idx` ON `catalog_changes` (`product_id`,`id`);
-- (The demo product inserted here lives in seeds/demo.sql.)
