-- A delivery of an e-mail claims its try (claimed_at), so the claim, the order and its items are read in one round trip.
ALTER TABLE `emails` ADD `claimed_at` integer;