/**
 * A bounded load run with faults: 30 shoppers check out at once (each with an
 * Idempotency-Key, retrying as the storefront does), half of them for the 15
 * units of a limited product, while D1 drops writes in three outage windows
 * and fails to record some sessions, and Stripe fails some session creations;
 * then they pay (some mistype their address, are declined, correct it and
 * pay), their webhooks are delivered in a seeded order through more D1
 * outages and redelivered as Stripe does, the operator makes partial refunds
 * that D1 fails right after Stripe's answer and retries them, and the Cron
 * runs. At the end: no shopper locked out, no unit held by a checkout that
 * failed, every payment on its order, one Stripe refund per refund asked,
 * every e-mail to the address the payment was made with, and no payable
 * session for an order that does not know it. The schedule replays from its
 * seed.
 */
import { eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { emails, orders, products } from "../../src/db/schema.ts";
import { reconcile } from "../../src/services/orders/reconcile.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { uniqueOrigin } from "./helpers/checkout.ts";
import { d1WithOutage, db, dbq, testDeps } from "./helpers/db.ts";
import { emulator, pressPay, stripe } from "./helpers/emulator.ts";
import { signature } from "./helpers/webhooks.ts";

const SEED = 20261206;
const SHOPPERS = 30;
const LIMITED_UNITS = 15;
const OTHERS = ["espresso-beans", "pour-over-kit", "travel-mug"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes that come once Stripe has answered: D1 failing exactly there is the dangerous case. */
const RECORD_SESSION = /^\s*update "orders" set "stripe_checkout_session_id"/i;
const AFTER_REFUND = [
	/^\s*insert into "refunds"/i,
	/^\s*update "orders"/i,
	/^\s*update "refund_requests"/i,
];

/**
 * From the seed: three outages that each refuse 2 to 4 consecutive writes, at
 * least 16 writes apart (D1 blips are short and far between, so a request's own
 * retries outlast one); the order Stripe's events are first delivered in; who
 * mistypes their address; and how each refund is retried.
 */
const [schedule] = fc.sample(
	fc.record({
		outages: fc.tuple(
			...[0, 1, 2].map((i) =>
				fc.tuple(
					fc.noBias(fc.integer({ min: 40 * i, max: 40 * i + 20 })),
					fc.noBias(fc.integer({ min: 2, max: 4 })),
				),
			),
		),
		deliveryOrder: fc.array(fc.integer(), { minLength: 200, maxLength: 200 }),
		mistypes: fc.array(fc.boolean(), { minLength: SHOPPERS, maxLength: SHOPPERS }),
		refundRetries: fc.array(
			fc.record({
				fault: fc.nat({ max: AFTER_REFUND.length }),
				key: fc.constantFrom("same", "none", "new"),
			}),
			{ minLength: SHOPPERS, maxLength: SHOPPERS },
		),
	}),
	{ seed: SEED, numRuns: 1 },
);
if (!schedule) throw new Error("no schedule");

describe("concurrent shoppers with D1 and Stripe faults", () => {
	it("ends with no unit held by a failed checkout, one refund per request, every e-mail to the payer, every payment recorded", async () => {
		const outage = d1WithOutage();
		outage.state.windows = schedule.outages.map(([from, length]) => [from, from + length]);
		// D1 also fails to record three sessions Stripe has just made.
		outage.refuse(RECORD_SESSION, 3);
		const origin = uniqueOrigin();
		const env = { DB: outage.binding, APP_URL: origin };
		const since = Math.floor(Date.now() / 1000) - 5;
		const limited = `load-${crypto.randomUUID().slice(0, 8)}`;
		await db.insert(products).values({
			id: limited,
			name: "Limited batch",
			unitAmount: 2000,
			currency: "usd",
			shippable: false,
			stock: LIMITED_UNITS,
		});
		// Stripe fails four session creations of this run (a 500 each).
		await emulator.addFault({ match: new URL(origin).host, status: 500, count: 4 });

		const figures = { attempts: 0, serverErrors: 0, conflicts: 0, lockedOut: 0 };
		const shop = async (i: number) => {
			const key = crypto.randomUUID();
			const productId = i % 2 === 0 ? limited : (OTHERS[i % 3] as string);
			const body = JSON.stringify({ items: [{ productId, quantity: 1 }] });
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
				// In progress, or (a held unit) out of stock: the storefront waits and tries again.
				if (res.status === 409) figures.conflicts++;
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

		// Every checkout that failed has ended, its units given back, now that the requests are over.
		const unsent = await db
			.select()
			.from(orders)
			.where(eq(orders.origin, origin))
			.then((rows) => rows.filter((o) => o.stripeCheckoutSessionId === null));
		expect(unsent.every((o) => o.status === "canceled")).toBe(true);
		const limitedRow = await dbq.query.products.findFirst({ where: eq(products.id, limited) });
		expect(limitedRow?.stock).toBe(0);

		// Everyone pays; some mistype their address, are declined, correct it and pay.
		const payer = (i: number) => `shopper-${i}@example.com`;
		await Promise.all(
			done.map(async (a, i) => {
				if (schedule.mistypes[i]) {
					expect(await pressPay(a.sessionId, `shoper-${i}@example.com`, "4000000000000002")).toBe(
						402,
					);
				}
				expect(await pressPay(a.sessionId, payer(i), "4242424242424242")).toBe(303);
			}),
		);

		// Stripe's events reach the worker in a seeded order while D1 fails some more; a delivery
		// not answered 2xx is delivered again, as Stripe does.
		outage.state.writes = 0;
		const types = [
			"payment_intent.payment_failed",
			"payment_intent.succeeded",
			"checkout.session.completed",
		];
		const events: Stripe.Event[] = [];
		for (const a of done)
			for (const type of types)
				events.push(...(await emulator.events({ orderId: a.orderId, type })));
		const shuffled = events
			.map((event, i) => ({ event, key: schedule.deliveryOrder[i % 200] ?? 0 }))
			.sort((x, y) => x.key - y.key)
			.map((d) => d.event);
		// A delivery whose failure D1 did not record holds its event a minute (409 meanwhile): what is
		// still not delivered then is the Cron's, a few minutes later.
		let undelivered = 0;
		const deliver = async (event: Stripe.Event) => {
			const payload = JSON.stringify(event);
			for (let attempt = 0; attempt < 5; attempt++) {
				const res = await fetchWithEnv(
					new Request(`${origin}/webhook`, {
						method: "POST",
						headers: { "stripe-signature": await signature(payload) },
						body: payload,
					}),
					env,
				);
				if (res.status === 200) return;
				expect([409, 500]).toContain(res.status);
				await sleep(20);
			}
			undelivered++;
		};
		await Promise.all(shuffled.map(deliver));

		// The operator refunds 5.00 of every third order, then 3.00 more; D1 fails right after
		// Stripe's answer on the first, and the operator retries as the seed says.
		outage.state.windows = [];
		const refunded = done.filter((_, i) => i % 3 === 0);
		const asked = new Map<string, number>();
		const refund = (orderId: string, amount: number, key?: string) =>
			fetchWithEnv(
				new Request(`${origin}/admin/orders/${orderId}/refund`, {
					method: "POST",
					headers: {
						authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
						"content-type": "application/json",
						...(key && { "idempotency-key": key }),
					},
					body: JSON.stringify({ amount }),
				}),
				env,
			);
		for (const [n, a] of refunded.entries()) {
			const plan = schedule.refundRetries[n] ?? { fault: 0, key: "same" };
			const key = crypto.randomUUID();
			const fault = AFTER_REFUND[plan.fault];
			if (fault) outage.refuse(fault);
			let res = await refund(a.orderId, 500, key);
			outage.state.targeted = [];
			if (res.status !== 200) {
				expect(res.status).toBe(500);
				res = await refund(
					a.orderId,
					500,
					plan.key === "same" ? key : plan.key === "new" ? crypto.randomUUID() : undefined,
				);
			}
			expect(res.status, await res.clone().text()).toBe(200);
			const more = await refund(a.orderId, 300, crypto.randomUUID());
			expect(more.status, await more.clone().text()).toBe(200);
			asked.set(a.orderId, 2);
		}

		// The Cron, minutes later, catches up on anything a webhook missed.
		const later = testDeps({ now: () => Date.now() + 5 * 60_000 });
		const deps = { ...later, stripe: stripe(), liveMode: false };
		for (let run = 0; run < 2; run++)
			await reconcile(deps, { graceSeconds: 0, maxStripeCalls: 200 });

		// Every session Stripe made for this run: paid ones on a paid order, refunds recorded to the
		// minor unit and exactly as many as were asked, none open for an order that does not know it.
		const sessions = (
			await stripe().checkout.sessions.list({ created: { gte: since }, limit: 100 })
		).data.filter((s) => s.success_url?.startsWith(origin));
		expect(sessions.length).toBeGreaterThanOrEqual(SHOPPERS);
		const payerOf = new Map<string, string>();
		for (const session of sessions) {
			const orderId = session.metadata?.order_id ?? "";
			const order = await dbq.query.orders.findFirst({ where: eq(orders.id, orderId) });
			if (session.payment_status === "paid") {
				expect(order?.status, `order of paid session ${session.id}`).toBe("paid");
				const pi = await stripe().paymentIntents.retrieve(String(session.payment_intent), {
					expand: ["latest_charge"],
				});
				expect(order?.amountRefunded).toBe((pi.latest_charge as Stripe.Charge).amount_refunded);
				const made = await stripe().refunds.list({ payment_intent: pi.id, limit: 100 });
				expect(made.data, `refunds of order ${orderId}`).toHaveLength(asked.get(orderId) ?? 0);
				payerOf.set(orderId, session.customer_details?.email ?? "");
			} else if (session.status === "open") {
				expect(order?.stripeCheckoutSessionId, `open session ${session.id}`).toBe(session.id);
			}
		}
		// Every e-mail of the run went to the address its order was paid with.
		const outbox = await db
			.select()
			.from(emails)
			.where(inArray(emails.orderId, [...payerOf.keys()]));
		expect(outbox.length).toBeGreaterThanOrEqual(payerOf.size);
		const misdirected = outbox.filter((e) => e.to !== payerOf.get(e.orderId ?? ""));
		expect(misdirected).toEqual([]);

		console.log(
			JSON.stringify({
				load: {
					shoppers: SHOPPERS,
					...figures,
					outages: schedule.outages,
					writesRefused: outage.state.writesFailed,
					mistyped: schedule.mistypes.filter(Boolean).length,
					refundsAsked: [...asked.values()].reduce((s, n) => s + n, 0),
					eventsLeftToTheCron: undelivered,
					emails: outbox.length,
				},
			}),
		);
	}, 120_000);
});
