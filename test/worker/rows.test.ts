import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orderItems, orders } from "../../src/db/schema.ts";
import { findOrder, findOrderWithItems, orderItemsOf } from "../../src/services/orders/orders.ts";
import { db, insertOrder } from "./helpers/db.ts";

// The hot paths read orders with statements written once (src/db/rows.ts) instead of
// drizzle's builders: what they return must be exactly drizzle's row, booleans and nulls too.
describe("orders read by the written-once statements", () => {
	it.each([
		{ checkoutCompleted: true, customerEmail: "ada@example.com", amountAsked: 3480 },
		{ checkoutCompleted: false, customerEmail: null, amountAsked: null },
	])("equal drizzle's rows (%o)", async (fields) => {
		const order = await insertOrder({ status: "paid", ...fields });
		const [drizzleOrder] = await db.select().from(orders).where(eq(orders.id, order.id));
		const drizzleItems = await db
			.select()
			.from(orderItems)
			.where(eq(orderItems.orderId, order.id))
			.orderBy(asc(orderItems.id));
		expect(drizzleOrder?.checkoutCompleted).toBe(fields.checkoutCompleted);
		expect(await findOrder(db, order.id)).toStrictEqual(drizzleOrder);
		expect(await orderItemsOf(db, order.id)).toStrictEqual(drizzleItems);
		const bySession = await findOrderWithItems(db, {
			sessionId: order.stripeCheckoutSessionId ?? "",
		});
		expect(bySession).toStrictEqual({ order: drizzleOrder, items: drizzleItems, downloads: [] });
		expect(drizzleItems).toHaveLength(1);
	});

	it("find nothing for an unknown order", async () => {
		expect(await findOrder(db, crypto.randomUUID())).toBeUndefined();
		expect(await findOrderWithItems(db, { id: crypto.randomUUID() })).toBeUndefined();
	});
});
