ALTER TABLE `orders` ADD `refund_check_at` integer;--> statement-breakpoint
CREATE INDEX `orders_open_reconcile_idx` ON `orders` (`reconciled_at`,`created_at`) WHERE status in ('pending', 'processing', 'failed');--> statement-breakpoint
CREATE INDEX `orders_refund_check_idx` ON `orders` (`refund_check_at`) WHERE refund_check_at is not null;--> statement-breakpoint
CREATE INDEX `orders_refund_window_idx` ON `orders` (`paid_at`) WHERE refund_check_at is not null;--> statement-breakpoint
-- Paid orders of the last 30 days join the refund re-check at once.
UPDATE `orders` SET `refund_check_at` = 0 WHERE `status` = 'paid' AND `paid_at` >= (CAST(strftime('%s', 'now') AS INTEGER) - 30 * 86400) * 1000;
