-- Where each order was placed from: its e-mails' links when APP_URL is unset (local development).
ALTER TABLE `orders` ADD `origin` text;