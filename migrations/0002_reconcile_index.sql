DROP INDEX `orders_reconcile_idx`;--> statement-breakpoint
CREATE INDEX `orders_status_session_created_idx` ON `orders` (`status`,`stripe_checkout_session_id`,`created_at`);