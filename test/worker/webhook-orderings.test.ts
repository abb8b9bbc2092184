import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/domain/vocabulary.ts";
import { getOrder, insertOrder, transitionsOf } from "./helpers/db.ts";
import { paidAtEmulator } from "./helpers/emulator.ts";
import { events } from "./helpers/stripe-events.ts";
import { deliver } from "./helpers/webhooks.ts";

type Order = Awaited<ReturnType<typeof insertOrder>>;
type Build = (order: Order, pi: string, t0: number) => Stripe.Event;

const completed =
	(paid: boolean, dt: number): Build =>
	(o, pi, t0) =>
		paid ? events.completedPaid(o, pi, t0 + dt) : events.completedUnpaid(o, t0 + dt, pi);
const piSucceeded =
	(dt: number): Build =>
	(o, pi, t0) =>
		events.piSucceeded(o, pi, t0 + dt);
const piFailed =
	(dt: number): Build =>
	(o, pi, t0) =>
		events.piFailed(o, pi, t0 + dt);
const asyncResult =
	(ok: boolean, dt: number): Build =>
	(o, pi, t0) =>
		ok ? events.asyncSucceeded(o, t0 + dt, pi) : events.asyncFailed(o, t0 + dt, pi);
const expired =
	(dt: number): Build =>
	(o, _pi, t0) =>
		events.expired(o, t0 + dt);
const refundedFull =
	(dt: number): Build =>
	(_o, pi, t0) =>
		events.refunded(pi, 4800, t0 + dt);

function permutations<T>(items: T[]): T[][] {
	if (items.length <= 1) return [items];
	return items.flatMap((item, i) =>
		permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
	);
}

/** Realistic event sets for one order (Stripe's `created` in seconds from t0), and the state each must end in. */
const SCENARIOS: { name: string; events: Build[]; final: OrderStatus }[] = [
	{
		name: "card declined, then paid in the same session",
		events: [piFailed(0), piSucceeded(5), completed(true, 5)],
		final: "paid",
	},
	{
		name: "delayed method that succeeds",
		events: [completed(false, 0), piSucceeded(60), asyncResult(true, 60)],
		final: "paid",
	},
	{
		name: "delayed method that fails",
		events: [completed(false, 0), piFailed(60), asyncResult(false, 60)],
		final: "failed",
	},
	{
		name: "declined and abandoned until the session expired",
		events: [piFailed(0), piFailed(10), expired(3600)],
		final: "expired",
	},
	{
		name: "paid and later refunded in full",
		events: [piSucceeded(0), completed(true, 0), refundedFull(600)],
		final: "refunded",
	},
	{
		name: "declined, paid, refunded",
		events: [piFailed(0), piSucceeded(5), completed(true, 5), refundedFull(600)],
		final: "refunded",
	},
];

describe("every delivery order of a realistic event set ends in the same state", () => {
	for (const scenario of SCENARIOS) {
		it(`${scenario.name} → ${scenario.final}`, async () => {
			const orderings = permutations(scenario.events.map((_, i) => i));
			for (const ordering of orderings) {
				const order = await insertOrder();
				// A real PaymentIntent: a charge event names only it, and the worker looks it up.
				const { paymentIntentId: pi } = await paidAtEmulator(order.id);
				const t0 = Math.floor(Date.now() / 1000) - 7200;
				const built = scenario.events.map((build) => build(order, pi, t0));
				for (const i of ordering) {
					const event = built[i] as Stripe.Event;
					expect((await deliver(event)).status).toBe(200);
				}
				const final = await getOrder(order.id);
				expect(final.status, `ordering ${ordering.join(",")}`).toBe(scenario.final);
				// The history is a walk through the state table: each row starts where the last ended.
				const history = await transitionsOf(order.id);
				for (let k = 1; k < history.length; k++)
					expect(history[k]?.fromStatus).toBe(history[k - 1]?.toStatus);
				expect(history.at(-1)?.toStatus).toBe(scenario.final);
			}
		});
	}
});
