import { describe, expect, it } from "vitest";
import type { Fact } from "../../src/domain/facts.ts";
import type { OrderState } from "../../src/domain/transitions.ts";
import { decide } from "../../src/domain/transitions.ts";
import type { OrderStatus } from "../../src/domain/vocabulary.ts";
import { ORDER_STATUSES } from "../../src/domain/vocabulary.ts";

const NOW = 1_800_000_000_000;
const order = (status: OrderStatus, extra: Partial<OrderState> = {}): OrderState => ({
	id: "ord_1",
	status,
	amount: 4800,
	currency: "usd",
	amountRefunded: 0,
	lastFactAt: 1000,
	failureCode: null,
	stripePaymentIntentId: null,
	customerEmail: null,
	...extra,
});

const facts = {
	processing: { kind: "processing", created: 2000 },
	paid: { kind: "paid", created: 2000, amount: 4800, currency: "usd" },
	failed: {
		kind: "failed",
		created: 2000,
		code: "card_declined",
		message: "Your card was declined.",
	},
	expired: { kind: "expired", created: 2000 },
	canceled: { kind: "canceled", created: 2000, code: "superseded", message: "Replaced." },
	fullRefund: { kind: "refund", created: 2000, amountRefunded: 4800, currency: "usd" },
} satisfies Record<string, Fact>;
type FactName = keyof typeof facts;

/**
 * The order state table, written out: for every status and every fact, the status
 * after applying it. A row differing from the current status is a transition.
 */
const TABLE: Record<OrderStatus, Record<FactName, OrderStatus>> = {
	pending: {
		processing: "processing",
		paid: "paid",
		failed: "failed",
		expired: "expired",
		canceled: "canceled",
		fullRefund: "pending",
	},
	processing: {
		processing: "processing",
		paid: "paid",
		failed: "failed",
		expired: "processing",
		canceled: "processing",
		fullRefund: "processing",
	},
	paid: {
		processing: "paid",
		paid: "paid",
		failed: "paid",
		expired: "paid",
		canceled: "paid",
		fullRefund: "refunded",
	},
	failed: {
		processing: "processing",
		paid: "paid",
		failed: "failed",
		expired: "expired",
		canceled: "canceled",
		fullRefund: "failed",
	},
	expired: {
		processing: "expired",
		paid: "paid",
		failed: "expired",
		expired: "expired",
		canceled: "expired",
		fullRefund: "expired",
	},
	canceled: {
		processing: "canceled",
		paid: "paid",
		failed: "canceled",
		expired: "canceled",
		canceled: "canceled",
		fullRefund: "canceled",
	},
	refunded: {
		processing: "refunded",
		paid: "refunded",
		failed: "refunded",
		expired: "refunded",
		canceled: "refunded",
		fullRefund: "refunded",
	},
};

describe("order state machine", () => {
	for (const from of ORDER_STATUSES) {
		for (const name of Object.keys(facts) as FactName[]) {
			const expected = TABLE[from][name];
			it(`${from} + ${name} → ${expected}`, () => {
				const decision = decide(order(from), facts[name], NOW);
				expect(decision.to ?? from).toBe(expected);
				expect(decision.outcome === "applied").toBe(expected !== from);
			});
		}
	}

	it("never moves a paid order back, whatever arrives", () => {
		for (const fact of Object.values(facts)) {
			const to = decide(order("paid"), fact, NOW).to;
			expect([null, "refunded"]).toContain(to);
		}
	});

	it("raises an alert when money arrives for a canceled or expired order", () => {
		for (const status of ["canceled", "expired"] as const) {
			const d = decide(order(status), facts.paid, NOW);
			expect(d.to).toBe("paid");
			expect(d.alert).toMatchObject({
				kind: "paid_after_close",
				dedupeKey: "paid_after_close:ord_1",
			});
		}
		expect(decide(order("pending"), facts.paid, NOW).alert).toBeUndefined();
	});

	it("does not apply a fact older than the last one applied, except money", () => {
		const late = order("failed", { lastFactAt: 3000 });
		expect(decide(late, facts.expired, NOW).outcome).toBe("stale");
		expect(decide(late, facts.processing, NOW).outcome).toBe("stale");
		expect(decide(late, facts.paid, NOW).to).toBe("paid");
		// A refund (by Stripe's cumulative amount_refunded, which only grows) is money too.
		const paidLater = order("paid", { lastFactAt: 3000 });
		expect(decide(paidLater, facts.fullRefund, NOW)).toMatchObject({
			outcome: "applied",
			to: "refunded",
		});
		const partial = { ...facts.fullRefund, amountRefunded: 1000 };
		expect(decide(paidLater, partial, NOW)).toMatchObject({
			outcome: "recorded",
			patch: { amountRefunded: 1000 },
		});
		// What it does not add to is a no-op, however new.
		expect(decide(order("paid", { amountRefunded: 1000 }), partial, NOW).outcome).toBe("noop");
	});

	it("applies a fact from the same second as the last one", () => {
		const d = decide(order("pending", { lastFactAt: 2000 }), facts.failed, NOW);
		expect(d.to).toBe("failed");
	});

	it("never accepts another amount or currency as paid, and flags it once", () => {
		for (const wrong of [
			{ ...facts.paid, amount: 4700 },
			{ ...facts.paid, currency: "eur" },
		]) {
			const d = decide(order("pending"), wrong, NOW);
			expect(d.outcome).toBe("mismatch");
			expect(d.to).toBeNull();
			expect(d.patch.failureCode).toBe("amount_mismatch");
			expect(d.alert?.dedupeKey).toBe("amount_mismatch:ord_1");
		}
		const flagged = order("pending", { failureCode: "amount_mismatch" });
		expect(decide(flagged, { ...facts.paid, amount: 1 }, NOW).outcome).toBe("noop");
	});

	it("records a partial refund as an amount without leaving paid", () => {
		const d = decide(order("paid"), { ...facts.fullRefund, amountRefunded: 1000 }, NOW);
		expect(d.outcome).toBe("recorded");
		expect(d.to).toBeNull();
		expect(d.patch.amountRefunded).toBe(1000);
		const rest = decide(order("paid", { amountRefunded: 1000 }), facts.fullRefund, NOW);
		expect(rest.to).toBe("refunded");
	});

	it("keeps the latest decline reason when a retry is declined again", () => {
		const d = decide(
			order("failed"),
			{ ...facts.failed, code: "insufficient_funds", message: "Insufficient funds." },
			NOW,
		);
		expect(d.outcome).toBe("recorded");
		expect(d.patch).toMatchObject({
			failureCode: "insufficient_funds",
			failureMessage: "Insufficient funds.",
		});
	});

	it("clears the decline reason when the retry is paid, and records when", () => {
		const d = decide(order("failed", { failureCode: "card_declined" }), facts.paid, NOW);
		expect(d.patch).toMatchObject({ failureCode: null, failureMessage: null, paidAt: NOW });
	});

	it("records the PaymentIntent and e-mail once, never overwriting them", () => {
		const fact = { ...facts.paid, paymentIntentId: "pi_new", customerEmail: "new@example.com" };
		expect(decide(order("pending"), fact, NOW).patch).toMatchObject({
			stripePaymentIntentId: "pi_new",
			customerEmail: "new@example.com",
		});
		const known = order("pending", {
			stripePaymentIntentId: "pi_old",
			customerEmail: "old@example.com",
		});
		const patch = decide(known, fact, NOW).patch;
		expect(patch.stripePaymentIntentId).toBeUndefined();
		expect(patch.customerEmail).toBeUndefined();
	});
});
