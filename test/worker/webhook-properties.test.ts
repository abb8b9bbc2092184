import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/domain/vocabulary.ts";
import { getOrder, insertOrder } from "./helpers/db.ts";
import {
	completedSession,
	declinedPaymentIntent,
	paymentIntent,
	stripeEvent,
	uniqueId,
} from "./helpers/stripe-objects.ts";
import { deliver } from "./helpers/webhooks.ts";

/** A small seeded PRNG (mulberry32): a failing seed can be replayed. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Kind = "processing" | "paid" | "failed" | "expired";

/** The order state table, as an independent reference model. */
const ALLOWED_FROM: Record<Kind, OrderStatus[]> = {
	processing: ["pending", "failed"],
	paid: ["pending", "processing", "failed", "canceled", "expired"],
	failed: ["pending", "processing"],
	expired: ["pending", "failed"],
};

function predict(deliveries: { id: string; kind: Kind; created: number }[]): OrderStatus {
	let status: OrderStatus = "pending";
	let last: number | null = null;
	const seen = new Set<string>();
	for (const e of deliveries) {
		if (seen.has(e.id)) continue;
		seen.add(e.id);
		if (e.kind !== "paid" && last !== null && e.created < last) continue;
		if (!ALLOWED_FROM[e.kind].includes(status)) continue;
		status = e.kind;
		last = Math.max(last ?? 0, e.created);
	}
	return status;
}

const KINDS: {
	kind: Kind;
	build: (orderId: string, pi: string, created: number) => Stripe.Event;
}[] = [
	{
		kind: "processing",
		build: (o, pi, c) =>
			stripeEvent(
				"checkout.session.completed",
				completedSession({ orderId: o, payment_intent: pi, payment_status: "unpaid" }),
				{ created: c },
			),
	},
	{
		kind: "paid",
		build: (o, pi, c) =>
			stripeEvent(
				"checkout.session.completed",
				completedSession({ orderId: o, payment_intent: pi }),
				{ created: c },
			),
	},
	{
		kind: "paid",
		build: (o, pi, c) =>
			stripeEvent(
				"payment_intent.succeeded",
				paymentIntent({ orderId: o, id: pi, status: "succeeded", amount_received: 4800 }),
				{ created: c },
			),
	},
	{
		kind: "paid",
		build: (o, pi, c) =>
			stripeEvent(
				"checkout.session.async_payment_succeeded",
				completedSession({ orderId: o, payment_intent: pi }),
				{ created: c },
			),
	},
	{
		kind: "failed",
		build: (o, pi, c) =>
			stripeEvent("payment_intent.payment_failed", declinedPaymentIntent({ orderId: o, id: pi }), {
				created: c,
			}),
	},
	{
		kind: "failed",
		build: (o, pi, c) =>
			stripeEvent(
				"checkout.session.async_payment_failed",
				completedSession({ orderId: o, payment_intent: pi, payment_status: "unpaid" }),
				{ created: c },
			),
	},
	{
		kind: "expired",
		build: (o, _pi, c) =>
			stripeEvent(
				"checkout.session.expired",
				completedSession({
					orderId: o,
					status: "expired",
					payment_status: "unpaid",
					payment_intent: null,
				}),
				{ created: c },
			),
	},
];

describe("random event sequences (property)", () => {
	const SEED = 20261124;
	const ORDERS = 30;

	it(`always ends where the state table predicts (seed ${SEED}, ${ORDERS} orders)`, async () => {
		const random = prng(SEED);
		const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
		for (let n = 0; n < ORDERS; n++) {
			const order = await insertOrder();
			const pi = uniqueId("pi");
			const t0 = Math.floor(Date.now() / 1000) - 1000;
			const made: { id: string; kind: Kind; created: number; event: Stripe.Event }[] = [];
			const length = 1 + Math.floor(random() * 6);
			for (let i = 0; i < length; i++) {
				// Reuse an earlier event now and then: Stripe redelivers.
				if (made.length > 0 && random() < 0.25) {
					made.push(pick(made));
					continue;
				}
				const { kind, build } = pick(KINDS);
				const created = t0 + Math.floor(random() * 4); // narrow range: same-second facts are common
				const event = build(order.id, pi, created);
				made.push({ id: event.id, kind, created, event });
			}
			for (const m of made) expect((await deliver(m.event)).status).toBe(200);
			const expected = predict(made);
			const actual = (await getOrder(order.id)).status;
			expect(
				actual,
				`order ${n}: ${made.map((m) => `${m.kind}@${m.created - t0}`).join(" ")}`,
			).toBe(expected);
		}
	});
});
