-- The demo shop: a coffee-and-tea catalog and its shipping rates, for `npm run dev`, the tests
-- and a preview deployment (`npm run db:seed:demo -- --remote`). Never part of the migrations:
-- a production database starts empty and the owner fills it from the console.
-- Loading it again changes nothing: a row whose id exists is left as it is. The demo's pictures
-- are drawings in public/img/products/ (an owner's own are uploaded in the console, to R2); their
-- French names are translations, as the console writes them.
-- Amounts are integer minor units of their currency: 2400 usd = $24.00, 1500 jpy = ¥1,500 (JPY
-- has no minor unit). Tax codes are Stripe's: food and groceries (txcd_40060003), general
-- tangible goods (txcd_99999999), digital books (txcd_10302000). The e-book is delivered by
-- download: its file is seeds/files/brewing-guide.pdf, put in the local R2 bucket by `npm run dev`
-- (elsewhere: wrangler r2 object put shop-media/files/brewing-guide/demo --file seeds/files/brewing-guide.pdf).
INSERT OR IGNORE INTO `products` (`id`, `name`, `description`, `unit_amount`, `currency`, `active`, `shippable`, `tax_code`, `stock`, `image_url`, `translations`, `file`) VALUES
	('espresso-beans', 'Espresso beans, 1 kg', 'Dark roast, whole beans.', 2400, 'usd', 1, 1, 'txcd_40060003', NULL, '/img/products/espresso-beans.svg', '{"fr":{"name":"Grains pour espresso, 1 kg","description":"Torréfaction foncée, grains entiers."}}', NULL),
	('pour-over-kit', 'Pour-over kit', 'Dripper, filters and a glass server.', 4500, 'usd', 1, 1, 'txcd_99999999', NULL, '/img/products/pour-over-kit.svg', '{"fr":{"name":"Kit de filtration","description":"Porte-filtre, filtres et carafe en verre."}}', NULL),
	('travel-mug', 'Travel mug', 'Keeps it hot for six hours.', 1800, 'usd', 1, 1, 'txcd_99999999', NULL, '/img/products/travel-mug.svg', '{"fr":{"name":"Mug de voyage","description":"Garde au chaud six heures."}}', NULL),
	('matcha-tin', 'Uji matcha, 40 g', 'Ceremonial grade, from Kyoto.', 1500, 'jpy', 1, 1, 'txcd_40060003', NULL, '/img/products/matcha-tin.svg', '{"fr":{"name":"Matcha d''Uji, 40 g","description":"Qualité cérémonie, de Kyoto."}}', NULL),
	('retired-grinder', 'Hand grinder (retired)', 'No longer sold.', 3900, 'usd', 0, 1, 'txcd_99999999', NULL, '/img/products/retired-grinder.svg', '{"fr":{"name":"Moulin manuel (retiré)","description":"Plus vendu."}}', NULL),
	('brewing-guide', 'Brewing guide (e-book)', 'Twelve recipes, from espresso to cold brew. PDF.', 900, 'usd', 1, 0, 'txcd_10302000', NULL, '/img/products/brewing-guide.svg', '{"fr":{"name":"Guide d''infusion (e-book)","description":"Douze recettes, de l''espresso au cold brew. PDF."}}', '{"key":"files/brewing-guide/demo","name":"brewing-guide.pdf","type":"application/pdf","size":1016}'),
	('tasting-box', 'Single-origin tasting box', 'Four 100 g bags from one small harvest. Limited batch.', 3200, 'usd', 1, 1, 'txcd_40060003', 5, '/img/products/tasting-box.svg', '{"fr":{"name":"Coffret dégustation pure origine","description":"Quatre sachets de 100 g d''une petite récolte. Série limitée."}}', NULL);
-- Two plans (SPEC 15, sold only with customer accounts on): a monthly coffee box to ship each
-- month, and a yearly digital membership.
INSERT OR IGNORE INTO `products` (`id`, `name`, `description`, `unit_amount`, `currency`, `active`, `shippable`, `tax_code`, `stock`, `image_url`, `translations`, `file`, `recurring_interval`) VALUES
	('coffee-box', 'Monthly coffee box', 'Two 250 g bags of the month''s roasts, shipped every month.', 3000, 'usd', 1, 1, 'txcd_40060003', NULL, '/img/products/tasting-box.svg', '{"fr":{"name":"Box café mensuelle","description":"Deux sachets de 250 g des torréfactions du mois, expédiés chaque mois."}}', NULL, 'month'),
	('brew-club', 'Brew club, yearly', 'A new recipe every week and the members'' library of guides. Digital.', 4800, 'usd', 1, 0, 'txcd_10302000', NULL, '/img/products/brewing-guide.svg', '{"fr":{"name":"Club d''infusion, à l''année","description":"Une nouvelle recette chaque semaine et la bibliothèque de guides des membres. Numérique."}}', NULL, 'year');
-- A standard and an express rate per demo currency ($5.00, $15.00, ¥600, ¥1,800).
INSERT OR IGNORE INTO `shipping_rates` (`id`, `display_name`, `translations`, `amount`, `currency`, `min_days`, `max_days`, `active`) VALUES
	('usd-standard', 'Standard', '{"fr":{"name":"Normale"}}', 500, 'usd', 3, 5, 1),
	('usd-express', 'Express', '{"fr":{"name":"Rapide"}}', 1500, 'usd', 1, 2, 1),
	('jpy-standard', 'Standard', '{"fr":{"name":"Normale"}}', 600, 'jpy', 3, 5, 1),
	('jpy-express', 'Express', '{"fr":{"name":"Rapide"}}', 1800, 'jpy', 1, 2, 1);
