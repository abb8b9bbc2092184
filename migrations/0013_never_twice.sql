-- Refunds requested before Stripe is asked (one Stripe refund per request, whatever is retried);
-- whether an order holds its paid session's own report; who holds limited stock in an open checkout.
CREATE TABLE `refund_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`requested` integer,
	`amount` integer NOT NULL,
	`refund_id` text,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `refund_requests_unanswered_idx` ON `refund_requests` (`order_id`,`created_at`) WHERE answered_at is null;--> statement-breakpoint
ALTER TABLE `orders` ADD `checkout_completed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `client_key` text;--> statement-breakpoint
CREATE INDEX `orders_client_open_idx` ON `orders` (`client_key`) WHERE client_key is not null and status in ('pending', 'failed');--> statement-breakpoint
CREATE INDEX `orders_incomplete_idx` ON `orders` (`reconciled_at`,`paid_at`) WHERE checkout_completed = 0 and status in ('paid', 'fulfilled', 'refunded');--> statement-breakpoint
-- Orders paid before this column existed carry the session's report when they know the address it
-- was paid with; the others (a PaymentIntent's payment alone) are completed by reconciliation.
UPDATE `orders` SET `checkout_completed` = 1
	WHERE `status` IN ('processing', 'paid', 'fulfilled', 'refunded') AND `customer_email` IS NOT NULL;