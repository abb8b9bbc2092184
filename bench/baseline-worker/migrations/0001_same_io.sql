-- The tables `POST /same-io` writes: the round trips of our webhook, without our code.
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL
);
CREATE TABLE `transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`order_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`at` integer NOT NULL
);
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL
);
