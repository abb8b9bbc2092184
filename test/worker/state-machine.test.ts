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
	subtotal: 4800,
	currency: "usd",
	amountRefunded: 0,
	amountDiscount: 0,
	discountCode: null,
	amountShipping: 0,
	amountTax: 0,
	shippingName: null,
	shippingLine1: null,
	shippingLine2: null,
	shippingCity: null,
	shippingPostalCode: null,
	shippingState: null,
	shippingCountry: null,
	shippingPhone: null,
	shippingRateName: null,
	paymentBrand: null,
	paymentLast4: null,
	receiptUrl: null,
	lastFactAt: 1000,
	failureCode: null,
	failureMessage: null,
	amountAsked: null,
	stripePaymentIntentId: null,
	customerEmail: null,
	checkoutCompleted: false,
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
	fulfill: {
		kind: "fulfilled",
		created: 2000,
		carrier: "La Poste",
		trackingNumber: "6A123",
		trackingUrl: null,
	},
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
		fulfill: "pending",
	},
	processing: {
		processing: "processing",
		paid: "paid",
		failed: "failed",
		expired: "processing",
		canceled: "processing",
		fullRefund: "processing",
		fulfill: "processing",
	},
	paid: {
		processing: "paid",
		paid: "paid",
		failed: "paid",
		expired: "paid",
		canceled: "paid",
		fullRefund: "refunded",
		fulfill: "fulfilled",
	},
	failed: {
		processing: "processing",
		paid: "paid",
		failed: "failed",
		expired: "expired",
		canceled: "canceled",
		fullRefund: "failed",
		fulfill: "failed",
	},
	expired: {
		processing: "expired",
		paid: "paid",
		failed: "expired",
		expired: "expired",
		canceled: "expired",
		fullRefund: "expired",
		fulfill: "expired",
	},
	canceled: {
		processing: "canceled",
		paid: "paid",
		failed: "canceled",
		expired: "canceled",
		canceled: "canceled",
		fullRefund: "canceled",
		fulfill: "canceled",
	},
	refunded: {
		processing: "refunded",
		paid: "refunded",
		failed: "refunded",
		expired: "refunded",
		canceled: "refunded",
		fullRefund: "refunded",
		fulfill: "refunded",
	},
	fulfilled: {
		processing: "fulfilled",
		paid: "fulfilled",
		failed: "fulfilled",
		expired: "fulfilled",
		canceled: "fulfilled",
		fullRefund: "refunded",
		fulfill: "fulfilled",
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
			expect([null, "refunded", "fulfilled"]).toContain(to);
			expect([null, "refunded"]).toContain(decide(order("fulfilled"), fact, NOW).to);
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
		const bySession = { subtotal: 4700, discount: 0, shipping: 0, tax: 0 };
		for (const wrong of [
			{ ...facts.paid, amount: 4700, totals: bySession },
			{ ...facts.paid, currency: "eur" },
		]) {
			const d = decide(order("pending"), wrong, NOW);
			expect(d.outcome).toBe("mismatch");
			expect(d.to).toBeNull();
			expect(d.patch.failureCode).toBe("amount_mismatch");
			expect(d.alert?.dedupeKey).toBe("amount_mismatch:ord_1");
		}
		const flagged = order("pending", { failureCode: "amount_mismatch" });
		expect(decide(flagged, { ...facts.paid, currency: "jpy" }, NOW).outcome).toBe("noop");
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

	it("records the PaymentIntent once, never overwriting it", () => {
		const fact = { ...facts.paid, paymentIntentId: "pi_new" };
		expect(decide(order("pending"), fact, NOW).patch).toMatchObject({
			stripePaymentIntentId: "pi_new",
		});
		const known = order("pending", { stripePaymentIntentId: "pi_old" });
		expect(decide(known, fact, NOW).patch.stripePaymentIntentId).toBeUndefined();
	});

	it("takes the address the completed session reports over any other, and no other over it", () => {
		const reported = {
			...facts.paid,
			customerEmail: "paid-with@example.com",
			fromCompletedSession: true,
		};
		const attempt = { ...facts.paid, customerEmail: "typed@example.com" };
		// The latest attempt's address stands in until the session reports.
		const typed = order("failed", { customerEmail: "mistyped@example.com" });
		expect(decide(typed, attempt, NOW).patch.customerEmail).toBe("typed@example.com");
		expect(decide(typed, reported, NOW).patch).toMatchObject({
			customerEmail: "paid-with@example.com",
			checkoutCompleted: true,
		});
		// Once reported, nothing else replaces it; the same report again changes nothing.
		const settled = order("paid", {
			customerEmail: "paid-with@example.com",
			checkoutCompleted: true,
		});
		expect(decide(settled, attempt, NOW).patch.customerEmail).toBeUndefined();
		expect(decide(settled, reported, NOW).patch).toEqual({});
	});
});

describe("what Stripe's page adds or takes off (promotion codes, shipping, tax)", () => {
	/** A session's payment of the 48.00 order: 10.00 off, 5.00 shipping, 3.00 tax → 46.00. */
	const sessionPaid = (subtotal = 4800, currency = "usd") =>
		({
			kind: "paid",
			created: 2000,
			amount: 4600,
			currency,
			totals: { subtotal, discount: 1000, shipping: 500, tax: 300 },
			shipping: {
				name: "Camille Martin",
				line1: "1 Rue de Rivoli",
				line2: null,
				city: "Paris",
				postalCode: "75001",
				state: null,
				country: "FR",
				phone: "+33612345678",
				rateName: "Express",
			},
			payment: { brand: "visa", last4: "4242", receiptUrl: "https://pay.stripe.com/receipts/x" },
		}) satisfies Fact;
	const piPaid = (amount: number, currency = "usd") =>
		({ kind: "paid", created: 2000, amount, currency }) satisfies Fact;

	it("accepts a session by its subtotal and records what it charged", () => {
		const d = decide(order("pending"), sessionPaid(), NOW);
		expect(d).toMatchObject({ outcome: "applied", to: "paid" });
		expect(d.patch).toMatchObject({
			amount: 4600,
			amountDiscount: 1000,
			amountShipping: 500,
			amountTax: 300,
			shippingName: "Camille Martin",
			shippingCity: "Paris",
			shippingCountry: "FR",
			shippingPhone: "+33612345678",
			shippingRateName: "Express",
			paymentBrand: "visa",
			paymentLast4: "4242",
		});
		expect(d.alert).toBeUndefined();
	});

	it("flags a session whose subtotal or currency is not the order's", () => {
		for (const wrong of [sessionPaid(4700), sessionPaid(4800, "eur")]) {
			const d = decide(order("pending"), wrong, NOW);
			expect(d.outcome).toBe("mismatch");
			expect(d.patch.failureCode).toBe("amount_mismatch");
			expect(d.patch.amount).toBeUndefined();
		}
	});

	it("sends a PaymentIntent for another amount than the known one to its session", () => {
		expect(decide(order("pending"), piPaid(4600), NOW)).toMatchObject({
			outcome: "needs_session",
			to: null,
			patch: {},
		});
		// Once the session told the charged amount, the PaymentIntent matches it.
		const settled = order("paid", { amount: 4600 });
		expect(decide(settled, piPaid(4600), NOW).outcome).toBe("noop");
		expect(decide(order("pending", { amount: 4600 }), piPaid(4600), NOW).to).toBe("paid");
		// A currency a session could never change is a mismatch straight away.
		expect(decide(order("pending"), piPaid(4800, "eur"), NOW).outcome).toBe("mismatch");
	});

	it("records the session's details on an order already paid through its PaymentIntent, once", () => {
		const paid = order("paid");
		const d = decide(paid, sessionPaid(), NOW);
		expect(d).toMatchObject({ outcome: "recorded", to: null });
		expect(d.patch).toMatchObject({ amount: 4600, shippingName: "Camille Martin" });
		const after = order("paid", { ...d.patch } as Partial<OrderState>);
		expect(decide(after, sessionPaid(), NOW).outcome).toBe("noop");
	});

	it("keeps a rate name or card it knows when a later fact does not carry them", () => {
		const known = order("paid", {
			amount: 4600,
			shippingRateName: "Express",
			paymentLast4: "4242",
		});
		const bare = {
			...sessionPaid(),
			shipping: { ...sessionPaid().shipping, rateName: null },
			payment: null,
		};
		expect(decide(known, bare, NOW).patch.shippingRateName).toBeUndefined();
	});

	it("counts a full refund against what was charged, for paid and fulfilled orders", () => {
		const charged = { amount: 4600 };
		const refund = (amountRefunded: number) =>
			({ kind: "refund", created: 2000, amountRefunded, currency: "usd" }) satisfies Fact;
		for (const status of ["paid", "fulfilled"] as const) {
			expect(decide(order(status, charged), refund(4600), NOW).to).toBe("refunded");
			expect(decide(order(status, charged), refund(4000), NOW)).toMatchObject({
				outcome: "recorded",
				to: null,
			});
		}
	});

	it("judges a delayed payment's session by its subtotal too", () => {
		const processing = {
			kind: "processing",
			created: 2000,
			charge: { amount: 4600, currency: "usd", totals: sessionPaid().totals },
			shipping: sessionPaid().shipping,
		} satisfies Fact;
		expect(decide(order("pending"), processing, NOW)).toMatchObject({
			to: "processing",
			patch: { amount: 4600, shippingCity: "Paris" },
		});
		const tampered = {
			...processing,
			charge: { ...processing.charge, totals: { ...processing.charge.totals, subtotal: 1 } },
		};
		expect(decide(order("pending"), tampered, NOW).outcome).toBe("mismatch");
	});
});

describe("fulfilment", () => {
	it("records the carrier, tracking and time, and is never stale", () => {
		const d = decide(order("paid", { lastFactAt: 999_999 }), facts.fulfill, NOW);
		expect(d).toMatchObject({
			outcome: "applied",
			to: "fulfilled",
			patch: {
				fulfillmentCarrier: "La Poste",
				fulfillmentTrackingNumber: "6A123",
				fulfilledAt: NOW,
			},
		});
	});
});
