-- Demo catalog. Amounts are integer minor units of their currency:
-- 2400 usd = $24.00, 1800 eur = €18.00, 1500 jpy = ¥1,500 (JPY has no minor unit).
INSERT INTO `products` (`id`, `name`, `description`, `unit_amount`, `currency`, `active`) VALUES
	('espresso-beans', 'Espresso beans, 1 kg', 'Dark roast, whole beans.', 2400, 'usd', 1),
	('pour-over-kit', 'Pour-over kit', 'Dripper, filters and a glass server.', 4500, 'usd', 1),
	('travel-mug', 'Travel mug', 'Keeps it hot for six hours.', 1800, 'usd', 1),
	('matcha-tin', 'Uji matcha, 40 g', 'Ceremonial grade, from Kyoto.', 1500, 'jpy', 1),
	('retired-grinder', 'Hand grinder (retired)', 'No longer sold.', 3900, 'usd', 0);
