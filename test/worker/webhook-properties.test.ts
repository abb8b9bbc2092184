import fc from "fast-check";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/domain/vocabulary.ts";
import { getOrder, insertOrder } from "./helpers/db.ts";
import { events } from "./helpers/stripe-events.ts";
import { uniqueId } from "./helpers/stripe-objects.ts";
import { deliver } from "./helpers/webhooks.ts";

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
	{ kind: "processing", build: (o, pi, c) => events.completedUnpaid({ id: o }, c, pi) },
	{ kind: "paid", build: (o, pi, c) => events.completedPaid({ id: o }, pi, c) },
	{ kind: "paid", build: (o, pi, c) => events.piSucceeded({ id: o }, pi, c) },
	{ kind: "paid", build: (o, pi, c) => events.asyncSucceeded({ id: o }, c, pi) },
	{ kind: "failed", build: (o, pi, c) => events.piFailed({ id: o }, pi, c) },
	{ kind: "failed", build: (o, pi, c) => events.asyncFailed({ id: o }, c, pi) },
	{ kind: "expired", build: (o, _pi, c) => events.expired({ id: o }, c) },
];

/** One delivery: a new event (its kind, and its second within a narrow range: same-second facts are common), or Stripe redelivering an earlier one. */
const step = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ build: fc.nat(KINDS.length - 1), dt: fc.nat(3) }) },
	{ weight: 1, arbitrary: fc.record({ again: fc.nat() }) },
);

describe("random event sequences (property)", () => {
	/** fast-check prints the seed and path of a failing run (and shrinks it) to replay it. */
	const SEED = 20261124;
	const RUNS = 30;

	it(`always ends where the state table predicts (seed ${SEED}, ${RUNS} orders)`, async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
				const order = await insertOrder();
				const pi = uniqueId("pi");
				const t0 = Math.floor(Date.now() / 1000) - 1000;
				const made: { id: string; kind: Kind; created: number; event: Stripe.Event }[] = [];
				for (const s of steps) {
					if ("again" in s) {
						if (made.length > 0) made.push(made[s.again % made.length] as (typeof made)[number]);
						continue;
					}
					const { kind, build } = KINDS[s.build] as (typeof KINDS)[number];
					const created = t0 + s.dt;
					const event = build(order.id, pi, created);
					made.push({ id: event.id, kind, created, event });
				}
				for (const m of made) expect((await deliver(m.event)).status).toBe(200);
				const actual = (await getOrder(order.id)).status;
				expect(actual, made.map((m) => `${m.kind}@${m.created - t0}`).join(" ")).toBe(
					predict(made),
				);
			}),
			{ seed: SEED, numRuns: RUNS },
		);
	});
});
