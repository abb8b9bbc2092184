/**
 * A typed client of the emulator's control API (`/_emulator/*`, README
 * "Control API"). Plain `fetch`, so it runs in Node and inside workerd.
 */
import type Stripe from "stripe";
import type { WebhookMode } from "./webhooks/types.ts";

export type PayOutcome = {
	outcome: "succeeded" | "declined" | "processing";
	error: { code: string; decline_code?: string; message: string } | null;
	session: Stripe.Checkout.Session;
	paymentIntent: Stripe.PaymentIntent | null;
	/** A setup session's SetupIntent once the card is saved (absent for payment sessions). */
	setupIntent?: Stripe.SetupIntent | null;
	/** A subscription session's Subscription once paid (null after a decline; absent for other modes). */
	subscription?: Stripe.Subscription | null;
	/** A subscription session's first Invoice once paid, with its `payments`. */
	invoice?: Stripe.Invoice | null;
};

/** What a subscription's `advance` or `retry` did, and the events it emitted. */
export type SubscriptionCycle = {
	/**
	 * `paid`; `failed` (declined: see `error`); `ended` (canceled at the period's end, no
	 * invoice); `not_attempted` (an `unpaid` subscription's renewal invoice, left open).
	 */
	outcome: "paid" | "failed" | "ended" | "not_attempted";
	error: { code: string; declineCode: string | null; message: string } | null;
	subscription: Stripe.Subscription;
	/** The invoice billed or retried, with its `payments` (null when the subscription ended). */
	invoice: Stripe.Invoice | null;
	paymentIntent: Stripe.PaymentIntent | null;
	/** The events emitted, oldest first: `drain()` waits for their delivery. */
	events: { id: string; type: string }[];
};

/** The next events delivered together: in another order and/or each twice. */
export type EventBatch = {
	count: number;
	/** Default `reverse`; `shuffle` is never the emission order for two or more events. */
	order?: "fifo" | "reverse" | "shuffle";
	duplicate?: boolean;
	/** Makes `shuffle` repeatable. */
	seed?: number;
};

/** A shipping address (and phone) as the control API takes it. */
export type ShippingAddressInput = {
	name: string;
	line1: string;
	line2?: string;
	city: string;
	postalCode: string;
	/** Required for US, CA and AU. */
	state?: string;
	/** ISO 3166 alpha-2, one of the session's `allowed_countries`. */
	country: string;
	/** Required when the session has `phone_number_collection`. */
	phone?: string;
};

/** What the hosted page would take: card or bank debit, and the shipping, option and code steps. */
export type PayInput = {
	card?: string;
	email?: string;
	/** `MM/YY`. */
	expiry?: string;
	delayed?: "success" | "failure";
	/** Default when the session ships: Jenny Rosen, 1 Rue de Rivoli, 75001 Paris, FR (or the first allowed country). */
	shipping?: ShippingAddressInput;
	/** Position in `shipping_options` (0 = first, the default) or a `shr_…` id. */
	shippingOption?: number | string;
	/** A customer-facing code such as `WELCOME10`; the session must allow promotion codes. */
	promotionCode?: string;
	/** One of the saved cards the session offers (`pm_…`), instead of `card`. */
	paymentMethod?: string;
	/** The "Save my card" box (the session must offer it). */
	saveCard?: boolean;
};

/** A card to save on a Customer without a browser. */
export type SaveCardInput = {
	/** Default 4242 4242 4242 4242; 4000 0000 0000 0341 saves, then declines payments. */
	card?: string;
	/** `MM/YY`; default December, five years on. */
	expiry?: string;
	allowRedisplay?: "always" | "limited" | "unspecified";
	/** Make it `invoice_settings.default_payment_method`. */
	default?: boolean;
};

export type WebhookSettings = {
	url: string | null;
	secret: string;
	mode: WebhookMode;
	delayMs: number;
	held: number;
};

export type Fault = {
	match?: string;
	status?: number;
	count?: number;
	delayMs?: number;
	type?: string;
	phase?: "before" | "after";
	/** Wait (at `phase`) until `releaseFaults()`. */
	hold?: boolean;
};

/** One delivery attempt of an event to a receiver. */
export type Delivery = {
	eventId: string;
	eventType: string;
	url: string;
	attempt: number;
	status: number | null;
	ok: boolean;
	error: string | null;
	note: "dropped" | "held" | "manual" | null;
};

/** A `/v1` request the emulator answered, as recorded (no Authorization). */
export type RecordedRequest = {
	method: string;
	path: string;
	query: Record<string, unknown>;
	params: Record<string, unknown>;
	idempotencyKey: string | null;
	stripeVersion: string | null;
	status: number;
};

export type EmulatorClient = ReturnType<typeof emulatorClient>;

/** The control API of the emulator at `baseUrl` (e.g. `http://127.0.0.1:12111`). */
export function emulatorClient(baseUrl: string) {
	const base = baseUrl.replace(/\/$/, "");
	async function call<T>(
		method: "GET" | "POST" | "DELETE",
		path: string,
		body?: unknown,
	): Promise<T> {
		const res = await fetch(`${base}/_emulator${path}`, {
			method,
			headers: body === undefined ? {} : { "content-type": "application/json" },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`emulator ${method} ${path}: ${res.status} ${text}`);
		return JSON.parse(text) as T;
	}
	return {
		url: base,
		/**
		 * Pays a session as the hosted page does (4242 unless told; a test address when it
		 * ships); on a setup session, saves the card as its page does.
		 */
		pay: (sessionId: string, input: PayInput = {}) =>
			call<PayOutcome>("POST", `/sessions/${sessionId}/pay`, {
				card: "4242424242424242",
				...input,
			}),
		/** Forgets everything, then seeds the start option's promotion codes again. */
		reset: () => call<{ ok: true }>("POST", "/reset"),
		expire: (sessionId: string) =>
			call<{ session: Stripe.Checkout.Session }>("POST", `/sessions/${sessionId}/expire`),
		webhooks: () => call<WebhookSettings>("GET", "/webhooks"),
		setWebhooks: (change: Partial<Omit<WebhookSettings, "held">>) =>
			call<WebhookSettings>("POST", "/webhooks", change),
		/** Answers once no delivery is queued, in flight or waiting for a retry. */
		drain: () => call<{ ok: true }>("POST", "/webhooks/drain"),
		flush: (order?: "fifo" | "reverse") =>
			call<{ flushed: number }>("POST", "/webhooks/flush", { order }),
		events: (filter: { type?: string; objectId?: string; orderId?: string } = {}) => {
			const query = new URLSearchParams();
			if (filter.type) query.set("type", filter.type);
			if (filter.objectId) query.set("object_id", filter.objectId);
			if (filter.orderId) query.set("order_id", filter.orderId);
			return call<{ data: Stripe.Event[] }>("GET", `/events?${query}`).then((r) => r.data);
		},
		deliveries: (eventId?: string) =>
			call<{ data: Delivery[] }>(
				"GET",
				`/deliveries${eventId ? `?event_id=${encodeURIComponent(eventId)}` : ""}`,
			).then((r) => r.data),
		/** Recorded `/v1` requests whose path contains `path`, oldest first. */
		requests: (path: string) =>
			call<{ data: RecordedRequest[] }>("GET", `/requests?path=${encodeURIComponent(path)}`).then(
				(r) => r.data,
			),
		/** How long new bank debits take to settle. */
		setDelayedPaymentMs: (delayMs: number) =>
			call<{ delayMs: number }>("POST", "/delayed", { delayMs }),
		settleDelayedPayments: (sessionId?: string) =>
			call<{ settled: string[] }>("POST", "/delayed/settle", { sessionId }),
		/** A Checkout Session as the Stripe API shows it (the emulator takes any test key). */
		session: async (sessionId: string): Promise<Stripe.Checkout.Session> => {
			const res = await fetch(`${base}/v1/checkout/sessions/${encodeURIComponent(sessionId)}`, {
				headers: { authorization: "Bearer sk_test_emulator" },
			});
			if (!res.ok) throw new Error(`session ${sessionId}: ${res.status} ${await res.text()}`);
			return (await res.json()) as Stripe.Checkout.Session;
		},
		/** Adds a fault; its `id` names it to `releaseFaults` and `heldRequests`. */
		addFault: (fault: Fault) => call<{ fault: { id: number } }>("POST", "/faults", fault),
		clearFaults: () => call<{ ok: true }>("DELETE", "/faults"),
		/** Lets the requests held by this `hold` fault go on (by every one without an id). */
		releaseFaults: (faultId?: number) =>
			call<{ released: number }>(
				"POST",
				"/faults/release",
				faultId === undefined ? undefined : { id: faultId },
			),
		/** Requests waiting at this `hold` fault (at any, without an id). */
		heldRequests: (faultId?: number) =>
			call<{ held: number }>(
				"GET",
				faultId === undefined ? "/faults" : `/faults?id=${faultId}`,
			).then((r) => r.held),
		/** Customers (with an email, when given) and their attached payment methods. */
		customers: (email?: string) =>
			call<{
				data: { customer: Stripe.Customer; paymentMethods: Stripe.PaymentMethod[] }[];
			}>("GET", `/customers${email ? `?email=${encodeURIComponent(email)}` : ""}`).then(
				(r) => r.data,
			),
		/** Saves a card on a Customer, as a setup would (`payment_method.attached`). */
		saveCard: (customerId: string, input: SaveCardInput = {}) =>
			call<{ paymentMethod: Stripe.PaymentMethod; customer: Stripe.Customer }>(
				"POST",
				`/customers/${encodeURIComponent(customerId)}/cards`,
				input,
			),
		advanceClock: (seconds: number) =>
			call<{ now: number; expired: number }>("POST", "/clock/advance", { seconds }),
		/** Subscriptions (of a Customer, when given), newest first, every status. */
		subscriptions: (customerId?: string) =>
			call<{ data: Stripe.Subscription[] }>(
				"GET",
				`/subscriptions${customerId ? `?customer=${encodeURIComponent(customerId)}` : ""}`,
			).then((r) => r.data),
		/**
		 * Moves a subscription to the end of its period: it ends there (cancel at period end),
		 * or the next period is billed and paid with its card.
		 */
		advanceSubscription: (subscriptionId: string) =>
			call<SubscriptionCycle>(
				"POST",
				`/subscriptions/${encodeURIComponent(subscriptionId)}/advance`,
			),
		/** Retries the subscription's open invoice now, as the next automatic retry would. */
		retrySubscription: (subscriptionId: string) =>
			call<SubscriptionCycle>("POST", `/subscriptions/${encodeURIComponent(subscriptionId)}/retry`),
		/** Retries one open invoice now. */
		retryInvoice: (invoiceId: string) =>
			call<SubscriptionCycle>("POST", `/invoices/${encodeURIComponent(invoiceId)}/retry`),
		/** Makes the Customer's saved cards decline (`true`) or pay again (`false`). */
		setDeclining: (customerId: string, on: boolean) =>
			call<{
				customer: Stripe.Customer;
				declining: string[];
				paymentMethods: Stripe.PaymentMethod[];
			}>("POST", `/customers/${encodeURIComponent(customerId)}/decline`, { on }),
		/** After an invoice's 4th failed attempt: cancel the subscription (default) or make it `unpaid`. */
		setAfterRetries: (afterRetries: "cancel" | "unpaid") =>
			call<{ afterRetries: "cancel" | "unpaid" }>("POST", "/billing", { afterRetries }),
		/** Delivers the next `count` events together, in another order and/or twice. */
		arrangeNextEvents: (batch: EventBatch) =>
			call<{ batch: { count: number; remaining: number; order: string; duplicate: boolean } }>(
				"POST",
				"/webhooks/next",
				batch,
			),
	};
}
