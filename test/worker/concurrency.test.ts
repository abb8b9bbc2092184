import fc from "fast-check";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { checkout } from "./helpers/checkout.ts";
import { getOrder, transitionsOf } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { deliver } from "./helpers/webhooks.ts";

const PRODUCTS = ["espresso-beans", "pour-over-kit", "travel-mug"];

/** The schedules replay from this seed; fast-check prints seed and path of any failing one. */
const SEED = 20261201;

describe("concurrency (bounded, loopback only)", () => {
	it("loses and double-counts nothing under parallel checkouts and overlapping deliveries", async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 4, max: 12 }), fc.infiniteStream(fc.nat()), (n, keys) =>
				parallelRound(n, keys),
			),
			{ seed: SEED, numRuns: 3 },
		);
	});
});

/** n checkouts at once, paid, then every event delivered three times at once in a seeded order. */
async function parallelRound(N: number, keys: fc.Stream<number>) {
	{
		const answers = await Promise.all(
			Array.from({ length: N }, (_, i) =>
				checkout([{ productId: PRODUCTS[i % 3] as string, quantity: 1 + (i % 4) }]),
			),
		);
		expect(new Set(answers.map((a) => a.orderId)).size).toBe(N);
		await Promise.all(answers.map((a) => emulator.pay(a.sessionId)));

		const events: Stripe.Event[] = [];
		for (const a of answers) {
			events.push(
				...(await emulator.events({ objectId: a.sessionId, type: "checkout.session.completed" })),
			);
			const session = await stripe().checkout.sessions.retrieve(a.sessionId);
			events.push(
				...(await emulator.events({
					objectId: String(session.payment_intent),
					type: "payment_intent.succeeded",
				})),
			);
		}
		expect(events.length).toBe(2 * N);
		// Every event three times, in the seeded order, all in flight at once.
		const order = [...keys.take(3 * events.length)];
		const deliveries = [...events, ...events, ...events]
			.map((event, i) => ({ event, key: order[i] ?? 0 }))
			.sort((a, b) => a.key - b.key)
			.map((d) => d.event);
		const statuses = await Promise.all(deliveries.map((e) => deliver(e).then((r) => r.status)));
		// A copy that finds its event in flight gets 409 (Stripe retries); each event is delivered once.
		expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);

		let paidTotal = 0;
		let stripeTotal = 0;
		for (const a of answers) {
			const order = await getOrder(a.orderId);
			expect(order.status).toBe("paid");
			expect((await transitionsOf(a.orderId)).filter((t) => t.toStatus === "paid")).toHaveLength(1);
			paidTotal += order.amount;
			const session = await stripe().checkout.sessions.retrieve(a.sessionId, {
				expand: ["payment_intent"],
			});
			stripeTotal += (session.payment_intent as Stripe.PaymentIntent).amount_received;
		}
		expect(paidTotal).toBe(stripeTotal);
	}
}
