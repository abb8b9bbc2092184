import type { JsonObject } from "./json.ts";

export type Metadata = Record<string, string>;

/** One `line_items[n]` of a session, priced with `price_data`. */
export type LineItemRecord = {
	id: string;
	priceId: string;
	productId: string;
	name: string;
	description: string | null;
	productMetadata: Metadata;
	unitAmount: number;
	quantity: number;
	currency: string;
	created: number;
	taxBehavior: TaxBehavior;
	taxCode: string | null;
	/** `product_data[images]` (absent in state saved before the Stripe.js stand-in). */
	images?: string[];
	/** `price_data[recurring]`: a subscription's price; null (or absent): a one-time price. */
	recurring?: RecurringRecord | null;
};

/** How often a recurring price bills: every `intervalCount` `interval`s. */
export type RecurringRecord = {
	interval: "day" | "week" | "month" | "year";
	intervalCount: number;
};

/** Whether an amount excludes tax (tax is added), includes it, or says nothing (treated as exclusive). */
export type TaxBehavior = "exclusive" | "inclusive" | "unspecified";

/** A postal address in Stripe's field names. */
export type AddressRecord = {
	line1: string;
	line2: string | null;
	city: string;
	postal_code: string;
	state: string | null;
	country: string;
};

/** An address as the API takes it for a Customer: any field may be missing. */
export type LooseAddressRecord = { [K in keyof AddressRecord]: string | null };

/** What the shopper typed in the shipping step. */
export type ShippingDetailsRecord = { name: string; address: AddressRecord };

/** A `shipping_rate` made from a session's `shipping_options[].shipping_rate_data`. */
export type ShippingRateRecord = {
	id: string;
	created: number;
	displayName: string;
	amount: number;
	currency: string;
	deliveryEstimate: {
		minimum: { unit: string; value: number } | null;
		maximum: { unit: string; value: number } | null;
	} | null;
	metadata: Metadata;
	taxBehavior: TaxBehavior;
	taxCode: string | null;
};

export type CouponRecord = {
	id: string;
	created: number;
	name: string | null;
	percentOff: number | null;
	amountOff: number | null;
	currency: string | null;
	duration: "once" | "forever" | "repeating";
	durationInMonths: number | null;
	maxRedemptions: number | null;
	redeemBy: number | null;
	timesRedeemed: number;
	metadata: Metadata;
};

export type PromotionCodeRecord = {
	id: string;
	created: number;
	code: string;
	couponId: string;
	active: boolean;
	expiresAt: number | null;
	maxRedemptions: number | null;
	timesRedeemed: number;
	firstTimeTransaction: boolean;
	minimumAmount: number | null;
	minimumAmountCurrency: string | null;
	metadata: Metadata;
};

/** A coupon (through a promotion code or not) applied to a session, as it was when applied. */
export type AppliedDiscountRecord = {
	couponId: string;
	promotionCodeId: string | null;
	percentOff: number | null;
	amountOff: number | null;
};

/** `saved_payment_method_options` as given at creation. */
export type SavedPaymentMethodOptionsRecord = {
	/** The `allow_redisplay` values whose saved cards the page offers; null: Stripe's default, `always`. */
	allowRedisplayFilters: AllowRedisplay[] | null;
	paymentMethodRemove: "enabled" | "disabled" | null;
	paymentMethodSave: "enabled" | "disabled" | null;
};

/** `customer_update`: what the session writes back onto its Customer (`auto`) or not (`never`). */
export type CustomerUpdateRecord = {
	address: "auto" | "never";
	shipping: "auto" | "never";
	name: "auto" | "never";
};

export type SessionRecord = {
	id: string;
	created: number;
	/** `payment` (absent in state saved before setup sessions), `setup` or `subscription`. */
	mode?: "payment" | "setup" | "subscription";
	/** `subscription_data` of a subscription session (what the Subscription is made with). */
	subscriptionData?: { metadata: Metadata; description: string | null } | null;
	/** A subscription session's Subscription and first Invoice, once paid. */
	subscriptionId?: string | null;
	invoiceId?: string | null;
	/** `customer`: the Customer whose saved cards the page offers; null (or absent): none. */
	customerId?: string | null;
	savedPaymentMethodOptions?: SavedPaymentMethodOptionsRecord | null;
	customerUpdate?: CustomerUpdateRecord | null;
	/** A setup session's SetupIntent, made when the shopper saves a card. */
	setupIntentId?: string | null;
	/** `setup_intent_data` of a setup session. */
	setupIntentData?: { description: string | null; metadata: Metadata };
	expiresAt: number;
	status: "open" | "complete" | "expired";
	paymentStatus: "unpaid" | "paid" | "no_payment_required";
	currency: string;
	lineItems: LineItemRecord[];
	/** `shipping_address_collection[allowed_countries]`; null when the session ships nothing. */
	shippingCountries: string[] | null;
	/** `shipping_options`, in the order given; the first is chosen until the shopper picks another. */
	shippingRates: ShippingRateRecord[];
	shippingRateId: string | null;
	phoneNumberCollection: boolean;
	automaticTax: boolean;
	discount: AppliedDiscountRecord | null;
	/**
	 * Set when the shopper pays (`collected_information.shipping_details`), or earlier by
	 * Stripe.js' `updateShippingAddress` on an `elements` session.
	 */
	shippingDetails: ShippingDetailsRecord | null;
	/** Set when the shopper pays, if `phone_number_collection` is on (or by `updatePhoneNumber`). */
	customerPhone: string | null;
	/**
	 * Where the shopper goes once paid: `success_url` of a hosted page, `return_url`
	 * of an `elements` session (the shop's own page confirms it there).
	 */
	successUrl: string;
	cancelUrl: string | null;
	/** `hosted_page` (absent in state saved before elements sessions) or `elements`. */
	uiMode?: "hosted_page" | "elements";
	/** An `elements` session's secret for Stripe.js on the shop's page; null for a hosted page. */
	clientSecret?: string | null;
	clientReferenceId: string | null;
	customerEmail: string | null;
	locale: string | null;
	submitType: string | null;
	billingAddressCollection: string | null;
	allowPromotionCodes: boolean | null;
	metadata: Metadata;
	paymentIntentData: {
		metadata: Metadata;
		description: string | null;
		receiptEmail: string | null;
	};
	paymentIntentId: string | null;
	/**
	 * The shopper's email (`customer_details.email`, shown once complete): set when the hosted
	 * page completes, or earlier by Stripe.js' `updateEmail` on an `elements` session.
	 */
	customerDetailsEmail: string | null;
	/** The url prefix of the emulator that created it, for `url`. */
	origin: string;
	/**
	 * `branding_settings`: the business name and button colour the page shows;
	 * null: the account's. Absent from sessions a state file kept from before it.
	 */
	branding?: { displayName: string | null; buttonColor: string | null };
	/** `custom_text[submit][message]`: the line under the Pay button; null (or absent): none. */
	submitMessage?: string | null;
	/**
	 * `consent_collection[terms_of_service]: required`: the page's box to accept
	 * the terms, with `custom_text[terms_of_service_acceptance][message]`
	 * (null: Stripe's own words); absent: none asked.
	 */
	terms?: { message: string | null; accepted: boolean };
};

/** Whether a saved payment method may be shown to its customer again (`allow_redisplay`). */
export type AllowRedisplay = "always" | "limited" | "unspecified";

export type PaymentMethodRecord = {
	id: string;
	created: number;
	type: "card" | "us_bank_account" | "sepa_debit";
	email: string | null;
	card: { brand: string; last4: string; expMonth: number; expYear: number; funding: string } | null;
	/** The Customer it is attached to; null (or absent): none. */
	customerId?: string | null;
	/** Absent in state saved before Customers: `unspecified`. */
	allowRedisplay?: AllowRedisplay;
	/**
	 * The test card number it was made from, so a saved card pays (or declines) the way its
	 * number does. The emulator's own: never rendered into an API object.
	 */
	cardNumber?: string;
	/** Set by the control API (`/_emulator/customers/:id/decline`): its payments decline. */
	declining?: boolean;
};

/** A `customer`. */
export type CustomerRecord = {
	id: string;
	created: number;
	email: string | null;
	name: string | null;
	phone: string | null;
	description: string | null;
	preferredLocales: string[];
	metadata: Metadata;
	address: LooseAddressRecord | null;
	shipping: { name: string; address: LooseAddressRecord; phone: string | null } | null;
	invoicePrefix: string;
	/** `invoice_settings.default_payment_method`. */
	defaultPaymentMethodId: string | null;
	/** `next_invoice_sequence`: the number of the Customer's next invoice (absent: 1). */
	nextInvoiceSequence?: number;
};

/** A `setup_intent` (Checkout's setup mode makes them). */
export type SetupIntentRecord = {
	id: string;
	created: number;
	status: "requires_payment_method" | "succeeded" | "canceled";
	customerId: string | null;
	paymentMethodId: string | null;
	clientSecret: string;
	description: string | null;
	metadata: Metadata;
	usage: "off_session" | "on_session";
	sessionId: string | null;
};

/** A `billing_portal.session`. */
export type PortalSessionRecord = {
	id: string;
	created: number;
	customerId: string;
	returnUrl: string | null;
	locale: string | null;
	configuration: string;
	/** The url prefix of the emulator that created it, for `url`. */
	origin: string;
};

export type PaymentErrorRecord = {
	type: "card_error" | "invalid_request_error";
	code: string;
	declineCode: string | null;
	message: string;
	chargeId: string | null;
	paymentMethod: PaymentMethodRecord;
};

export type PaymentIntentRecord = {
	id: string;
	/** `shipping` as Checkout collected it. */
	shipping: (ShippingDetailsRecord & { phone: string | null }) | null;
	created: number;
	amount: number;
	amountReceived: number;
	currency: string;
	status: "requires_payment_method" | "processing" | "succeeded" | "canceled";
	metadata: Metadata;
	description: string | null;
	receiptEmail: string | null;
	clientSecret: string;
	paymentMethodTypes: string[];
	latestChargeId: string | null;
	paymentMethod: PaymentMethodRecord | null;
	lastPaymentError: PaymentErrorRecord | null;
	canceledAt: number | null;
	cancellationReason: string | null;
	/** The Checkout Session that made it; null for an invoice's. */
	sessionId: string | null;
	/** The Invoice it pays (a subscription's); null (or absent) for a Checkout payment. */
	invoiceId?: string | null;
	/** The session's Customer; null (or absent): none. */
	customerId?: string | null;
	/** `on_session` once the shopper ticks "Save my card" (Checkout's save box); null (or absent) otherwise. */
	setupFutureUsage?: "on_session" | "off_session" | null;
};

export type ChargeRecord = {
	id: string;
	created: number;
	amount: number;
	currency: string;
	status: "succeeded" | "failed" | "pending";
	paymentIntentId: string;
	paymentMethod: PaymentMethodRecord;
	failure: { code: string; declineCode: string | null; message: string } | null;
	amountRefunded: number;
	refundIds: string[];
	balanceTransaction: string | null;
	metadata: Metadata;
	receiptEmail: string | null;
};

export type RefundRecord = {
	id: string;
	created: number;
	amount: number;
	currency: string;
	chargeId: string;
	paymentIntentId: string;
	paymentMethod: PaymentMethodRecord;
	reason: string | null;
	metadata: Metadata;
	balanceTransaction: string;
};

export type WebhookEndpointRecord = {
	id: string;
	created: number;
	url: string;
	enabledEvents: string[];
	description: string | null;
	metadata: Metadata;
	apiVersion: string | null;
	secret: string;
	status: "enabled" | "disabled";
};

/** A `product` (made from a line item's `price_data[product_data]`). */
export type ProductRecord = {
	id: string;
	created: number;
	name: string;
	description: string | null;
	metadata: Metadata;
	images: string[];
	taxCode: string | null;
};

/** A `price` (made from a line item's `price_data`): one-time, or recurring for subscriptions. */
export type PriceRecord = {
	id: string;
	created: number;
	productId: string;
	currency: string;
	unitAmount: number;
	taxBehavior: TaxBehavior;
	recurring: RecurringRecord | null;
};

export type SubscriptionStatus =
	| "incomplete"
	| "incomplete_expired"
	| "trialing"
	| "active"
	| "past_due"
	| "unpaid"
	| "canceled"
	| "paused";

/** One `subscription_item`: a price and a quantity. */
export type SubscriptionItemRecord = {
	id: string;
	created: number;
	priceId: string;
	quantity: number;
	metadata: Metadata;
};

/** A coupon applied to a subscription (at Checkout), with how long it lasts. */
export type SubscriptionDiscountRecord = {
	/** The `discount` object's id (`di_…`). */
	id: string;
	couponId: string;
	promotionCodeId: string | null;
	percentOff: number | null;
	amountOff: number | null;
	duration: "once" | "forever" | "repeating";
	/** Until when a `repeating` coupon applies; null otherwise. */
	end: number | null;
	start: number;
};

/** A `subscription` (made by a subscription-mode Checkout Session). */
export type SubscriptionRecord = {
	id: string;
	created: number;
	customerId: string;
	status: SubscriptionStatus;
	currency: string;
	items: SubscriptionItemRecord[];
	/** The recurring prices' interval (all the items share it). */
	recurring: RecurringRecord;
	billingCycleAnchor: number;
	/** Periods started since the anchor: 0 for the first period. */
	periodIndex: number;
	currentPeriodStart: number;
	currentPeriodEnd: number;
	/**
	 * The subscription's own time (like a Stripe test clock): the control API's `advance`
	 * moves it to the period's end. Objects made for it carry this time.
	 */
	clockTime: number;
	defaultPaymentMethodId: string | null;
	latestInvoiceId: string | null;
	metadata: Metadata;
	description: string | null;
	cancelAtPeriodEnd: boolean;
	cancelAt: number | null;
	canceledAt: number | null;
	endedAt: number | null;
	cancellationDetails: {
		comment: string | null;
		feedback: string | null;
		reason: "cancellation_requested" | "payment_failed" | null;
	};
	discount: SubscriptionDiscountRecord | null;
	automaticTax: boolean;
	/** The country whose rate its invoices' tax uses (the Checkout address's); null: none. */
	taxCountry: string | null;
	/** The shipping details Checkout collected, for its invoices' `customer_shipping`. */
	shipping: (ShippingDetailsRecord & { phone: string | null }) | null;
	sessionId: string | null;
};

/** One `line_item` of an invoice. */
export type InvoiceLineRecord = {
	id: string;
	description: string;
	priceId: string;
	productId: string;
	unitAmount: number;
	quantity: number;
	/** Before discount and tax. */
	amount: number;
	discount: number;
	tax: number;
	taxBehavior: TaxBehavior;
	periodStart: number;
	periodEnd: number;
	/** The subscription item it bills; null for a one-time item on the first invoice. */
	subscriptionItemId: string | null;
};

/** An `invoice_payment`: the invoice's PaymentIntent and whether it paid. */
export type InvoicePaymentRecord = {
	id: string;
	created: number;
	paymentIntentId: string;
	amountRequested: number;
	amountPaid: number | null;
	status: "open" | "paid" | "canceled";
	paidAt: number | null;
	canceledAt: number | null;
};

/** An `invoice` (a subscription's). */
export type InvoiceRecord = {
	id: string;
	created: number;
	number: string | null;
	customerId: string;
	subscriptionId: string;
	/** `parent.subscription_details.metadata`: the subscription's metadata when invoiced. */
	subscriptionMetadata: Metadata;
	billingReason: "subscription_create" | "subscription_cycle";
	status: "draft" | "open" | "paid" | "uncollectible" | "void";
	currency: string;
	lines: InvoiceLineRecord[];
	subtotal: number;
	discount: number;
	tax: number;
	total: number;
	amountPaid: number;
	discountId: string | null;
	taxCountry: string | null;
	automaticTax: boolean;
	periodStart: number;
	periodEnd: number;
	attemptCount: number;
	nextPaymentAttempt: number | null;
	paymentIntentId: string | null;
	payments: InvoicePaymentRecord[];
	finalizedAt: number | null;
	paidAt: number | null;
	markedUncollectibleAt: number | null;
	voidedAt: number | null;
	customerEmail: string | null;
	customerName: string | null;
	customerPhone: string | null;
	customerAddress: LooseAddressRecord | null;
	customerShipping: { name: string; address: LooseAddressRecord; phone: string | null } | null;
	/** The url prefix of the emulator that made it, for `hosted_invoice_url`. */
	origin: string;
};

/** A recorded `/v1` request, for tests to assert what the worker sent. */
export type RequestLogEntry = {
	method: string;
	path: string;
	query: JsonObject;
	params: JsonObject;
	idempotencyKey: string | null;
	stripeVersion: string | null;
	status: number;
	requestId: string;
	at: string;
};

export type IdempotencyRecord = {
	method: string;
	path: string;
	/** Canonical JSON of the parsed params, to compare a replay with the first request. */
	paramsKey: string;
	status: number;
	body: string;
	requestId: string;
	created: number;
};

/** Everything the emulator remembers; `resetState` empties it. Maps keep insertion order. */
export type State = {
	sessions: Map<string, SessionRecord>;
	paymentIntents: Map<string, PaymentIntentRecord>;
	charges: Map<string, ChargeRecord>;
	refunds: Map<string, RefundRecord>;
	events: Map<string, JsonObject>;
	webhookEndpoints: Map<string, WebhookEndpointRecord>;
	coupons: Map<string, CouponRecord>;
	promotionCodes: Map<string, PromotionCodeRecord>;
	shippingRates: Map<string, ShippingRateRecord>;
	customers: Map<string, CustomerRecord>;
	/** Every payment method made (cards typed, saved or not; bank debits), by id. */
	paymentMethods: Map<string, PaymentMethodRecord>;
	setupIntents: Map<string, SetupIntentRecord>;
	portalSessions: Map<string, PortalSessionRecord>;
	products: Map<string, ProductRecord>;
	prices: Map<string, PriceRecord>;
	subscriptions: Map<string, SubscriptionRecord>;
	invoices: Map<string, InvoiceRecord>;
	idempotency: Map<string, IdempotencyRecord>;
	idempotencyInFlight: Set<string>;
	requests: RequestLogEntry[];
};

/** Creates empty state. */
export function createState(): State {
	return {
		sessions: new Map(),
		paymentIntents: new Map(),
		charges: new Map(),
		refunds: new Map(),
		events: new Map(),
		webhookEndpoints: new Map(),
		coupons: new Map(),
		promotionCodes: new Map(),
		shippingRates: new Map(),
		customers: new Map(),
		paymentMethods: new Map(),
		setupIntents: new Map(),
		portalSessions: new Map(),
		products: new Map(),
		prices: new Map(),
		subscriptions: new Map(),
		invoices: new Map(),
		idempotency: new Map(),
		idempotencyInFlight: new Set(),
		requests: [],
	};
}

/** Forgets everything, in place, so holders of the state object see the reset. */
export function resetState(state: State): void {
	state.sessions.clear();
	state.paymentIntents.clear();
	state.charges.clear();
	state.refunds.clear();
	state.events.clear();
	state.webhookEndpoints.clear();
	state.coupons.clear();
	state.promotionCodes.clear();
	state.shippingRates.clear();
	state.customers.clear();
	state.paymentMethods.clear();
	state.setupIntents.clear();
	state.portalSessions.clear();
	state.products.clear();
	state.prices.clear();
	state.subscriptions.clear();
	state.invoices.clear();
	state.idempotency.clear();
	state.idempotencyInFlight.clear();
	state.requests.length = 0;
}

/** Changes some fields of a record, type-checked against the record (unlike `Object.assign`). */
export function patch<T extends object>(record: T, change: Partial<T>): void {
	Object.assign(record, change);
}
