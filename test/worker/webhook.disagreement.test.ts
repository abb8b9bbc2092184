/**
 * Events that must not be applied as they stand: concurrent copies of one
 * event (applied once, by whoever claims it first), events whose objects name
 * two different orders, and events of the other mode than the key's.
 */
import { describe, expect, it } from "vitest";
import { alertsOf, getOrder, insertOrder, ledgerRow, transitionsOf } from "./helpers/db.ts";
import { emulator, paidAtEmulator } from "./helpers/emulator.ts";
import { charge, completedSession, stripeEvent } from "./helpers/stripe-objects.ts";
import { deliver } from "./helpers/webhooks.ts";

describe("50 concurrent copies of one event", () => {
	it("apply once, end the ledger processed after one attempt, and ask Stripe once", async () => {
		const order = await insertOrder({ status: "paid", paidAt: Date.now() });
		// A refund whose charge names no order: the order is found through its PaymentIntent's metadata.
		const { paymentIntentId } = await paidAtEmulator(order.id);
		const refunded = stripeEvent(
			"charge.refunded",
			charge({
				payment_intent: paymentIntentId,
				amount: 4800,
				amount_refunded: 4800,
				refunded: true,
			}),
		);
		const statuses = await Promise.all(
			Array.from({ length: 50 }, () => deliver(refunded).then((r) => r.status)),
		);
		// Copies that arrive while the first runs are not told it was delivered (409: Stripe retries).
		expect(statuses).toContain(200);
		expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
		expect(await getOrder(order.id)).toMatchObject({ status: "refunded", amountRefunded: 4800 });
		expect((await transitionsOf(order.id)).filter((t) => t.toStatus === "refunded")).toHaveLength(
			1,
		);
		expect(await ledgerRow(refunded.id)).toMatchObject({
			result: "processed",
			attempts: 1,
			claimToken: null,
		});
		const lookups = (await emulator.requests(`/v1/payment_intents/${paymentIntentId}`)).filter(
			(r) => r.method === "GET",
		);
		expect(lookups).toHaveLength(1);
	});
});

describe("an event whose objects disagree about the order", () => {
	it("changes nothing, raises event_mismatch, is recorded ignored and answered 200 (session of another order)", async () => {
		const owner = await insertOrder();
		const named = await insertOrder();
		// The owner's session, with metadata naming the other order.
		const session = completedSession({ orderId: owner.id, metadata: { order_id: named.id } });
		const event = stripeEvent("checkout.session.completed", session);
		const res = await deliver(event);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ result: "ignored" });
		for (const id of [owner.id, named.id]) expect((await getOrder(id)).status).toBe("pending");
		expect(await alertsOf(named.id)).toMatchObject([{ kind: "event_mismatch" }]);
		expect(await ledgerRow(event.id)).toMatchObject({ result: "ignored", orderId: named.id });
	});

	it("changes nothing when the named order has no session yet but another order owns this one", async () => {
		const owner = await insertOrder();
		const named = await insertOrder({ stripeCheckoutSessionId: null });
		const session = completedSession({ orderId: owner.id, metadata: { order_id: named.id } });
		expect((await deliver(stripeEvent("checkout.session.completed", session))).status).toBe(200);
		expect((await getOrder(named.id)).status).toBe("pending");
		expect(await alertsOf(named.id)).toMatchObject([{ kind: "event_mismatch" }]);
	});

	it("applies the event of an order whose session is not recorded yet (the answer is still on its way)", async () => {
		const order = await insertOrder({ stripeCheckoutSessionId: null });
		const session = completedSession({ orderId: order.id });
		expect((await deliver(stripeEvent("checkout.session.completed", session))).status).toBe(200);
		expect((await getOrder(order.id)).status).toBe("paid");
		expect(await alertsOf(order.id)).toEqual([]);
	});

	it("changes nothing when its PaymentIntent is not the order's", async () => {
		const order = await insertOrder({ stripePaymentIntentId: `pi_mine_${crypto.randomUUID()}` });
		const session = completedSession({
			orderId: order.id,
			payment_intent: `pi_other_${crypto.randomUUID()}`,
		});
		expect((await deliver(stripeEvent("checkout.session.completed", session))).status).toBe(200);
		expect((await getOrder(order.id)).status).toBe("pending");
		expect(await alertsOf(order.id)).toMatchObject([{ kind: "event_mismatch" }]);
	});
});

describe("an event of the other mode", () => {
	it("a live-mode event reaching a test-mode shop changes nothing and raises event_mismatch", async () => {
		const order = await insertOrder();
		const event = {
			...stripeEvent("checkout.session.completed", completedSession({ orderId: order.id })),
			livemode: true,
		};
		const res = await deliver(event);
		expect(res.status).toBe(200);
		expect((await getOrder(order.id)).status).toBe("pending");
		expect(await alertsOf(order.id)).toMatchObject([{ kind: "event_mismatch" }]);
		expect(await ledgerRow(event.id)).toMatchObject({ result: "ignored" });
	});
});
