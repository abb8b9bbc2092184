import { Hono } from "hono";
import { isLocale } from "../i18n/catalogues.ts";
import { requestLocale } from "../pages/locale.ts";
import { listActiveProducts, productView } from "../services/catalog/catalog.ts";
import type { AppEnv } from "./app-env.ts";
import { accountsOn } from "./signed-in.ts";

/**
 * The storefront's catalog. Never cached: stock and the operator's edits show
 * at once, and a cached "Only 1 left" would sell what is gone.
 */
export const catalogRoutes = new Hono<AppEnv>().get("/", async (c) => {
	// Plans are sold only with customer accounts (SPEC 15).
	const rows = await listActiveProducts(c.var.deps.db, accountsOn(c));
	// Names and descriptions in the page's language (`?lang=`), else the shopper's.
	const lang = c.req.query("lang");
	const locale = isLocale(lang) ? lang : requestLocale(c);
	c.header("Cache-Control", "no-store");
	c.header("Vary", "Accept-Language, Cookie");
	return c.json({ products: rows.map((p) => productView(p, locale)) });
});
