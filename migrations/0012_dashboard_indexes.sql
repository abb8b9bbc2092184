-- The admin dashboard's counts: paid orders by day and week, e-mails that failed.
CREATE INDEX `emails_failed_idx` ON `emails` (`created_at`) WHERE status = 'failed';--> statement-breakpoint
CREATE INDEX `orders_paid_idx` ON `orders` (`paid_at`) WHERE paid_at is not null;