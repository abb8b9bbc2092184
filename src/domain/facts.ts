import type { PostalAddress } from "../lib/postal-address.ts";

/**
 * A fact is something Stripe told us about a payment, in our vocabulary.
 * `created` is Stripe's time for it in Unix seconds (an event's `created`, or
 * the moment an object was retrieved).
 */
type FactBase = {
	created: number;
	paymentIntentId?: string | null;
	customerEmail?: string | null;
	/**
	 * The fact is the completed Checkout Session's own report (its event, or the
	 * session retrieved once complete): its address is the one the shopper paid
	 * with, which replaces an earlier attempt's.
	 */
	fromCompletedSession?: boolean;
};

/** Where the shopper asked for the goods to go (Stripe's `collected_information.shipping_details`). */
export type ShippingDetails = PostalAddress & {
	name: string | null;
	phone: string | null;
	/** The delivery option chosen; null when Stripe's answer did not include it. */
	rateName: string | null;
};

/** How the shopper paid, as far as Stripe tells it. */
export type PaymentDetails = {
	brand: string | null;
	last4: string | null;
	receiptUrl: string | null;
};

/**
 * What a completed Checkout Session says was charged: our `subtotal` as Stripe
 * priced it, and what its page added or took off. A paid fact without it comes
 * from a PaymentIntent, which knows only the amount it took.
 */
export type SessionTotals = {
	subtotal: number;
	discount: number;
	shipping: number;
	tax: number;
	/** The promotion code behind the discount, when the session came with it expanded. */
	discountCode?: string | null;
};

export type Fact = FactBase &
	(
		| {
				kind: "paid";
				/** What was charged: the session's `amount_total`, or the PaymentIntent's amount. */
				amount: number;
				/** The operator honours this payment though its subtotal differs from the order's. */
				accepted?: boolean;
				currency: string;
				totals?: SessionTotals;
				shipping?: ShippingDetails | null;
				payment?: PaymentDetails | null;
		  }
		| {
				kind: "processing";
				/** Set when the fact comes from a completed session: what it will charge. */
				charge?: { amount: number; currency: string; totals: SessionTotals };
				shipping?: ShippingDetails | null;
		  }
		| {
				kind: "failed";
				code: string | null;
				message: string | null;
				/** What the declined attempt asked (shipping, tax, discount included), when told. */
				asked?: number | null;
		  }
		| { kind: "expired" }
		| { kind: "canceled"; code: string; message: string }
		| {
				kind: "refund";
				/** Stripe's cumulative amount refunded of the charge. */
				amountRefunded: number;
				currency: string;
				/** What the charge took, when known: a payment that matched no order is all returned at it. */
				charged?: number;
		  }
		| {
				kind: "fulfilled";
				carrier: string | null;
				trackingNumber: string | null;
				trackingUrl: string | null;
		  }
	);

export type FactKind = Fact["kind"];
