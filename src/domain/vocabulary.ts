/**
 * The words of the order domain, owned here and used by the schema (as column
 * enums and checks), the state machine and the API.
 */

/** An order's status (the state machine in `transitions.ts`). */
export const ORDER_STATUSES = [
	"pending",
	"processing",
	"paid",
	"failed",
	"expired",
	"canceled",
	"refunded",
	"fulfilled",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Who moved an order: the path that noticed the change. */
export const TRANSITION_SOURCES = [
	"checkout",
	"webhook",
	"success_page",
	"reconcile",
	"admin",
	/** A paid order whose every line is a download: fulfilled by its links (SPEC 17). */
	"delivery",
] as const;
export type TransitionSource = (typeof TRANSITION_SOURCES)[number];

/** What became of a Stripe event in the ledger. */
export const WEBHOOK_RESULTS = ["processed", "ignored", "failed"] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

/** What a shopper is told by e-mail, and when (src/domain/emails.ts). */
export const EMAIL_KINDS = [
	"order_confirmation",
	"payment_processing",
	"payment_failed",
	"refund",
	"shipped",
	/** A customer's sign-in link (SPEC 14): no order. */
	"sign_in",
	/** A subscription's first paid invoice (SPEC 15), once per subscription. */
	"subscription_started",
	/** Each failed invoice of a subscription, with the way to fix the card. */
	"subscription_payment_failed",
	/** Once, when a subscription ends. */
	"subscription_canceled",
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** Where an e-mail of the outbox is. */
export const EMAIL_STATUSES = ["pending", "sent", "failed"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** What the operator did to a product (the catalog's audit trail). */
export const CATALOG_ACTIONS = ["create", "update", "stock"] as const;
export type CatalogAction = (typeof CATALOG_ACTIONS)[number];

/** Something a human must look at: recorded in `alerts` and sent to ALERT_WEBHOOK_URL. */
export type Alert = {
	kind: string;
	orderId: string | null;
	message: string;
	dedupeKey?: string | null;
};

/** Who made a refund: the shop's operator (`admin`), or someone in Stripe's Dashboard (or another API client). */
export const REFUND_SOURCES = ["admin", "dashboard"] as const;
export type RefundSource = (typeof REFUND_SOURCES)[number];

/** The shop's information pages (SPEC 17), each at `/pages/<slug>`, in the footer's order. */
export const INFO_PAGES = ["terms", "returns", "privacy", "legal", "contact"] as const;
export type InfoPage = (typeof INFO_PAGES)[number];

/** SPEC 16's names: `hosted` (Stripe's `hosted_page`) or `elements` (the Payment Element on our page). */
export const CHECKOUT_UIS = ["hosted", "elements"] as const;
export type CheckoutUi = (typeof CHECKOUT_UIS)[number];

/** How often a plan renews (SPEC 15): a product with one is a plan. */
export const RECURRING_INTERVALS = ["month", "year"] as const;
export type RecurringInterval = (typeof RECURRING_INTERVALS)[number];

/** A subscription's status, as Stripe says it (SPEC 15). */
export const SUBSCRIPTION_STATUSES = [
	"incomplete",
	"incomplete_expired",
	"trialing",
	"active",
	"past_due",
	"unpaid",
	"canceled",
	"paused",
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** The statuses in which a customer has the plan: a second subscription to it is refused. */
export const LIVE_SUBSCRIPTION_STATUSES = [
	"trialing",
	"active",
	"past_due",
] as const satisfies readonly SubscriptionStatus[];
