-- The promotion code a shopper entered, so the discount line can name it.
ALTER TABLE `orders` ADD `discount_code` text;