import { describe, expect, it } from "vitest";
import {
	type ActionOrder,
	allowedActions,
	mayReplay,
	progress,
	resumeOf,
} from "../../src/domain/actions.ts";
import type { OrderStatus } from "../../src/domain/vocabulary.ts";

const NOW = 1_800_000_000_000;
const order = (status: OrderStatus, fields: Partial<ActionOrder> = {}): ActionOrder => ({
	status,
	amount: 4800,
	amountRefunded: 0,
	failureCode: null,
	stripeCheckoutSessionId: "cs_test_1",
	checkoutExpiresAt: NOW + 60_000,
	checkoutCompleted: true,
	...fields,
});

// The table the console and the services follow, written out: one row per status, an order of
// 48.00 with an open session and nothing refunded.
const TABLE: [OrderStatus, { refund: number | null; fulfill: boolean; resume: boolean }][] = [
	["pending", { refund: null, fulfill: false, resume: true }],
	["processing", { refund: null, fulfill: false, resume: false }],
	["failed", { refund: null, fulfill: false, resume: true }],
	["paid", { refund: 4800, fulfill: true, resume: false }],
	["fulfilled", { refund: 4800, fulfill: false, resume: false }],
	["refunded", { refund: null, fulfill: false, resume: false }],
	["expired", { refund: null, fulfill: false, resume: false }],
	["canceled", { refund: null, fulfill: false, resume: false }],
];

describe("allowedActions: what may be done with an order now", () => {
	it.each(TABLE)("%s", (status, expected) => {
		const actions = allowedActions(order(status), NOW);
		expect(actions.refund?.max ?? null).toBe(expected.refund);
		expect(actions.fulfill).toBe(expected.fulfill);
		expect(actions.resume).toBe(expected.resume);
		expect(actions.sync).toBe(true);
		expect(actions.heldPayment).toBe(false);
	});

	it("refunds what is left, and says why when nothing is", () => {
		expect(allowedActions(order("paid", { amountRefunded: 1800 }), NOW).refund).toEqual({
			max: 3000,
		});
		const all = allowedActions(order("paid", { amountRefunded: 4800 }), NOW);
		expect([all.refund, all.refundRefused]).toEqual([null, "fully_refunded"]);
		const free = allowedActions(order("paid", { amount: 0 }), NOW);
		expect([free.refund, free.refundRefused]).toEqual([null, "nothing_charged"]);
		expect(allowedActions(order("refunded"), NOW).refundRefused).toBe("fully_refunded");
		expect(allowedActions(order("pending"), NOW).refundRefused).toBe("not_paid");
	});

	it("offers a held payment (it matched no order) to refund in full or to ship", () => {
		for (const status of ["pending", "processing", "failed"] as const) {
			const held = allowedActions(order(status, { failureCode: "amount_mismatch" }), NOW);
			expect(held).toMatchObject({ refund: { max: null }, fulfill: true, heldPayment: true });
		}
		// Once over (refunded back, canceled), it is held no more.
		const over = allowedActions(order("canceled", { failureCode: "amount_mismatch" }), NOW);
		expect(over).toMatchObject({ refund: null, fulfill: false, heldPayment: false });
	});

	it("syncs only an order with a Checkout Session, resumes only a session still alive", () => {
		expect(allowedActions(order("pending", { stripeCheckoutSessionId: null }), NOW).sync).toBe(
			false,
		);
		expect(resumeOf(order("failed", { checkoutExpiresAt: NOW }), NOW)).toBe("new_order");
		expect(resumeOf(order("failed"), NOW)).toBe("resume");
		expect(resumeOf(order("processing"), NOW)).toBe("already_paid");
		expect(resumeOf(order("fulfilled"), NOW)).toBe("already_paid");
		expect(resumeOf(order("refunded"), NOW)).toBe("new_order");
	});
});

describe("progress: where the shopper's order stands", () => {
	it("is settled once final and Stripe's report is in", () => {
		expect(progress(order("paid"))).toEqual({
			settled: true,
			paid: true,
			retry: false,
			awaitingPayment: false,
			slow: false,
		});
		expect(progress(order("paid", { checkoutCompleted: false })).settled).toBe(false);
		expect(progress(order("processing"))).toMatchObject({ settled: false, slow: true });
		expect(progress(order("failed"))).toMatchObject({ settled: false, retry: true });
		expect(progress(order("pending"))).toMatchObject({ settled: false, awaitingPayment: true });
		expect(progress(order("expired"))).toMatchObject({ settled: true, paid: false });
	});
});

describe("mayReplay", () => {
	it("replays only a failed event", () => {
		expect(mayReplay({ result: "failed" })).toBe(true);
		expect(mayReplay({ result: "processed" })).toBe(false);
		expect(mayReplay({ result: "ignored" })).toBe(false);
	});
});
