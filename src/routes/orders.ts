import { Hono } from "hono";
import { orderNotFound } from "../lib/errors.ts";
import { findOrder, orderItemsOf, publicOrder } from "../services/orders.ts";
import { currentOrderOfSession } from "../services/sync.ts";
import type { AppEnv } from "./app-env.ts";

export const orderRoutes = new Hono<AppEnv>()
	.get("/by-session/:sessionId", async (c) => {
		c.header("Cache-Control", "no-store");
		const order = await currentOrderOfSession(c.var.deps, c.req.param("sessionId"));
		if (!order) throw orderNotFound();
		return c.json(publicOrder(order, await orderItemsOf(c.var.deps.db, order.id)));
	})
	.get("/:id", async (c) => {
		const { db } = c.var.deps;
		const order = await findOrder(db, c.req.param("id"));
		if (!order) throw orderNotFound();
		c.header("Cache-Control", "no-store");
		return c.json(publicOrder(order, await orderItemsOf(db, order.id)));
	});
