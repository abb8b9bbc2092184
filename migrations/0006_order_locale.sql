-- The shopper's language on each order (Stripe's page and the e-mails use it); older orders: English.
ALTER TABLE `orders` ADD `locale` text DEFAULT 'en' NOT NULL;