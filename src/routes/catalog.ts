import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { minorUnitDigits } from "../lib/money.ts";
import { listActiveProducts } from "../services/catalog.ts";

export const catalogRoutes = new Hono<AppEnv>().get("/", async (c) => {
	const rows = await listActiveProducts(c.var.deps.db);
	c.header("Cache-Control", "public, max-age=60");
	return c.json({
		products: rows.map((p) => ({
			id: p.id,
			name: p.name,
			description: p.description,
			unitAmount: p.unitAmount,
			currency: p.currency,
			minorUnits: minorUnitDigits(p.currency),
		})),
	});
});
