import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { minorUnitDigits } from "../lib/money.ts";
import { listActiveProducts } from "../services/catalog.ts";

/**
 * The storefront's catalog. Never cached: stock and the operator's edits show
 * at once, and a cached "Only 1 left" would sell what is gone.
 */
export const catalogRoutes = new Hono<AppEnv>().get("/", async (c) => {
	const rows = await listActiveProducts(c.var.deps.db);
	c.header("Cache-Control", "no-store");
	return c.json({
		products: rows.map((p) => ({
			id: p.id,
			name: p.name,
			description: p.description,
			unitAmount: p.unitAmount,
			currency: p.currency,
			minorUnits: minorUnitDigits(p.currency),
			shippable: p.shippable,
			// One-time products only until subscriptions (SPEC 15) are built.
			recurringInterval: null,
			// Units left to buy (0: sold out, still listed); null when unlimited.
			available: p.stock,
		})),
	});
});
