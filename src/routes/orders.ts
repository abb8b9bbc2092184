import { Hono } from "hono";
import { orderNotFound } from "../lib/errors.ts";
import { findOrderWithItems } from "../services/orders/orders.ts";
import { currentOrderOfSession } from "../services/orders/sync.ts";
import { publicOrder } from "../services/orders/view.ts";
import type { AppEnv } from "./app-env.ts";

export const orderRoutes = new Hono<AppEnv>()
	.get("/by-session/:sessionId", async (c) => {
		c.header("Cache-Control", "no-store");
		const found = await currentOrderOfSession(c.var.deps, c.req.param("sessionId"));
		if (!found) throw orderNotFound();
		return c.json(publicOrder(found.order, found.items));
	})
	.get("/:id", async (c) => {
		const found = await findOrderWithItems(c.var.deps.db, { id: c.req.param("id") });
		if (!found) throw orderNotFound();
		c.header("Cache-Control", "no-store");
		return c.json(publicOrder(found.order, found.items));
	});
