CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`order_id` text,
	`created` integer NOT NULL,
	`received_at` integer NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL
);
