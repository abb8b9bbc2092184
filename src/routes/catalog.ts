import { Hono } from "hono";
import { createDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { minorUnitDigits } from "../lib/money.ts";
import { listActiveProducts } from "../services/catalog.ts";

export const catalogRoutes = new Hono<AppEnv>()
	.get("/products", async (c) => {
		const rows = await listActiveProducts(createDb(c.env.DB));
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
	})
	.get("/config", (c) => {
		const key = c.env.STRIPE_PUBLISHABLE_KEY?.trim();
		return c.json({ publishableKey: key && /^pk_(test|live)_/.test(key) ? key : null });
	});
