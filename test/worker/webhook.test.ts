import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { webhookEvents } from "../../src/db/schema.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import {
	alertsOf,
	d1FailingWrites,
	d1WithOutage,
	db,
	getOrder,
	insertOrder,
	ledgerRow,
	transitionsOf,
} from "./helpers/db.ts";
import { events } from "./helpers/stripe-events.ts";
import {
	completedSession,
	paymentIntent,
	stripeEvent,
	uniqueId,
} from "./helpers/stripe-objects.ts";
import { deliver, signature } from "./helpers/webhooks.ts";

const now = () => Math.floor(Date.now() / 1000);

async function deliverOk(event: Stripe.Event) {
	const res = await deliver(event);
	expect(res.status).toBe(200);
	return res.json<{ result: string }>();
}

describe("POST /webhook drives the order state machine", () => {
	it("marks an order paid when its session completes paid, and records who and how", async () => {
		const order = await insertOrder();
		const event = events.completedPaid(order, "pi_recorded_1");
		(event.data.object as Stripe.Checkout.Session).customer_details = {
			...((event.data.object as Stripe.Checkout.Session)
				.customer_details as Stripe.Checkout.Session.CustomerDetails),
			email: "shopper@example.com",
		};
		expect(await deliverOk(event)).toEqual({ received: true, result: "processed" });
		const after = await getOrder(order.id);
		expect(after).toMatchObject({
			status: "paid",
			stripePaymentIntentId: "pi_recorded_1",
			customerEmail: "shopper@example.com",
		});
		expect(after.paidAt).toBeGreaterThan(0);
		const transitions = await transitionsOf(order.id);
		expect(transitions.at(-1)).toMatchObject({
			fromStatus: "pending",
			toStatus: "paid",
			source: "webhook",
			stripeEventId: event.id,
		});
		expect(await ledgerRow(event.id)).toMatchObject({
			result: "processed",
			orderId: order.id,
			type: "checkout.session.completed",
		});
	});

	it("moves a delayed payment to processing, then paid", async () => {
		const order = await insertOrder();
		await deliverOk(events.completedUnpaid(order));
		expect((await getOrder(order.id)).status).toBe("processing");
		await deliverOk(events.asyncSucceeded(order));
		expect((await getOrder(order.id)).status).toBe("paid");
	});

	it("moves a delayed payment to processing, then failed", async () => {
		const order = await insertOrder();
		await deliverOk(events.completedUnpaid(order));
		await deliverOk(events.asyncFailed(order));
		expect(await getOrder(order.id)).toMatchObject({
			status: "failed",
			failureCode: "async_payment_failed",
		});
	});

	it("ends paid after a decline followed by a successful retry in the same session", async () => {
		const order = await insertOrder();
		const pi = uniqueId("pi");
		await deliverOk(events.piFailed(order, pi));
		expect(await getOrder(order.id)).toMatchObject({
			status: "failed",
			failureCode: "generic_decline",
			failureMessage: "Your card was declined.",
		});
		await deliverOk(events.piSucceeded(order, pi));
		await deliverOk(events.completedPaid(order, pi));
		expect(await getOrder(order.id)).toMatchObject({
			status: "paid",
			failureCode: null,
			failureMessage: null,
		});
		expect((await transitionsOf(order.id)).map((t) => t.toStatus)).toEqual([
			"pending",
			"failed",
			"paid",
		]);
	});

	it("expires a pending order when its session expires", async () => {
		const order = await insertOrder();
		await deliverOk(events.expired(order));
		expect((await getOrder(order.id)).status).toBe("expired");
	});

	it("keeps a paid order paid when an expired or failed event arrives late", async () => {
		const order = await insertOrder();
		await deliverOk(events.completedPaid(order));
		expect(await deliverOk(events.expired(order))).toMatchObject({ result: "ignored" });
		expect(await deliverOk(events.piFailed(order))).toMatchObject({ result: "ignored" });
		expect((await getOrder(order.id)).status).toBe("paid");
		expect((await transitionsOf(order.id)).map((t) => t.toStatus)).toEqual(["pending", "paid"]);
	});

	it("records a partial refund without leaving paid, and a full refund as refunded", async () => {
		const order = await insertOrder();
		const pi = uniqueId("pi");
		await deliverOk(events.completedPaid(order, pi));
		await deliverOk(events.refunded(pi, 1000));
		expect(await getOrder(order.id)).toMatchObject({ status: "paid", amountRefunded: 1000 });
		await deliverOk(events.refunded(pi, 4800));
		expect(await getOrder(order.id)).toMatchObject({ status: "refunded", amountRefunded: 4800 });
	});

	it("never accepts another subtotal as paid: flags the order and raises one alert", async () => {
		const order = await insertOrder();
		const cheap = stripeEvent(
			"checkout.session.completed",
			completedSession({ orderId: order.id, amount_subtotal: 100, amount_total: 100 }),
		);
		expect(await deliverOk(cheap)).toMatchObject({ result: "processed" });
		expect(await getOrder(order.id)).toMatchObject({
			status: "pending",
			failureCode: "amount_mismatch",
		});
		const again = stripeEvent(
			"payment_intent.succeeded",
			paymentIntent({ orderId: order.id, status: "succeeded", amount: 100, amount_received: 100 }),
		);
		await deliverOk(again);
		const raised = await alertsOf(order.id);
		expect(raised).toHaveLength(1);
		expect(raised[0]).toMatchObject({ kind: "amount_mismatch" });
		expect(raised[0]?.message).toContain("$1.00");
	});

	it.each([
		["a fraction of a minor unit", 4800.0001, "4800.0001"],
		["the amount as text", "4800", '"4800"'],
	])(
		"never accepts %s as paid, and the alert says so (not 'Paid $48.00 but the order is $48.00')",
		async (_, amount, shown) => {
			const order = await insertOrder();
			const odd = stripeEvent(
				"checkout.session.completed",
				completedSession({ orderId: order.id, amount_total: amount as number }),
			);
			expect(await deliverOk(odd)).toMatchObject({ result: "processed" });
			const [alert] = await alertsOf(order.id);
			expect(alert?.message).toContain(shown);
			expect(alert?.message).toContain("not a whole number of minor units");
			// The shopper's view keeps merchant wording out.
			const view = await (
				await exports.default.fetch(`https://shop.test/api/orders/${order.id}`)
			).json<{
				failureMessage: string;
			}>();
			expect(view.failureMessage).not.toMatch(/Paid|minor units|\$/);
			expect(view.failureMessage).toMatch(/checking it/);
		},
	);

	it("never accepts another currency as paid", async () => {
		const order = await insertOrder();
		await deliverOk(
			stripeEvent(
				"checkout.session.completed",
				completedSession({ orderId: order.id, currency: "eur" }),
			),
		);
		expect(await getOrder(order.id)).toMatchObject({
			status: "pending",
			failureCode: "amount_mismatch",
		});
	});

	it("honours money paid for a canceled order and raises an alert", async () => {
		const order = await insertOrder({ status: "canceled" });
		await deliverOk(events.completedPaid(order));
		expect((await getOrder(order.id)).status).toBe("paid");
		expect(await alertsOf(order.id)).toMatchObject([{ kind: "paid_after_close" }]);
	});

	it("ignores event types it does not handle, and objects that are not ours", async () => {
		expect(
			await deliverOk(stripeEvent("customer.created", { id: "cus_1", object: "customer" })),
		).toMatchObject({ result: "ignored" });
		const stranger = stripeEvent(
			"checkout.session.completed",
			completedSession({ orderId: crypto.randomUUID() }),
		);
		expect(await deliverOk(stranger)).toMatchObject({ result: "ignored" });
		expect(await ledgerRow(stranger.id)).toMatchObject({
			result: "ignored",
			error: "not our order",
		});
		const noMetadata = stripeEvent(
			"payment_intent.succeeded",
			paymentIntent({ status: "succeeded" }),
		);
		expect(await deliverOk(noMetadata)).toMatchObject({ result: "ignored" });
	});

	it("records a stale event as ignored without applying it", async () => {
		const order = await insertOrder();
		await deliverOk(events.piFailed(order, uniqueId("pi"), now()));
		const old = events.expired(order, now() - 60);
		expect(await deliverOk(old)).toMatchObject({ result: "ignored" });
		expect((await getOrder(order.id)).status).toBe("failed");
		expect((await ledgerRow(old.id))?.error).toContain("stale");
	});
});

describe("POST /webhook duplicates and failures", () => {
	it("answers a redelivered event 200 without a second effect", async () => {
		const order = await insertOrder();
		const event = events.completedPaid(order);
		expect(await deliverOk(event)).toMatchObject({ result: "processed" });
		for (let i = 0; i < 3; i++)
			expect(await deliverOk(event)).toMatchObject({ result: "duplicate" });
		expect((await transitionsOf(order.id)).filter((t) => t.toStatus === "paid")).toHaveLength(1);
		expect((await ledgerRow(event.id))?.attempts).toBe(1);
	});

	it("applies an event delivered many times at once exactly once; a copy that finds it in flight is not told it was delivered", async () => {
		const order = await insertOrder();
		const event = events.completedPaid(order);
		const answers = await Promise.all(Array.from({ length: 12 }, () => deliver(event)));
		const statuses = answers.map((r) => r.status);
		// The one that claimed it, and those after it ended, 200; those while it ran, 409 (Stripe retries).
		expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
		expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
		for (const res of answers.filter((r) => r.status === 409))
			expect(await res.json()).toMatchObject({ error: { code: "event_in_progress" } });
		expect((await transitionsOf(order.id)).filter((t) => t.toStatus === "paid")).toHaveLength(1);
		expect((await getOrder(order.id)).status).toBe("paid");
		// Stripe's retries of those are duplicates now.
		for (let i = 0; i < statuses.filter((s) => s === 409).length; i++)
			expect(await deliverOk(event)).toMatchObject({ result: "duplicate" });
	});

	it("never answers 2xx for an event another delivery holds: in flight, or one that died before recording its failure", async () => {
		const order = await insertOrder();
		const event = events.completedPaid(order);
		// The first delivery fails at the order's write, and D1 loses its record of the failure too.
		const d1 = d1WithOutage();
		d1.refuse(/^\s*update "orders"/i);
		d1.refuse(/^\s*insert into webhook_events /i);
		const payload = JSON.stringify(event);
		const first = await fetchWithEnv(
			new Request("https://shop.test/webhook", {
				method: "POST",
				headers: { "stripe-signature": await signature(payload) },
				body: payload,
			}),
			{ DB: d1.binding },
		);
		expect(first.status).toBe(500);
		expect(d1.state.targeted).toEqual([]);
		expect((await ledgerRow(event.id))?.claimToken).not.toBeNull();
		// Stripe's retry a few seconds later.
		const retried = await deliver(event);
		expect(retried.status).toBe(409);
		expect(await retried.json()).toMatchObject({ error: { code: "event_in_progress" } });
		expect((await getOrder(order.id)).status).toBe("pending");

		// A minute on, the claim has lapsed: the next retry processes it.
		await db
			.update(webhookEvents)
			.set({ claimedAt: Date.now() - 61_000 })
			.where(eq(webhookEvents.id, event.id));
		expect(await deliverOk(event)).toMatchObject({ result: "processed" });
		expect((await getOrder(order.id)).status).toBe("paid");
	});

	it("answers 500 when D1 fails mid-processing, leaves nothing half-applied, and succeeds on redelivery", async () => {
		const order = await insertOrder();
		const event = events.completedPaid(order);
		const payload = JSON.stringify(event);
		const failingDb = d1FailingWrites();
		const request = async () =>
			new Request("https://shop.test/webhook", {
				method: "POST",
				headers: { "stripe-signature": await signature(payload) },
				body: payload,
			});
		const failed = await fetchWithEnv(await request(), { DB: failingDb });
		expect(failed.status).toBe(500);
		expect(await failed.json()).toMatchObject({ error: { code: "processing_failed" } });
		expect(await getOrder(order.id)).toMatchObject({ status: "pending", version: 0 });
		expect(await transitionsOf(order.id)).toHaveLength(1);
		expect(await ledgerRow(event.id)).toMatchObject({
			result: "failed",
			error: expect.stringContaining("simulated write failure"),
		});

		expect(await deliverOk(event)).toMatchObject({ result: "processed" });
		expect((await getOrder(order.id)).status).toBe("paid");
		expect(await ledgerRow(event.id)).toMatchObject({
			result: "processed",
			error: null,
			attempts: 2,
		});
	});
});
