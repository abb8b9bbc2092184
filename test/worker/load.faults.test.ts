/**
 * A bounded load run with faults: 30 shoppers check out at once (each with an
 * Idempotency-Key, retrying as the storefront does) while D1 drops writes in
 * three outage windows and Stripe fails some session creations; then they
 * pay, their webhooks are delivered through more D1 outages, the operator
 * refunds a third of them, and the Cron runs. At the end: no shopper locked
 * out, every payment on its order, every refund recorded, no payable session
 * for an order that does not know it. The schedule replays from its seed.
 */
import fc from "fast-check";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { reconcile } from "../../src/services/reconcile.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { uniqueOrigin } from "./helpers/checkout.ts";
import { d1WithOutage, db, testDeps } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { signature } from "./helpers/webhooks.ts";

const SEED = 20261201;
const SHOPPERS = 30;
const PRODUCTS = ["espresso-beans", "pour-over-kit", "travel-mug"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Three outages, from the seed: each refuses 2 to 4 consecutive writes and they
 * are at least 16 writes apart, as D1 blips are short and far between. A
 * request's own retries (five, backing off) thus always outlast one of them.
 */
const [outages] = fc.sample(
	fc.tuple(
		...[0, 1, 2].map((i) =>
			fc.tuple(
				fc.noBias(fc.integer({ min: 40 * i, max: 40 * i + 20 })),
				fc.noBias(fc.integer({ min: 2, max: 4 })),
			),
		),
	),
	{ seed: SEED, numRuns: 1 },
);

describe("concurrent shoppers with D1 and Stripe faults", () => {
	it("ends with every payment and refund recorded, no shopper locked out, no unknown payable session", async () => {
		const outage = d1WithOutage();
		outage.state.windows = (outages ?? []).map(([from, length]) => [from, from + length]);
		const origin = uniqueOrigin();
		const env = { DB: outage.binding, APP_URL: origin };
		const since = Math.floor(Date.now() / 1000) - 5;
		// Stripe fails four session creations of this run (a 500 each).
		await emulator.addFault({ match: new URL(origin).host, status: 500, count: 4 });

		const figures = { attempts: 0, serverErrors: 0, inProgress: 0, lockedOut: 0 };
		const shop = async (i: number) => {
			const key = crypto.randomUUID();
			const body = JSON.stringify({
				items: [{ productId: PRODUCTS[i % 3], quantity: 1 + (i % 3) }],
			});
			for (let attempt = 0; attempt < 40; attempt++) {
				figures.attempts++;
				const res = await fetchWithEnv(
					new Request(`${origin}/create-checkout-session`, {
						method: "POST",
						headers: { "content-type": "application/json", "idempotency-key": key },
						body,
					}),
					env,
				);
				if (res.status === 200) return res.json<{ orderId: string; sessionId: string }>();
				if (res.status === 409) figures.inProgress++;
				else if (res.status >= 500) figures.serverErrors++;
				else throw new Error(`shopper ${i}: ${res.status} ${await res.text()}`);
				await sleep(50);
			}
			figures.lockedOut++;
			return null;
		};
		const answers = await Promise.all(Array.from({ length: SHOPPERS }, (_, i) => shop(i)));
		expect(figures.lockedOut).toBe(0);
		const done = answers.filter((a): a is NonNullable<typeof a> => a !== null);
		expect(done).toHaveLength(SHOPPERS);

		// Everyone pays; Stripe's events reach the worker while D1 fails some more.
		await Promise.all(done.map((a) => emulator.pay(a.sessionId)));
		outage.state.writes = 0;
		const events: Stripe.Event[] = [];
		for (const a of done)
			events.push(
				...(await emulator.events({ objectId: a.sessionId, type: "checkout.session.completed" })),
			);
		const deliveries = await Promise.all(
			events.map(async (event) => {
				const payload = JSON.stringify(event);
				const res = await fetchWithEnv(
					new Request(`${origin}/webhook`, {
						method: "POST",
						headers: { "stripe-signature": await signature(payload) },
						body: payload,
					}),
					env,
				);
				return res.status;
			}),
		);
		expect(deliveries.every((s) => s === 200 || s === 500)).toBe(true);

		// The operator refunds every third order (retrying a 5xx as the admin page lets one do).
		const refunded = done.filter((_, i) => i % 3 === 0);
		for (const a of refunded) {
			let status = 0;
			for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
				const res = await fetchWithEnv(
					new Request(`${origin}/admin/orders/${a.orderId}/refund`, {
						method: "POST",
						headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
					}),
					env,
				);
				status = res.status;
				// An order whose payment D1 did not record yet cannot be refunded until reconciliation.
				if (res.status === 409) break;
			}
		}

		// D1 is back: the Cron catches up on what the outages made the webhooks miss.
		outage.state.windows = [];
		const deps = { ...testDeps(), stripe: stripe(), liveMode: false };
		for (let run = 0; run < 3; run++) await reconcile(deps, { graceSeconds: 0 });
		for (const a of refunded) {
			const order = await db.query.orders.findFirst({ where: (o, { eq }) => eq(o.id, a.orderId) });
			if (order?.status === "paid" && order.amountRefunded === 0) {
				const res = await fetchWithEnv(
					new Request(`${origin}/admin/orders/${a.orderId}/refund`, {
						method: "POST",
						headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
					}),
					{ APP_URL: origin },
				);
				expect(res.status).toBe(200);
			}
		}
		await reconcile(deps, { graceSeconds: 0 });

		// Every session Stripe made for this run: paid ones on a paid (or refunded) order,
		// refunds recorded to the minor unit, and none left open for an order that does not know it.
		const sessions = (
			await stripe().checkout.sessions.list({ created: { gte: since }, limit: 100 })
		).data.filter((s) => s.success_url?.startsWith(origin));
		expect(sessions.length).toBeGreaterThanOrEqual(SHOPPERS);
		for (const session of sessions) {
			const order = await db.query.orders.findFirst({
				where: (o, { eq }) => eq(o.id, session.metadata?.order_id ?? ""),
			});
			if (session.payment_status === "paid") {
				expect(order?.status, `order of paid session ${session.id}`).toMatch(/^(paid|refunded)$/);
				const pi = await stripe().paymentIntents.retrieve(String(session.payment_intent), {
					expand: ["latest_charge"],
				});
				expect(order?.amountRefunded).toBe((pi.latest_charge as Stripe.Charge).amount_refunded);
			} else if (session.status === "open") {
				expect(order?.stripeCheckoutSessionId, `open session ${session.id}`).toBe(session.id);
			}
		}
		const refundsMade = refunded.length;
		console.log(
			JSON.stringify({
				load: {
					shoppers: SHOPPERS,
					...figures,
					outages,
					writesRefused: outage.state.writesFailed,
					refundsMade,
				},
			}),
		);
	}, 120_000);
});
