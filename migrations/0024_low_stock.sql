ALTER TABLE `products` ADD `low_stock_threshold` integer;--> statement-breakpoint
ALTER TABLE `products` ADD `low_stock_alerted` integer DEFAULT false NOT NULL;