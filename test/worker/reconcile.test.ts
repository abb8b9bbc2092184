import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { orders } from "../../src/db/schema.ts";
import type { ReconcileOptions } from "../../src/services/reconcile.ts";
import { reconcile } from "../../src/services/reconcile.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { checkout } from "./helpers/checkout.ts";
import {
	alertsOf,
	d1FailingWrites,
	db,
	getOrder,
	insertOrder,
	ledgerRow,
	testDeps,
	transitionsOf,
} from "./helpers/db.ts";
import { addFault, control, eventsFor, pay, stripe } from "./helpers/emulator.ts";
import { signature } from "./helpers/webhooks.ts";

const HOUR = 3600_000;
/** Orders made "an hour ago" are due with this grace; the other tests' fresh orders are not. */
const options: ReconcileOptions = { graceSeconds: 30 * 60 };
const run = (extra: Partial<ReconcileOptions> = {}, deps = testDeps()) =>
	reconcile({ ...deps, stripe: stripe() }, { ...options, ...extra });

async function ageOrder(orderId: string, ms = HOUR) {
	await db
		.update(orders)
		.set({ createdAt: Date.now() - ms })
		.where(eq(orders.id, orderId));
}

/** A checkout paid at Stripe whose webhooks never arrived. */
async function paidWithoutWebhook(card = "4242424242424242") {
	const answer = await checkout([{ productId: "travel-mug", quantity: 2 }]);
	await pay(answer.sessionId, { card });
	await ageOrder(answer.orderId);
	return answer;
}

describe("reconciliation (Cron Trigger)", () => {
	it("marks paid an order paid at Stripe whose webhook was missed, in one run", async () => {
		const { orderId } = await paidWithoutWebhook();
		expect((await getOrder(orderId)).status).toBe("pending");
		const report = await run();
		expect(report.ordersChanged).toBeGreaterThanOrEqual(1);
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
		await control(`/sessions/${answer.sessionId}/expire`, {});
		await ageOrder(answer.orderId);
		await run();
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

	it("processes its bound and leaves the rest for the next run, least recently checked first", async () => {
		const due: Awaited<ReturnType<typeof paidWithoutWebhook>>[] = [];
		for (let i = 0; i < 5; i++) due.push(await paidWithoutWebhook());
		// Older orders of other tests may be due too: make ours the oldest, never checked.
		for (const [i, d] of due.entries()) await ageOrder(d.orderId, 10 * HOUR + i);
		const first = await run({ maxOrders: 3 });
		expect(first.ordersChecked).toBe(3);
		const statuses = async () =>
			Promise.all(due.map(async (d) => (await getOrder(d.orderId)).status));
		expect((await statuses()).filter((s) => s === "paid")).toHaveLength(3);
		await run({ maxOrders: 3 });
		expect(await statuses()).toEqual(Array(5).fill("paid"));
	});

	it("never makes more Stripe calls than its budget", async () => {
		for (let i = 0; i < 4; i++) await paidWithoutWebhook();
		const report = await run({ maxStripeCalls: 2 });
		expect(report.stripeCalls).toBeLessThanOrEqual(2);
	});

	it("survives Stripe failing for one order and fixes it on the next run", async () => {
		const { orderId, sessionId } = await paidWithoutWebhook();
		await ageOrder(orderId, 20 * HOUR);
		await addFault({ match: `GET /v1/checkout/sessions/${sessionId}`, status: 500, count: 2 });
		const failing = await run();
		expect(failing.errors).toBeGreaterThanOrEqual(1);
		expect((await getOrder(orderId)).status).toBe("pending");
		await db.update(orders).set({ reconciledAt: null }).where(eq(orders.id, orderId));
		await run();
		expect((await getOrder(orderId)).status).toBe("paid");
	});

	it("re-processes a failed webhook event from Stripe's copy", async () => {
		const answer = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await pay(answer.sessionId);
		const [completed] = await eventsFor(answer.sessionId, "checkout.session.completed");
		expect(completed).toBeDefined();
		const event = completed as Stripe.Event;
		const payload = JSON.stringify(event);
		const failingDb = d1FailingWrites("D1_ERROR: simulated outage");
		const res = await fetchWithEnv(
			new Request("https://shop.test/webhook", {
				method: "POST",
				headers: { "stripe-signature": await signature(payload) },
				body: payload,
			}),
			{ DB: failingDb },
		);
		expect(res.status).toBe(500);
		expect((await ledgerRow(event.id))?.result).toBe("failed");

		const report = await run({ graceSeconds: 86_400 });
		expect(report.eventsRetried).toBeGreaterThanOrEqual(1);
		expect(await ledgerRow(event.id)).toMatchObject({ result: "processed" });
		expect((await getOrder(answer.orderId)).status).toBe("paid");
	});

	it("leaves an amount mismatch to a human", async () => {
		const order = await insertOrder({
			failureCode: "amount_mismatch",
			createdAt: Date.now() - 20 * HOUR,
		});
		await run();
		expect((await getOrder(order.id)).reconciledAt).toBeNull();
	});

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

	it("alerts on a paid session that names an order we do not have", async () => {
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
		await pay(session.id);
		await run();
		expect(await alertsOf(ghost)).toMatchObject([{ kind: "orphan_payment" }]);
		await run();
		expect(await alertsOf(ghost)).toHaveLength(1);
	});

	it("runs from the Cron Trigger with the worker's own bindings", async () => {
		const { orderId } = await paidWithoutWebhook();
		const { runScheduled } = await import("../../src/scheduled.ts");
		const waits: Promise<unknown>[] = [];
		await runScheduled(
			{ ...env, RECONCILE_GRACE_SECONDS: "1800" },
			{ waitUntil: (p: Promise<unknown>) => waits.push(p) } as unknown as ExecutionContext,
			Date.now(),
		);
		expect((await getOrder(orderId)).status).toBe("paid");
	});
});

describe("reconciliation leaves dead orders alone", () => {
	it("stops checking a declined order whose session closed more than a day ago", async () => {
		const order = await insertOrder({
			status: "failed",
			createdAt: Date.now() - 72 * HOUR,
			checkoutExpiresAt: Date.now() - 48 * HOUR,
		});
		await run();
		expect((await getOrder(order.id)).reconciledAt).toBeNull();
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
});
