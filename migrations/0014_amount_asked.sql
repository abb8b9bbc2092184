-- What Stripe's page last asked on a declined attempt: the payment-failed e-mail's total.
ALTER TABLE `orders` ADD `amount_asked` integer;