import { Hono } from "hono";
import { identityBody, shopIdentity } from "../services/shop/identity.ts";
import type { AppEnv } from "./app-env.ts";

/** The shop's identity for the pages' scripts (SPEC 17): name, contact, legal lines, colour. */
export const shopRoutes = new Hono<AppEnv>().get("/", async (c) => {
	c.header("Cache-Control", "no-cache");
	return c.json(
		identityBody(await shopIdentity(c.var.deps.db, c.var.config.shopDefaults, c.var.deps.now())),
	);
});
