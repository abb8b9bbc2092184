import type { Context } from "hono";
import { Hono } from "hono";
import { isOpenStatus } from "../domain/transitions.ts";
import type { AppEnv } from "../env.ts";
import { orderNotFound } from "../lib/errors.ts";
import { describeError } from "../lib/log.ts";
import type { OrderRow } from "../services/orders.ts";
import { findOrder, findOrderBySession, orderItemsOf, publicOrder } from "../services/orders.ts";
import { claimSync, syncOrder } from "../services/sync.ts";

export const orderRoutes = new Hono<AppEnv>()
	.get("/by-session/:sessionId", async (c) => {
		const { db } = c.var.deps;
		let order = await findOrderBySession(db, c.req.param("sessionId"));
		if (!order) throw orderNotFound();
		order = await syncIfDue(c, order);
		return c.json(publicOrder(order, await orderItemsOf(db, order.id)));
	})
	.get("/:id", async (c) => {
		const { db } = c.var.deps;
		const order = await findOrder(db, c.req.param("id"));
		if (!order) throw orderNotFound();
		c.header("Cache-Control", "no-store");
		return c.json(publicOrder(order, await orderItemsOf(db, order.id)));
	});

/**
 * Before the webhook arrives the success page would show stale state: ask
 * Stripe, at most once per order every few seconds. A Stripe failure here is
 * not the shopper's problem: answer what we know.
 */
async function syncIfDue(c: Context<AppEnv>, order: OrderRow): Promise<OrderRow> {
	c.header("Cache-Control", "no-store");
	if (!isOpenStatus(order.status)) return order;
	const d = c.var.deps;
	if (!(await claimSync(d, order))) return order;
	try {
		await syncOrder(d, order, "success_page");
	} catch (err) {
		d.log.warn("success page sync failed", { orderId: order.id, ...describeError(err) });
		return order;
	}
	return (await findOrder(d.db, order.id)) ?? order;
}
