/**
 * A refund request maps to one Stripe refund whatever is retried: Stripe
 * refunds, D1 fails before the worker records it, the console gets 500 and
 * asks again (with its Idempotency-Key, without one, or with a new one), with
 * Stripe's charge.refunded delivered in between or not.
 */
import fc from "fast-check";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { refundOrder } from "../../src/services/payments/refunds.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { d1WithOutage, dbq, getOrder, testDeps } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { paidOrder } from "./helpers/paid-order.ts";
import { deliver } from "./helpers/webhooks.ts";

/** The writes that follow Stripe's answer, in order: the refund row, the order, the request's answer. */
const AFTER_STRIPE = {
	refundRow: /^\s*insert into "refunds"/i,
	orderUpdate: /^\s*update "orders"/i,
	answered: /^\s*update "?refund_requests"?/i,
} as const;
type FaultPoint = keyof typeof AFTER_STRIPE;

function refund(
	binding: D1Database,
	orderId: string,
	body: unknown,
	key?: string,
): Promise<Response> {
	return fetchWithEnv(
		new Request(`https://shop.test/admin/orders/${orderId}/refund`, {
			method: "POST",
			headers: {
				authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
				"content-type": "application/json",
				...(key && { "idempotency-key": key }),
			},
			body: JSON.stringify(body),
		}),
		{ DB: binding },
	);
}

async function refundsAtStripe(paymentIntentId: string): Promise<Stripe.Refund[]> {
	return (await stripe().refunds.list({ payment_intent: paymentIntentId, limit: 100 })).data;
}

/** Delivers every charge.refunded Stripe has sent for the order (again: duplicates are no-ops). */
async function deliverRefundEvents(orderId: string) {
	for (const event of await emulator.events({ orderId, type: "charge.refunded" }))
		expect((await deliver(event)).status).toBe(200);
}

const recordedRefunds = (orderId: string) =>
	dbq.query.refunds.findMany({ where: (r, { eq }) => eq(r.orderId, orderId) });

describe("a refund retried after its answer was lost", () => {
	it.each([
		["with the same Idempotency-Key", "same"],
		["without a key (a second click)", "none"],
		["with a new key", "new"],
	] as const)(
		"is the same partial refund at Stripe when retried %s, after charge.refunded recorded it",
		async (_, retryKey) => {
			const { orderId, paymentIntentId } = await paidOrder();
			const d1 = d1WithOutage();
			const key = crypto.randomUUID();
			d1.refuse(AFTER_STRIPE.refundRow);
			const first = await refund(d1.binding, orderId, { amount: 100 }, key);
			expect(first.status).toBe(500);
			expect(await refundsAtStripe(paymentIntentId)).toHaveLength(1);

			// Stripe's event arrives before the operator tries again.
			await deliverRefundEvents(orderId);
			expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 100 });

			const again = await refund(
				d1.binding,
				orderId,
				{ amount: 100 },
				retryKey === "same" ? key : retryKey === "new" ? crypto.randomUUID() : undefined,
			);
			expect(again.status, await again.clone().text()).toBe(200);
			const [made] = await refundsAtStripe(paymentIntentId);
			expect(await again.json()).toEqual({ refundId: made?.id, amount: 100, status: "succeeded" });
			expect(await refundsAtStripe(paymentIntentId)).toHaveLength(1);
			expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 100 });
			expect((await recordedRefunds(orderId)).map((r) => r.id)).toEqual([made?.id]);
		},
	);

	it.each(["refundRow", "orderUpdate", "answered"] as const)(
		"is the same full refund when D1 fails at %s and charge.refunded made the order refunded meanwhile",
		async (point) => {
			const { orderId, paymentIntentId } = await paidOrder();
			const d1 = d1WithOutage();
			d1.refuse(AFTER_STRIPE[point]);
			expect((await refund(d1.binding, orderId, {})).status).toBe(500);
			await deliverRefundEvents(orderId);
			expect(await getOrder(orderId)).toMatchObject({ status: "refunded", amountRefunded: 4800 });

			const again = await refund(d1.binding, orderId, {});
			expect(again.status, await again.clone().text()).toBe(200);
			expect(await again.json()).toMatchObject({ amount: 4800, status: "succeeded" });
			expect(await refundsAtStripe(paymentIntentId)).toHaveLength(1);
			// Answered now: asking for the rest again says there is none.
			const after = await refund(d1.binding, orderId, {});
			expect(after.status).toBe(409);
			expect(await after.json()).toMatchObject({ error: { code: "order_not_paid" } });
		},
	);

	it("refunds the same amount again once the first request was answered: that is a new refund", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		const d1 = d1WithOutage();
		d1.refuse(AFTER_STRIPE.orderUpdate);
		expect((await refund(d1.binding, orderId, { amount: 300 })).status).toBe(500);
		const retried = await refund(d1.binding, orderId, { amount: 300 });
		expect(retried.status).toBe(200);
		const second = await refund(d1.binding, orderId, { amount: 300 });
		expect(second.status).toBe(200);
		expect((await second.json<{ refundId: string }>()).refundId).not.toBe(
			(await retried.json<{ refundId: string }>()).refundId,
		);
		expect((await refundsAtStripe(paymentIntentId)).map((r) => r.amount)).toEqual([300, 300]);
		expect(await getOrder(orderId)).toMatchObject({ amountRefunded: 600 });
	});

	it("holds another amount while the unanswered request may still be on its way, then judges it on what Stripe refunded", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		const d1 = d1WithOutage();
		d1.refuse(AFTER_STRIPE.refundRow);
		expect((await refund(d1.binding, orderId, { amount: 1000 })).status).toBe(500);
		// No webhook: D1 knows nothing of the 1000 Stripe refunded.
		const soon = await refund(d1.binding, orderId, {});
		expect(soon.status).toBe(409);
		expect(await soon.json()).toMatchObject({ error: { code: "request_in_progress" } });

		// Two minutes later (past any Stripe call's deadline), "the rest" is what is really left.
		const later = {
			...testDeps({ now: () => Date.now() + 120_000 }),
			stripe: stripe(),
			liveMode: false,
		};
		expect(await refundOrder(later, orderId)).toMatchObject({ amount: 3800, status: "succeeded" });
		expect((await refundsAtStripe(paymentIntentId)).map((r) => r.amount).sort()).toEqual([
			1000, 3800,
		]);
		expect(await getOrder(orderId)).toMatchObject({ status: "refunded", amountRefunded: 4800 });
		expect(await recordedRefunds(orderId)).toHaveLength(2);
	});

	it("makes exactly one Stripe refund per request under any schedule of faults, retries and webhook deliveries (seeded)", async () => {
		const attempt = fc.record({
			fault: fc.constantFrom<FaultPoint | null>(null, "refundRow", "orderUpdate", "answered"),
			deliverFirst: fc.boolean(),
			key: fc.constantFrom("same", "none", "new"),
		});
		const request = fc.record({
			amount: fc.constantFrom(100, 250, 1000),
			attempts: fc.array(attempt, { minLength: 1, maxLength: 3 }),
		});
		await fc.assert(
			fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (requests) => {
				const { orderId, paymentIntentId } = await paidOrder();
				const d1 = d1WithOutage();
				const answered: string[] = [];
				for (const { amount, attempts } of requests) {
					const key = crypto.randomUUID();
					// The operator tries until the console says it is done (the last try has no fault).
					for (const [i, { fault, deliverFirst, key: which }] of attempts.entries()) {
						if (deliverFirst) await deliverRefundEvents(orderId);
						const last = i === attempts.length - 1;
						if (fault && !last) d1.refuse(AFTER_STRIPE[fault]);
						const res = await refund(
							d1.binding,
							orderId,
							{ amount },
							which === "same" ? key : which === "new" ? crypto.randomUUID() : undefined,
						);
						// A write the webhook made unnecessary never meets its fault: it may succeed.
						d1.state.targeted = [];
						if (last || !fault) expect(res.status, await res.clone().text()).toBe(200);
						else expect([200, 500]).toContain(res.status);
						if (res.status === 200) {
							answered.push((await res.json<{ refundId: string }>()).refundId);
							break;
						}
					}
				}
				await deliverRefundEvents(orderId);
				const atStripe = await refundsAtStripe(paymentIntentId);
				expect(atStripe).toHaveLength(requests.length);
				expect(new Set(answered)).toEqual(new Set(atStripe.map((r) => r.id)));
				const total = requests.reduce((sum, r) => sum + r.amount, 0);
				expect(await getOrder(orderId)).toMatchObject({ amountRefunded: total });
				expect((await recordedRefunds(orderId)).map((r) => r.id).sort()).toEqual(
					atStripe.map((r) => r.id).sort(),
				);
			}),
			{ seed: 20261206, numRuns: 12 },
		);
	}, 60_000);
});
