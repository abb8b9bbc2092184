import { Hono } from "hono";
import { listActiveProducts, productView } from "../services/catalog/catalog.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * The storefront's catalog. Never cached: stock and the operator's edits show
 * at once, and a cached "Only 1 left" would sell what is gone.
 */
export const catalogRoutes = new Hono<AppEnv>().get("/", async (c) => {
	const rows = await listActiveProducts(c.var.deps.db);
	c.header("Cache-Control", "no-store");
	return c.json({ products: rows.map(productView) });
});
