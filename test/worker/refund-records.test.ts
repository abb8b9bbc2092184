/**
 * Every refund on record once (SPEC 5 `refunds`): made in the console or in
 * Stripe's Dashboard, seen through the admin's own call, `charge.refunded` and
 * reconciliation, in any order and any number of times.
 */
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { refunds } from "../../src/db/schema.ts";
import { reconcile } from "../../src/services/orders/reconcile.ts";
import {
	ADMIN_REFUND_METADATA,
	recordRefunds,
} from "../../src/services/payments/refund-records.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { db, getOrder, testDeps } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { paidOrder } from "./helpers/paid-order.ts";
import { deliver } from "./helpers/webhooks.ts";

type Refund = { id: string; amount: number; status: string; source: string; at: string };

const authorization = `Bearer ${TEST_ADMIN_TOKEN}`;

async function adminRefund(orderId: string, amount?: number) {
	const res = await exports.default.fetch(`https://shop.test/admin/orders/${orderId}/refund`, {
		method: "POST",
		headers: { authorization, "content-type": "application/json" },
		body: JSON.stringify(amount === undefined ? {} : { amount }),
	});
	expect(res.status, await res.clone().text()).toBe(200);
	return res.json<{ refundId: string }>();
}

async function detailRefunds(orderId: string): Promise<Refund[]> {
	const res = await exports.default.fetch(`https://shop.test/admin/orders/${orderId}`, {
		headers: { authorization },
	});
	return (await res.json<{ refunds: Refund[] }>()).refunds;
}

const rows = (orderId: string) => db.select().from(refunds).where(eq(refunds.orderId, orderId));

/** Delivers every `charge.refunded` the emulator sent about the order, each twice. */
async function deliverRefundEvents(orderId: string) {
	const sent = await emulator.events({ orderId, type: "charge.refunded" });
	expect(sent.length).toBeGreaterThan(0);
	for (const event of [...sent, ...sent]) expect((await deliver(event)).status).toBe(200);
}

describe("the refunds of an order", () => {
	it("an admin refund, then its own charge.refunded (twice): one refund, from the admin", async () => {
		const { orderId } = await paidOrder();
		const { refundId } = await adminRefund(orderId, 1000);
		expect(await detailRefunds(orderId)).toEqual([
			{
				id: refundId,
				amount: 1000,
				currency: "usd",
				status: "succeeded",
				reason: null,
				source: "admin",
				// The console's request: no note, nothing put back in stock.
				note: null,
				restock: [],
				at: expect.any(String),
			},
		]);
		await deliverRefundEvents(orderId);
		expect(await rows(orderId)).toHaveLength(1);
		expect((await detailRefunds(orderId))[0]).toMatchObject({ id: refundId, source: "admin" });
	});

	it("the event first, then the admin's own recording: still one refund, from the admin", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		// As the console makes it; its webhook is handled before the console's call returns.
		const made = await stripe().refunds.create({
			payment_intent: paymentIntentId,
			amount: 700,
			metadata: { order_id: orderId, ...ADMIN_REFUND_METADATA },
		});
		await deliverRefundEvents(orderId);
		await recordRefunds(db, orderId, [made], Date.now());
		const recorded = await rows(orderId);
		expect(recorded).toHaveLength(1);
		expect(recorded[0]).toMatchObject({ id: made.id, amount: 700, source: "admin" });
	});

	it("a Dashboard refund through charge.refunded, and a second one found by reconciliation alone", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		const first = await stripe().refunds.create({ payment_intent: paymentIntentId, amount: 500 });
		await deliverRefundEvents(orderId);
		expect(await detailRefunds(orderId)).toMatchObject([
			{ id: first.id, amount: 500, source: "dashboard" },
		]);
		// A second Dashboard refund whose webhook is lost: the refund re-check finds it.
		const second = await stripe().refunds.create({ payment_intent: paymentIntentId, amount: 800 });
		const report = await reconcile(
			{ ...testDeps(), stripe: stripe(), liveMode: false },
			{ graceSeconds: 0, maxOrders: 0, maxStripeCalls: 200 },
		);
		expect(report.refundsFound).toBeGreaterThanOrEqual(1);
		const listed = await detailRefunds(orderId);
		expect(listed.map((r) => [r.id, r.amount, r.source])).toEqual([
			[first.id, 500, "dashboard"],
			[second.id, 800, "dashboard"],
		]);
		expect((await getOrder(orderId)).amountRefunded).toBe(1300);
		// Both paths again, and the admin's full refund of the rest: three refunds, each once.
		await deliverRefundEvents(orderId);
		const rest = await adminRefund(orderId);
		await deliverRefundEvents(orderId);
		expect((await detailRefunds(orderId)).map((r) => [r.id, r.source])).toEqual([
			[first.id, "dashboard"],
			[second.id, "dashboard"],
			[rest.refundId, "admin"],
		]);
		expect((await getOrder(orderId)).status).toBe("refunded");
	});
});
