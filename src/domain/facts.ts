/**
 * A fact is something Stripe told us about a payment, in our vocabulary.
 * `created` is Stripe's time for it in Unix seconds (an event's `created`, or
 * the moment an object was retrieved).
 */
type FactBase = {
	created: number;
	paymentIntentId?: string | null;
	customerEmail?: string | null;
};

export type Fact = FactBase &
	(
		| { kind: "paid"; amount: number; currency: string }
		| { kind: "processing" }
		| { kind: "failed"; code: string | null; message: string | null }
		| { kind: "expired" }
		| { kind: "canceled"; code: string; message: string }
		| { kind: "refund"; amountRefunded: number; currency: string }
	);

export type FactKind = Fact["kind"];
