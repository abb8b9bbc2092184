-- The transactional outbox (one e-mail per cause; delivered through the EMAIL_QUEUE).
CREATE TABLE `emails` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text,
	`subscription_id` text,
	`customer_id` text,
	`kind` text NOT NULL,
	`to` text NOT NULL,
	`locale` text NOT NULL,
	`subject` text,
	`amount` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`provider_message_id` text,
	`resends` integer DEFAULT 0 NOT NULL,
	`dedupe_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `emails_dedupe_unique` ON `emails` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `emails_order_idx` ON `emails` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `emails_pending_idx` ON `emails` (`created_at`) WHERE status = 'pending';