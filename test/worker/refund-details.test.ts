/**
 * Refunds as an owner expects (SPEC 17): Stripe's reason sent with it, the
 * owner's note kept by us, and what goes back in stock, at most what the order
 * held, put back once whatever is retried.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { adminRequest as admin } from "./helpers/admin.ts";
import { getOrder, insertProduct, stockOf } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";
import { paidOrder } from "./helpers/paid-order.ts";

function refund(orderId: string, body: unknown, key?: string): Promise<Response> {
	return exports.default.fetch(`https://shop.test/admin/orders/${orderId}/refund`, {
		method: "POST",
		headers: {
			authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
			"content-type": "application/json",
			...(key && { "idempotency-key": key }),
		},
		body: JSON.stringify(body),
	});
}

type Detail = {
	refunds: { reason: string | null; note: string | null; restock: unknown[] }[];
};

/** A paid order of 3 units of a product of this test's own, 10 in stock before (7 after). */
async function paidLimitedOrder() {
	const productId = await insertProduct(10, 1000);
	const paid = await paidOrder([{ productId, quantity: 3 }], 3000);
	expect(await stockOf(productId)).toBe(7);
	return { ...paid, productId };
}

describe("a refund with a reason, a note and a restock", () => {
	it("sends Stripe the reason, keeps the note, and puts the units back once, whatever is retried", async () => {
		const { orderId, productId, paymentIntentId } = await paidLimitedOrder();
		const body = {
			amount: 2000,
			reason: "requested_by_customer",
			note: "Two mugs arrived broken; photos in the mail.",
			restock: [{ productId, quantity: 2 }],
		};
		const res = await refund(orderId, body, "refund-key-1");
		expect(res.status, await res.clone().text()).toBe(200);
		// The same request again (a double click, a retry with the key): the same refund, no second restock.
		expect((await refund(orderId, body, "refund-key-1")).status).toBe(200);
		expect(await stockOf(productId)).toBe(9);
		const posts = (await emulator.requests("/v1/refunds")).filter(
			(r) => r.method === "POST" && r.params.payment_intent === paymentIntentId,
		);
		expect(posts.map((p) => p.params.reason)).toEqual(["requested_by_customer"]);
		const detail = await (await admin(`/orders/${orderId}`)).json<Detail>();
		expect(detail.refunds).toEqual([
			expect.objectContaining({
				reason: "requested_by_customer",
				note: "Two mugs arrived broken; photos in the mail.",
				restock: [{ productId, quantity: 2 }],
			}),
		]);
	});

	it("puts back at most what the order held, across refunds", async () => {
		const { orderId, productId } = await paidLimitedOrder();
		const first = await refund(orderId, { amount: 1000, restock: [{ productId, quantity: 2 }] });
		expect(first.status).toBe(200);
		// Two of three went back already: a third fits, a second pair does not.
		const over = await refund(orderId, { amount: 1000, restock: [{ productId, quantity: 2 }] });
		expect(over.status).toBe(400);
		expect(await over.json()).toMatchObject({
			error: { code: "invalid_request", field: "restock" },
		});
		expect(await stockOf(productId)).toBe(9);
		expect((await getOrder(orderId)).amountRefunded).toBe(1000);
		const last = await refund(orderId, { restock: [{ productId, quantity: 1 }] });
		expect(last.status).toBe(200);
		expect(await stockOf(productId)).toBe(10);
		expect((await getOrder(orderId)).status).toBe("refunded");
	});

	it.each([
		[{ restock: [{ productId: "not-in-order", quantity: 1 }] }, "restock"],
		[{ restock: [{ productId: "x", quantity: 0 }] }, "restock"],
		[{ reason: "changed_mind" }, "reason"],
		[{ note: "x".repeat(501) }, "note"],
		[{ refundEverything: true }, "refundEverything"],
	])("refuses %o naming %s, and refunds nothing", async (body, field) => {
		const { orderId, productId } = await paidLimitedOrder();
		const res = await refund(orderId, body);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_request", field } });
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 0 });
		expect(await stockOf(productId)).toBe(7);
	});

	it("refuses to put back a product of unlimited stock (nothing would go back), and offers none", async () => {
		const { orderId } = await paidOrder();
		const res = await refund(orderId, { restock: [{ productId: "espresso-beans", quantity: 2 }] });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			error: { code: "invalid_request", field: "restock" },
		});
		expect(await stockOf("espresso-beans")).toBeNull();
		expect((await getOrder(orderId)).amountRefunded).toBe(0);
		// The console offers only what may go back: none of an unlimited product.
		const detail = await (await admin(`/orders/${orderId}`)).json<{ restockable: unknown[] }>();
		expect(detail.restockable).toEqual([]);
	});

	it("tells the console what may still go back, less earlier restocks", async () => {
		const { orderId, productId } = await paidLimitedOrder();
		const detail = async () =>
			(await admin(`/orders/${orderId}`)).json<{
				restockable: { productId: string; max: number }[];
			}>();
		expect((await detail()).restockable).toEqual([{ productId, max: 3 }]);
		await refund(orderId, { amount: 1000, restock: [{ productId, quantity: 2 }] });
		expect((await detail()).restockable).toEqual([{ productId, max: 1 }]);
	});
});
