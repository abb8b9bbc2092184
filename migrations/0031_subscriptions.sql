CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`subscription_id` text NOT NULL,
	`status` text NOT NULL,
	`amount_paid` integer DEFAULT 0 NOT NULL,
	`amount_due` integer DEFAULT 0 NOT NULL,
	`currency` text NOT NULL,
	`hosted_invoice_url` text,
	`billing_reason` text,
	`period_start` integer,
	`period_end` integer,
	`paid_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `invoices_subscription_idx` ON `invoices` (`subscription_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `subscription_claims` (
	`customer_id` text NOT NULL,
	`product_id` text NOT NULL,
	`claim_id` text NOT NULL,
	`session_id` text,
	`url` text,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`customer_id`, `product_id`)
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`product_id` text NOT NULL,
	`status` text NOT NULL,
	`quantity` integer DEFAULT 1 NOT NULL,
	`unit_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`interval` text NOT NULL,
	`current_period_end` integer,
	`cancel_at_period_end` integer DEFAULT false NOT NULL,
	`canceled_at` integer,
	`ended_at` integer,
	`latest_invoice_id` text,
	`shipping_name` text,
	`shipping_line1` text,
	`shipping_line2` text,
	`shipping_city` text,
	`shipping_postal_code` text,
	`shipping_state` text,
	`shipping_country` text,
	`shipping_phone` text,
	`origin` text,
	`synced_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "subscriptions_status_check" CHECK(status in ('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'unpaid', 'canceled', 'paused'))
);
--> statement-breakpoint
CREATE INDEX `subscriptions_customer_idx` ON `subscriptions` (`customer_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_status_idx` ON `subscriptions` (`status`,`synced_at`);--> statement-breakpoint
ALTER TABLE `orders` ADD `subscription_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `invoice_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `orders_invoice_unique` ON `orders` (`invoice_id`);--> statement-breakpoint
CREATE INDEX `orders_subscription_idx` ON `orders` (`subscription_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `products` ADD `recurring_interval` text;