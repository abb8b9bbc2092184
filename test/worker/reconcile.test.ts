/**
 * Reconciliation (the Cron Trigger). Each test starts from empty order tables
 * (this file's D1 is its own), so every count in a report is this test's.
 * The emulator forwards no webhooks to the worker tests: a payment made there
 * is, for the worker, a payment whose webhooks were all lost.
 */

import {
	createExecutionContext,
	createScheduledController,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { beforeEach, describe, expect, it } from "vitest";
import {
	alerts,
	emails,
	orderItems,
	orders,
	orderTransitions,
	refunds,
	webhookEvents,
} from "../../src/db/schema.ts";
import worker from "../../src/index.ts";
import { STRIPE_CALL_DEADLINE_MS } from "../../src/lib/stripe.ts";
import {
	REFUND_CHECKS_PER_RUN,
	REFUND_WINDOW_MS,
	type ReconcileOptions,
	reconcile,
} from "../../src/services/orders/reconcile.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { checkout } from "./helpers/checkout.ts";
import {
	alertsOf,
	d1FailingWrites,
	db,
	dbq,
	getOrder,
	insertOrder,
	ledgerRow,
	testDeps,
	transitionsOf,
} from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { signature } from "./helpers/webhooks.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const options: ReconcileOptions = { graceSeconds: 30 * 60 };
const run = (extra: Partial<ReconcileOptions> = {}, deps = testDeps()) =>
	reconcile({ ...deps, stripe: stripe(), liveMode: false }, { ...options, ...extra });

beforeEach(async () => {
	await db.batch([
		db.delete(orderTransitions),
		db.delete(orderItems),
		db.delete(alerts),
		db.delete(webhookEvents),
		db.delete(emails),
		db.delete(refunds),
		db.delete(orders),
	]);
});

async function age(orderId: string, ms = HOUR) {
	await db
		.update(orders)
		.set({ createdAt: Date.now() - ms })
		.where(eq(orders.id, orderId));
}

/** A checkout paid (or declined) at Stripe whose webhooks never arrived, an hour old. */
async function paidWithoutWebhook(card = "4242424242424242", ageMs = HOUR) {
	const answer = await checkout([{ productId: "travel-mug", quantity: 2 }]);
	await emulator.pay(answer.sessionId, { card });
	await age(answer.orderId, ageMs);
	return answer;
}

/** A paid order as the webhook leaves it (in the refund re-check since `paidAt`). */
async function paidOrder(paidAt = Date.now()) {
	const { orderId } = await paidWithoutWebhook();
	await run();
	await db.update(orders).set({ paidAt }).where(eq(orders.id, orderId));
	const order = await getOrder(orderId);
	expect(order).toMatchObject({ status: "paid", refundCheckAt: 0 });
	return order;
}

describe("open orders", () => {
	it("marks paid an order paid at Stripe whose webhook was missed, in one run", async () => {
		const { orderId } = await paidWithoutWebhook();
		expect((await getOrder(orderId)).status).toBe("pending");
		const report = await run();
		expect(report).toMatchObject({ ordersChecked: 1, ordersChanged: 1, errors: 0 });
		const order = await getOrder(orderId);
		expect(order.status).toBe("paid");
		expect(order.stripePaymentIntentId).toMatch(/^pi_/);
		expect((await transitionsOf(orderId)).at(-1)).toMatchObject({
			toStatus: "paid",
			source: "reconcile",
		});
	});

	it("ends expired an order whose session expired at Stripe", async () => {
		const answer = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await emulator.expire(answer.sessionId);
		await age(answer.orderId);
		expect(await run()).toMatchObject({ ordersChecked: 1, ordersChanged: 1 });
		expect((await getOrder(answer.orderId)).status).toBe("expired");
	});

	it("records a decline seen at Stripe as failed", async () => {
		const { orderId } = await paidWithoutWebhook("4000000000000002");
		await run();
		expect(await getOrder(orderId)).toMatchObject({
			status: "failed",
			failureCode: "generic_decline",
		});
	});

	it("leaves orders younger than the grace period alone", async () => {
		const { orderId } = await paidWithoutWebhook("4242424242424242", 10 * 60_000);
		// The list of the last hour's refunds and the orphan check only.
		expect(await run()).toMatchObject({ ordersChecked: 0, stripeCalls: 2 });
		expect(await getOrder(orderId)).toMatchObject({ status: "pending", reconciledAt: null });
	});

	it("takes at most its bound per run, never-checked and oldest first, the rest the next run", async () => {
		const due: Awaited<ReturnType<typeof paidWithoutWebhook>>[] = [];
		for (let i = 0; i < 5; i++) due.push(await paidWithoutWebhook());
		for (const [i, d] of due.entries()) await age(d.orderId, 10 * HOUR - i * 60_000);
		const statuses = async () =>
			Promise.all(due.map(async (d) => (await getOrder(d.orderId)).status));

		expect(await run({ maxOrders: 3 })).toMatchObject({ ordersChecked: 3 });
		expect(await statuses()).toEqual(["paid", "paid", "paid", "pending", "pending"]);
		expect(await run({ maxOrders: 3 })).toMatchObject({ ordersChecked: 2 });
		expect(await statuses()).toEqual(Array(5).fill("paid"));
	});

	it("makes exactly as many Stripe calls as its budget allows", async () => {
		const due: Awaited<ReturnType<typeof paidWithoutWebhook>>[] = [];
		for (let i = 0; i < 4; i++) due.push(await paidWithoutWebhook());
		const report = await run({ maxStripeCalls: 2 });
		expect(report).toMatchObject({ stripeCalls: 2, ordersChecked: 2 });
		const paid = await Promise.all(
			due.map(async (d) => (await getOrder(d.orderId)).status === "paid"),
		);
		expect(paid.filter(Boolean)).toHaveLength(2);
	});

	it("survives Stripe failing for one order, settles the others, and that one on the next run", async () => {
		const failing = await paidWithoutWebhook("4242424242424242", 2 * HOUR);
		const fine = await paidWithoutWebhook();
		await emulator.addFault({
			match: `GET /v1/checkout/sessions/${failing.sessionId}`,
			status: 500,
			count: 2,
		});
		expect(await run()).toMatchObject({ ordersChecked: 2, errors: 1 });
		expect((await getOrder(failing.orderId)).status).toBe("pending");
		expect((await getOrder(fine.orderId)).status).toBe("paid");
		expect(await run()).toMatchObject({ ordersChecked: 1, errors: 0 });
		expect((await getOrder(failing.orderId)).status).toBe("paid");
	});

	it("leaves an amount mismatch to a human while checking the rest", async () => {
		const mismatch = await insertOrder({
			failureCode: "amount_mismatch",
			createdAt: Date.now() - 20 * HOUR,
		});
		const { orderId } = await paidWithoutWebhook();
		expect(await run()).toMatchObject({ ordersChecked: 1 });
		expect((await getOrder(mismatch.id)).reconciledAt).toBeNull();
		expect((await getOrder(orderId)).status).toBe("paid");
	});

	it("settles a declined order whose session expired over a day ago (once skipped for good)", async () => {
		const { orderId, sessionId } = await paidWithoutWebhook("4000000000000002", 3 * DAY);
		await emulator.expire(sessionId);
		await db
			.update(orders)
			.set({ status: "failed", checkoutExpiresAt: Date.now() - 2 * DAY })
			.where(eq(orders.id, orderId));
		await run();
		expect((await getOrder(orderId)).status).toBe("expired");
	});

	it("settles a paid order whose session is long past its expiry (once dropped from the query)", async () => {
		const { orderId } = await paidWithoutWebhook("4242424242424242", 3 * DAY);
		await db
			.update(orders)
			.set({ checkoutExpiresAt: Date.now() - 2 * DAY })
			.where(eq(orders.id, orderId));
		await run();
		expect((await getOrder(orderId)).status).toBe("paid");
	});

	it("keeps checking a delayed payment however old", async () => {
		const { orderId } = await paidWithoutWebhook();
		await db
			.update(orders)
			.set({ status: "processing", checkoutExpiresAt: Date.now() - 48 * HOUR })
			.where(eq(orders.id, orderId));
		await run();
		expect((await getOrder(orderId)).status).toBe("paid");
	});

	it("alerts once on an order it cannot settle past its session's life, and keeps it in the rotation", async () => {
		// A session Stripe does not know (another account's, or lost): every look-up fails.
		const lost = await insertOrder({
			createdAt: Date.now() - 3 * DAY,
			checkoutExpiresAt: Date.now() - 2 * DAY,
		});
		const young = await insertOrder({ createdAt: Date.now() - HOUR });
		expect(await run()).toMatchObject({ ordersChecked: 2, unresolved: 1, errors: 2 });
		expect(await alertsOf(lost.id)).toMatchObject([{ kind: "unresolved_order" }]);
		expect(await alertsOf(young.id)).toEqual([]);
		await db
			.update(orders)
			.set({ reconciledAt: Date.now() - HOUR })
			.where(eq(orders.id, lost.id));
		await run();
		expect((await getOrder(lost.id)).reconciledAt).toBeGreaterThan(Date.now() - 60_000);
		expect(await alertsOf(lost.id)).toHaveLength(1);
	});
});

describe("orders that never reached Stripe", () => {
	it("cancels an order whose session was never created", async () => {
		const order = await insertOrder({
			stripeCheckoutSessionId: null,
			createdAt: Date.now() - HOUR,
		});
		await run();
		expect(await getOrder(order.id)).toMatchObject({
			status: "canceled",
			failureCode: "checkout_not_created",
		});
	});

	it("never cancels a checkout that may still be waiting for Stripe, even with no grace period", async () => {
		const creating = await insertOrder({
			stripeCheckoutSessionId: null,
			createdAt: Date.now() - STRIPE_CALL_DEADLINE_MS + 5_000,
		});
		const dead = await insertOrder({
			stripeCheckoutSessionId: null,
			createdAt: Date.now() - STRIPE_CALL_DEADLINE_MS - 5_000,
		});
		await run({ graceSeconds: 0 });
		expect((await getOrder(creating.id)).status).toBe("pending");
		expect((await getOrder(dead.id)).status).toBe("canceled");
	});
});

describe("webhook events and orphans", () => {
	it("re-processes a failed webhook event from Stripe's copy", async () => {
		const answer = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await emulator.pay(answer.sessionId);
		const [completed] = await emulator.events({
			objectId: answer.sessionId,
			type: "checkout.session.completed",
		});
		const event = completed as Stripe.Event;
		const payload = JSON.stringify(event);
		const res = await fetchWithEnv(
			new Request("https://shop.test/webhook", {
				method: "POST",
				headers: { "stripe-signature": await signature(payload) },
				body: payload,
			}),
			{ DB: d1FailingWrites("D1_ERROR: simulated outage") },
		);
		expect(res.status).toBe(500);
		expect((await ledgerRow(event.id))?.result).toBe("failed");

		expect(await run({ graceSeconds: 86_400 })).toMatchObject({
			eventsRetried: 1,
			ordersChecked: 0,
		});
		expect(await ledgerRow(event.id)).toMatchObject({ result: "processed" });
		expect((await getOrder(answer.orderId)).status).toBe("paid");
	});

	it("alerts once on a paid session that names an order we do not have", async () => {
		const ghost = crypto.randomUUID();
		const session = await stripe().checkout.sessions.create({
			mode: "payment",
			line_items: [
				{
					quantity: 1,
					price_data: { currency: "usd", unit_amount: 999, product_data: { name: "Ghost" } },
				},
			],
			success_url: "https://shop.test/success.html?session_id={CHECKOUT_SESSION_ID}",
			cancel_url: "https://shop.test/cancel.html",
			metadata: { order_id: ghost },
		});
		await emulator.pay(session.id);
		await run();
		expect(await alertsOf(ghost)).toMatchObject([{ kind: "orphan_payment" }]);
		await run();
		expect(await alertsOf(ghost)).toHaveLength(1);
	});
});

describe("refunds no webhook reported", () => {
	it("finds a refund made in the Dashboard whose webhook was lost, on paid orders of the last 30 days", async () => {
		const order = await paidOrder();
		await stripe().refunds.create({
			payment_intent: order.stripePaymentIntentId ?? "",
			amount: 1000,
		});
		expect(await run()).toMatchObject({ refundsChecked: 1, refundsFound: 1 });
		expect(await getOrder(order.id)).toMatchObject({ status: "paid", amountRefunded: 1000 });

		await stripe().refunds.create({ payment_intent: order.stripePaymentIntentId ?? "" });
		await run();
		expect(await getOrder(order.id)).toMatchObject({
			status: "refunded",
			amountRefunded: 3600,
			refundCheckAt: null,
		});
		expect((await transitionsOf(order.id)).at(-1)).toMatchObject({
			toStatus: "refunded",
			source: "reconcile",
		});
	});

	it("checks never-checked paid orders first, then the least recently checked", async () => {
		const paid: Awaited<ReturnType<typeof paidOrder>>[] = [];
		for (let i = 0; i < REFUND_CHECKS_PER_RUN + 2; i++) paid.push(await paidOrder());
		// The first ten were checked before (oldest first); the last two never.
		for (const [i, order] of paid.entries()) {
			const refundCheckAt = i < REFUND_CHECKS_PER_RUN ? Date.now() - HOUR + i : 0;
			await db.update(orders).set({ refundCheckAt }).where(eq(orders.id, order.id));
		}
		const before = Date.now();
		// A run whose budget leaves the rotation just its share (no open orders looked at).
		const share = await run({ maxOrders: 0, maxStripeCalls: REFUND_CHECKS_PER_RUN + 2 });
		expect(share).toMatchObject({ refundsChecked: REFUND_CHECKS_PER_RUN });
		const checked = await Promise.all(
			paid.map(async (o) => ((await getOrder(o.id)).refundCheckAt ?? 0) >= before),
		);
		expect(checked).toEqual([
			...Array(REFUND_CHECKS_PER_RUN - 2).fill(true),
			false,
			false,
			true,
			true,
		]);
	});

	it("gives paid orders their share of the Stripe calls however many open orders are due", async () => {
		const order = await paidOrder();
		for (let i = 0; i < 6; i++) await insertOrder({ createdAt: Date.now() - HOUR });
		const report = await run({ maxStripeCalls: 4 });
		expect(report).toMatchObject({ refundsChecked: 1, ordersChecked: 3, stripeCalls: 4 });
		expect((await getOrder(order.id)).refundCheckAt).toBeGreaterThan(0);
	});

	it("keeps up with the shop: with calls to spare, a run re-checks every paid order that is due", async () => {
		// Paid orders as the rotation reads them (never re-checked yet); their payments need not exist.
		const paid = await Promise.all(
			Array.from({ length: 3 * REFUND_CHECKS_PER_RUN }, () =>
				insertOrder({ status: "paid", paidAt: Date.now(), refundCheckAt: 0 }),
			),
		);
		const before = Date.now();
		const report = await run({ maxStripeCalls: 200 });
		expect(report.refundsChecked).toBeGreaterThanOrEqual(paid.length);
		for (const order of paid)
			expect((await getOrder(order.id)).refundCheckAt ?? 0).toBeGreaterThanOrEqual(before);
	});

	it("finds a Dashboard refund whose webhook was lost in its first run, whatever its place in the rotation", async () => {
		const refundedOutside = await paidOrder();
		// More never-checked paid orders than the run's rotation can take.
		for (let i = 0; i < REFUND_CHECKS_PER_RUN + 2; i++)
			await insertOrder({ status: "paid", paidAt: Date.now(), refundCheckAt: 0 });
		// Just re-checked, after every other: the rotation would come back to it last.
		await db
			.update(orders)
			.set({ refundCheckAt: Date.now() })
			.where(eq(orders.id, refundedOutside.id));
		await stripe().refunds.create({
			payment_intent: refundedOutside.stripePaymentIntentId ?? "",
			amount: 700,
		});
		const report = await run({ maxOrders: 0, maxStripeCalls: REFUND_CHECKS_PER_RUN + 2 });
		expect(report.refundsFound).toBeGreaterThanOrEqual(1);
		expect(await getOrder(refundedOutside.id)).toMatchObject({
			status: "paid",
			amountRefunded: 700,
		});
		const recorded = await dbq.query.refunds.findMany({
			where: (r, { eq }) => eq(r.orderId, refundedOutside.id),
		});
		expect(recorded.map((r) => [r.amount, r.source])).toEqual([[700, "dashboard"]]);
	});

	it("stops re-checking a paid order 30 days after its payment", async () => {
		const old = await paidOrder(Date.now() - REFUND_WINDOW_MS - HOUR);
		const recent = await paidOrder(Date.now() - REFUND_WINDOW_MS + HOUR);
		expect(await run()).toMatchObject({ refundsChecked: 1 });
		expect((await getOrder(old.id)).refundCheckAt).toBeNull();
		expect((await getOrder(recent.id)).refundCheckAt).toBeGreaterThan(0);
	});
});

describe("the Cron Trigger", () => {
	it("runs reconciliation through the worker's exported scheduled handler, with its own bindings", async () => {
		const { orderId } = await paidWithoutWebhook("4242424242424242", 60_000);
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env, ctx);
		await waitOnExecutionContext(ctx);
		expect((await getOrder(orderId)).status).toBe("paid");
	});
});
