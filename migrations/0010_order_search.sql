-- The operator's search by customer e-mail (GET /admin/orders?q=), in any case.
CREATE INDEX `orders_customer_email_idx` ON `orders` (lower("customer_email"));