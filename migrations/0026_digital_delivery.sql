CREATE TABLE `downloads` (
	`token` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`order_item_id` integer NOT NULL,
	`product_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `downloads_order_idx` ON `downloads` (`order_id`);--> statement-breakpoint
ALTER TABLE `products` ADD `file` text;