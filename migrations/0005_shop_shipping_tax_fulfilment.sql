-- Shipping, tax, promotion codes and fulfilment (physical goods). Orders gain `subtotal`
-- (existing orders: their amount), Stripe's totals, the shipping details, the payment
-- method and the fulfilment; the status check gains `fulfilled`.
CREATE TABLE `shipping_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`display_name` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`min_days` integer,
	`max_days` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "shipping_rates_amount_check" CHECK("shipping_rates"."amount" >= 0)
);
--> statement-breakpoint
CREATE INDEX `shipping_rates_currency_idx` ON `shipping_rates` (`currency`,`active`,`amount`);--> statement-breakpoint
-- D1 enforces foreign keys: order_items and order_transitions point at orders while it is
-- rebuilt (SQLite cannot change a CHECK in place), so their check waits for the end.
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `__new_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`subtotal` integer NOT NULL,
	`amount_discount` integer DEFAULT 0 NOT NULL,
	`amount_shipping` integer DEFAULT 0 NOT NULL,
	`amount_tax` integer DEFAULT 0 NOT NULL,
	`shipping_name` text,
	`shipping_line1` text,
	`shipping_line2` text,
	`shipping_city` text,
	`shipping_postal_code` text,
	`shipping_state` text,
	`shipping_country` text,
	`shipping_phone` text,
	`shipping_rate_name` text,
	`payment_brand` text,
	`payment_last4` text,
	`receipt_url` text,
	`fulfillment_carrier` text,
	`fulfillment_tracking_number` text,
	`fulfillment_tracking_url` text,
	`fulfilled_at` integer,
	`items_key` text NOT NULL,
	`resume_token` text,
	`stripe_checkout_session_id` text,
	`stripe_payment_intent_id` text,
	`checkout_url` text,
	`checkout_expires_at` integer,
	`customer_email` text,
	`failure_code` text,
	`failure_message` text,
	`amount_refunded` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`last_fact_at` integer,
	`reconciled_at` integer,
	`refund_check_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`paid_at` integer,
	CONSTRAINT "orders_status_check" CHECK(status in ('pending', 'processing', 'paid', 'failed', 'expired', 'canceled', 'refunded', 'fulfilled')),
	CONSTRAINT "orders_amount_check" CHECK("__new_orders"."amount" >= 0 and "__new_orders"."subtotal" > 0 and "__new_orders"."amount_refunded" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_orders`("id", "status", "amount", "currency", "subtotal", "amount_discount", "amount_shipping", "amount_tax", "shipping_name", "shipping_line1", "shipping_line2", "shipping_city", "shipping_postal_code", "shipping_state", "shipping_country", "shipping_phone", "shipping_rate_name", "payment_brand", "payment_last4", "receipt_url", "fulfillment_carrier", "fulfillment_tracking_number", "fulfillment_tracking_url", "fulfilled_at", "items_key", "resume_token", "stripe_checkout_session_id", "stripe_payment_intent_id", "checkout_url", "checkout_expires_at", "customer_email", "failure_code", "failure_message", "amount_refunded", "version", "last_fact_at", "reconciled_at", "refund_check_at", "created_at", "updated_at", "paid_at") SELECT "id", "status", "amount", "currency", "amount", 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "items_key", "resume_token", "stripe_checkout_session_id", "stripe_payment_intent_id", "checkout_url", "checkout_expires_at", "customer_email", "failure_code", "failure_message", "amount_refunded", "version", "last_fact_at", "reconciled_at", "refund_check_at", "created_at", "updated_at", "paid_at" FROM `orders`;--> statement-breakpoint
DROP TABLE `orders`;--> statement-breakpoint
ALTER TABLE `__new_orders` RENAME TO `orders`;--> statement-breakpoint
PRAGMA defer_foreign_keys = off;--> statement-breakpoint
CREATE UNIQUE INDEX `orders_session_id_unique` ON `orders` (`stripe_checkout_session_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_payment_intent_id_unique` ON `orders` (`stripe_payment_intent_id`);--> statement-breakpoint
CREATE INDEX `orders_status_session_created_idx` ON `orders` (`status`,`stripe_checkout_session_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_status_created_idx` ON `orders` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_open_reconcile_idx` ON `orders` (`reconciled_at`,`created_at`) WHERE status in ('pending', 'processing', 'failed');--> statement-breakpoint
CREATE INDEX `orders_refund_check_idx` ON `orders` (`refund_check_at`) WHERE refund_check_at is not null;--> statement-breakpoint
CREATE INDEX `orders_refund_window_idx` ON `orders` (`paid_at`) WHERE refund_check_at is not null;--> statement-breakpoint
CREATE INDEX `orders_created_idx` ON `orders` (`created_at`);--> statement-breakpoint
ALTER TABLE `products` ADD `shippable` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `tax_code` text;
-- (The demo catalog and rates that were inserted here live in seeds/demo.sql.)
