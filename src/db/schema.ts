import { sql } from "drizzle-orm";
import {
	check,
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex,
} from "drizzle-orm/sqlite-core";

import {
	CATALOG_ACTIONS,
	EMAIL_KINDS,
	EMAIL_STATUSES,
	INFO_PAGES,
	ORDER_STATUSES,
	RECURRING_INTERVALS,
	REFUND_SOURCES,
	SUBSCRIPTION_STATUSES,
	TRANSITION_SOURCES,
	WEBHOOK_RESULTS,
} from "../domain/vocabulary.ts";
import { LOCALES } from "../i18n/catalogues.ts";

/** Every time column holds Unix epoch milliseconds. */
const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const products = sqliteTable(
	"products",
	{
		id: text("id").primaryKey(),
		name: text("name").notNull(),
		description: text("description").notNull().default(""),
		unitAmount: integer("unit_amount").notNull(),
		currency: text("currency").notNull(),
		active: integer("active", { mode: "boolean" }).notNull().default(true),
		/** Physical goods: a cart holding one collects a shipping address. */
		shippable: integer("shippable", { mode: "boolean" }).notNull().default(true),
		/** Stripe tax code (`txcd_…`) for automatic tax; null: the account's default. */
		taxCode: text("tax_code"),
		/**
		 * Units still available to new checkouts (null: unlimited). A checkout's
		 * reservation takes from it in the batch that writes the order; an order
		 * that ends expired or canceled gives its units back.
		 */
		stock: integer("stock"),
		/**
		 * Where its picture is, a path of this shop: `/media/<key>` for one the owner
		 * uploaded (R2, `MEDIA`), or a static drawing of public/img (seeds/demo.sql); null: the pages
		 * draw a neutral tile.
		 */
		imageUrl: text("image_url"),
		/**
		 * Its name and description in other languages, as JSON written by
		 * `translationsSchema` (`{"fr":{"name":"…","description":"…"}}`); a language
		 * without them shows the default text.
		 */
		translations: text("translations"),
		/**
		 * What a buyer downloads (SPEC 17), as JSON written by `fileColumn`
		 * (`{"key","name","type","size"}`, its R2 key under `files/`); null: nothing to download.
		 */
		file: text("file"),
		/** How often it renews: a plan (SPEC 15); null: a one-time product. Checked by the catalog's schema. */
		recurringInterval: text("recurring_interval", { enum: RECURRING_INTERVALS }),
		/** Stock at or under which the owner wants to know (one `low_stock` alert); null: never. */
		lowStockThreshold: integer("low_stock_threshold"),
		/** Set once its alert is raised, cleared once the stock is back above the threshold. */
		lowStockAlerted: integer("low_stock_alerted", { mode: "boolean" }).notNull().default(false),
		createdAt: integer("created_at").notNull().default(now),
		updatedAt: integer("updated_at").notNull().default(now),
	},
	(t) => [check("products_stock_check", sql`${t.stock} is null or ${t.stock} >= 0`)],
);

/** What Checkout offers for delivery, per currency. */
/**
 * The shop's identity (SPEC 17), one row (`id` 1) written by `PUT /admin/shop`.
 * Before the first edit there is no row and the shop is `wrangler.toml`'s
 * `SHOP_NAME` and `CONTACT_EMAIL`.
 */
export const shopIdentity = sqliteTable(
	"shop_identity",
	{
		id: integer("id").primaryKey(),
		name: text("name").notNull(),
		/** The e-mails' reply-to and the pages' contact; null: none shown. */
		contactEmail: text("contact_email"),
		legalName: text("legal_name"),
		legalAddress: text("legal_address"),
		/** `#rrggbb`; null: the shop's own green. */
		accentColor: text("accent_color"),
		/** Prices are tax-inclusive (EU consumer prices): Checkout gets `tax_behavior: "inclusive"`. */
		pricesIncludeTax: integer("prices_include_tax", { mode: "boolean" }).notNull().default(false),
		/** The shop's logo (`/media/shop/…`, uploaded by `POST /admin/shop/logo`); null: the shop's mark. */
		logoUrl: text("logo_url"),
		/** `admin-token:<first 8 hex digits of its SHA-256>`, as the catalog's audit names it. */
		updatedBy: text("updated_by").notNull(),
		updatedAt: integer("updated_at").notNull().default(now),
	},
	(t) => [check("shop_identity_one_row", sql`${t.id} = 1`)],
);

/**
 * The shop's information pages (SPEC 17: terms of sale, privacy, returns and
 * withdrawal, legal notice, contact), one row per page the owner saved, its
 * text per language (`""`: none in that language). A page with no text is
 * not published (404, no link).
 */
export const infoPages = sqliteTable(
	"info_pages",
	{
		slug: text("slug", { enum: INFO_PAGES }).primaryKey(),
		en: text("en").notNull().default(""),
		fr: text("fr").notNull().default(""),
		updatedBy: text("updated_by").notNull(),
		updatedAt: integer("updated_at").notNull().default(now),
	},
	() => [
		check(
			"info_pages_slug_check",
			sql.raw(`slug in (${INFO_PAGES.map((s) => `'${s}'`).join(", ")})`),
		),
	],
);

export const shippingRates = sqliteTable(
	"shipping_rates",
	{
		id: text("id").primaryKey(),
		displayName: text("display_name").notNull(),
		/** The name per language (`{"fr": {"name"}}`, canonical JSON); null: the display name everywhere. */
		translations: text("translations"),
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		minDays: integer("min_days"),
		maxDays: integer("max_days"),
		/** The cart subtotal (minor units of its currency) from which it costs 0; null: never free. */
		freeAbove: integer("free_above"),
		/**
		 * The destinations it is offered for, as a JSON array of ISO country codes
		 * (`["FR","BE"]`, written by `countries` in domain/shipping-rate.ts); null: all.
		 */
		countries: text("countries"),
		active: integer("active", { mode: "boolean" }).notNull().default(true),
		createdAt: integer("created_at").notNull().default(now),
		updatedAt: integer("updated_at").notNull().default(now),
	},
	(t) => [
		index("shipping_rates_currency_idx").on(t.currency, t.active, t.amount),
		check("shipping_rates_amount_check", sql`${t.amount} >= 0`),
	],
);

/**
 * A shopper with an account (SPEC 14): made when an e-mail's sign-in link is
 * first used, never for an address nobody signed in with.
 */
export const customers = sqliteTable(
	"customers",
	{
		id: text("id").primaryKey(),
		/** Lowercased: one customer per address, however it is typed. */
		email: text("email").notNull(),
		/** The Stripe Customer, made at the first signed-in checkout or card set-up; null before. */
		stripeCustomerId: text("stripe_customer_id"),
		/** The language of the sign-in that made it: the account's e-mails speak it. */
		locale: text("locale", { enum: LOCALES }).notNull().default("en"),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [
		uniqueIndex("customers_email_unique").on(t.email),
		uniqueIndex("customers_stripe_customer_unique").on(t.stripeCustomerId),
	],
);

/**
 * A sign-in link asked for (SPEC 14). The link's token is never stored: only
 * its SHA-256. Single use (`used_at`), 15 minutes. The rows are also what the
 * per-address and per-client hourly limits count.
 */
export const signInTokens = sqliteTable(
	"sign_in_tokens",
	{
		tokenHash: text("token_hash").primaryKey(),
		/** Lowercased, as `customers.email`: the customer is made (or found) when the link is used. */
		email: text("email").notNull(),
		locale: text("locale", { enum: LOCALES }).notNull(),
		/** SHA-256 fingerprint of the asking client's address (`clientFingerprint`), never the address. */
		clientKey: text("client_key").notNull(),
		/** The shop's origin it was asked from: the link leads there when APP_URL is unset (local development). */
		origin: text("origin").notNull(),
		createdAt: integer("created_at").notNull(),
		expiresAt: integer("expires_at").notNull(),
		usedAt: integer("used_at"),
	},
	(t) => [
		index("sign_in_tokens_email_idx").on(t.email, t.createdAt),
		index("sign_in_tokens_client_idx").on(t.clientKey, t.createdAt),
	],
);

/**
 * A signed-in browser (SPEC 14): the cookie carries a random id (signed with
 * SESSION_SECRET); the row keeps only the id's SHA-256, so the table cannot
 * sign anyone in. Ending it (`ended_at`) refuses the cookie from then on.
 */
export const accountSessions = sqliteTable(
	"account_sessions",
	{
		idHash: text("id_hash").primaryKey(),
		customerId: text("customer_id")
			.notNull()
			.references(() => customers.id),
		createdAt: integer("created_at").notNull(),
		expiresAt: integer("expires_at").notNull(),
		endedAt: integer("ended_at"),
	},
	(t) => [index("account_sessions_customer_idx").on(t.customerId)],
);

/**
 * A customer's subscription to a plan (SPEC 15): Stripe's latest snapshot of
 * it, stored whole on every event (retrieved, never taken from the event), so
 * events in any order leave what Stripe says now.
 */
export const subscriptions = sqliteTable(
	"subscriptions",
	{
		/** Stripe's `sub_…`. */
		id: text("id").primaryKey(),
		customerId: text("customer_id")
			.notNull()
			.references(() => customers.id),
		productId: text("product_id").notNull(),
		status: text("status", { enum: SUBSCRIPTION_STATUSES }).notNull(),
		quantity: integer("quantity").notNull().default(1),
		/** The plan's price per period, in minor units of `currency` (the subscription item's). */
		unitAmount: integer("unit_amount").notNull(),
		currency: text("currency").notNull(),
		interval: text("interval", { enum: RECURRING_INTERVALS }).notNull(),
		/** The current period's end (ms), from the subscription item. */
		currentPeriodEnd: integer("current_period_end"),
		cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" })
			.notNull()
			.default(false),
		/** When the cancellation was asked (ms); `ended_at`: when it ended. */
		canceledAt: integer("canceled_at"),
		endedAt: integer("ended_at"),
		latestInvoiceId: text("latest_invoice_id"),
		/** The Checkout Session that started it: its claim may be taken again once it has ended. */
		checkoutSessionId: text("checkout_session_id"),
		/** Where a shippable plan's boxes go: the address its checkout collected. */
		shippingName: text("shipping_name"),
		shippingLine1: text("shipping_line1"),
		shippingLine2: text("shipping_line2"),
		shippingCity: text("shipping_city"),
		shippingPostalCode: text("shipping_postal_code"),
		shippingState: text("shipping_state"),
		shippingCountry: text("shipping_country"),
		shippingPhone: text("shipping_phone"),
		/** The shop's origin it was bought from: its e-mails link there when APP_URL is unset. */
		origin: text("origin"),
		/** When Stripe's snapshot was last stored (ms): reconciliation re-syncs live ones a day on. */
		syncedAt: integer("synced_at").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [
		index("subscriptions_customer_idx").on(t.customerId),
		index("subscriptions_status_idx").on(t.status, t.syncedAt),
		check(
			"subscriptions_status_check",
			sql.raw(`status in (${SUBSCRIPTION_STATUSES.map((s) => `'${s}'`).join(", ")})`),
		),
	],
);

/** A subscription's invoices as Stripe reported them (SPEC 15). */
export const invoices = sqliteTable(
	"invoices",
	{
		/** Stripe's `in_…`. */
		id: text("id").primaryKey(),
		subscriptionId: text("subscription_id").notNull(),
		status: text("status").notNull(),
		amountPaid: integer("amount_paid").notNull().default(0),
		amountDue: integer("amount_due").notNull().default(0),
		currency: text("currency").notNull(),
		hostedInvoiceUrl: text("hosted_invoice_url"),
		billingReason: text("billing_reason"),
		periodStart: integer("period_start"),
		periodEnd: integer("period_end"),
		paidAt: integer("paid_at"),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [index("invoices_subscription_idx").on(t.subscriptionId, t.createdAt)],
);

/**
 * One plan checkout at a time per customer and plan (SPEC 15): a double click
 * or a second tab finds the claim and is answered the same Checkout Session,
 * never a second subscription. A claim lapses with its session.
 */
export const subscriptionClaims = sqliteTable(
	"subscription_claims",
	{
		customerId: text("customer_id").notNull(),
		productId: text("product_id").notNull(),
		/** The claim's own id: the Stripe idempotency key of its session. */
		claimId: text("claim_id").notNull(),
		sessionId: text("session_id"),
		url: text("url"),
		expiresAt: integer("expires_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.customerId, t.productId] })],
);

export const orders = sqliteTable(
	"orders",
	{
		id: text("id").primaryKey(),
		status: text("status", { enum: ORDER_STATUSES }).notNull(),
		/**
		 * What the shopper pays, in minor units: the subtotal until Stripe reports what it
		 * charged, then the session's `amount_total` (discount, shipping and tax included).
		 */
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		/** The priced items, ours: never changes after checkout, and what a paid session must match. */
		subtotal: integer("subtotal").notNull(),
		amountDiscount: integer("amount_discount").notNull().default(0),
		/** The promotion code the shopper entered on Stripe's page (e.g. WELCOME10), when there was one. */
		discountCode: text("discount_code"),
		amountShipping: integer("amount_shipping").notNull().default(0),
		amountTax: integer("amount_tax").notNull().default(0),
		shippingName: text("shipping_name"),
		shippingLine1: text("shipping_line1"),
		shippingLine2: text("shipping_line2"),
		shippingCity: text("shipping_city"),
		shippingPostalCode: text("shipping_postal_code"),
		shippingState: text("shipping_state"),
		shippingCountry: text("shipping_country"),
		shippingPhone: text("shipping_phone"),
		/** The delivery option the shopper chose on Stripe's page. */
		shippingRateName: text("shipping_rate_name"),
		/** How it was paid, when Stripe tells: card brand and last four digits, and the receipt. */
		paymentBrand: text("payment_brand"),
		paymentLast4: text("payment_last4"),
		receiptUrl: text("receipt_url"),
		fulfillmentCarrier: text("fulfillment_carrier"),
		fulfillmentTrackingNumber: text("fulfillment_tracking_number"),
		fulfillmentTrackingUrl: text("fulfillment_tracking_url"),
		fulfilledAt: integer("fulfilled_at"),
		/** The shopper's language at checkout: Stripe's page and the order's e-mails speak it. */
		locale: text("locale", { enum: LOCALES }).notNull().default("en"),
		/** The shop's origin the order was placed from: its e-mails link there when APP_URL is unset (local development). */
		origin: text("origin"),
		/** Fingerprint of the items as priced at checkout (products, quantities, prices). */
		itemsKey: text("items_key").notNull(),
		/**
		 * The shopper's proof of owning the checkout (128 random bits, sent with the
		 * checkout answer and in the cancel URL): resuming needs it, the order id alone
		 * does not do. Kept so emails can carry it later. Null for orders made before it.
		 */
		resumeToken: text("resume_token"),
		stripeCheckoutSessionId: text("stripe_checkout_session_id"),
		stripePaymentIntentId: text("stripe_payment_intent_id"),
		checkoutUrl: text("checkout_url"),
		checkoutExpiresAt: integer("checkout_expires_at"),
		/**
		 * The order that took this one's cart over when the shopper resumed it another way
		 * (the other way to pay, another destination, a changed cart): its links follow it,
		 * so an old link never offers to pay again what the newer order paid.
		 */
		replacedBy: text("replaced_by"),
		/** The signed-in customer who checked out (SPEC 14); null for a guest's order. */
		customerId: text("customer_id").references(() => customers.id),
		/** A subscription's renewal to fulfil (SPEC 15): the subscription and the paid invoice that made it. */
		subscriptionId: text("subscription_id"),
		invoiceId: text("invoice_id"),
		/**
		 * The shopper's address: the one the completed Checkout Session was paid with once
		 * `checkoutCompleted`; before that, the latest attempt's (a declined card's billing
		 * address), which the session's own report replaces.
		 */
		customerEmail: text("customer_email"),
		/**
		 * Whether the completed Checkout Session's own report is on the order: the e-mail it
		 * was paid with, the address, the totals. A payment told by its PaymentIntent alone
		 * lacks it; the confirmation waits for it, and reconciliation fetches it.
		 */
		checkoutCompleted: integer("checkout_completed", { mode: "boolean" }).notNull().default(false),
		/**
		 * Who opened the checkout, while it is open (pending or failed): a SHA-256 fingerprint
		 * of the client's IP address (IPv6: its /64), so that one client holds a bounded share
		 * of limited stock at once. Cleared when the order leaves the open statuses.
		 */
		clientKey: text("client_key"),
		failureCode: text("failure_code"),
		failureMessage: text("failure_message"),
		/**
		 * What Stripe's page last asked the shopper to pay on a declined attempt (shipping, tax
		 * and discount included), in minor units: the payment-failed e-mail's total. Null until
		 * a decline.
		 */
		amountAsked: integer("amount_asked"),
		amountRefunded: integer("amount_refunded").notNull().default(0),
		/** Bumped by every write: writers compare-and-set on it, so concurrent facts never interleave. */
		version: integer("version").notNull().default(0),
		/** Stripe `created` (seconds) of the last fact applied: older facts are recorded, not applied. */
		lastFactAt: integer("last_fact_at"),
		/** When reconciliation (or the success page's sync) last asked Stripe about this open order. */
		reconciledAt: integer("reconciled_at"),
		/**
		 * When reconciliation last asked Stripe whether this paid order was refunded
		 * (0: not yet). Null when nothing is due: not paid, fully refunded, or paid
		 * more than 30 days ago. Its own column so that the re-check reads only the
		 * rows it takes, however many orders the shop has had.
		 */
		refundCheckAt: integer("refund_check_at"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
		paidAt: integer("paid_at"),
	},
	(t) => [
		uniqueIndex("orders_session_id_unique").on(t.stripeCheckoutSessionId),
		uniqueIndex("orders_payment_intent_id_unique").on(t.stripePaymentIntentId),
		// Reconciliation's look-up of orders that never reached Stripe (status, no session, age).
		index("orders_status_session_created_idx").on(t.status, t.stripeCheckoutSessionId, t.createdAt),
		index("orders_status_created_idx").on(t.status, t.createdAt),
		// Reconciliation's open orders, least recently checked first (never-checked: NULL, first).
		index("orders_open_reconcile_idx")
			.on(t.reconciledAt, t.createdAt)
			.where(sql`status in ('pending', 'processing', 'failed')`),
		// Paid orders due a refund re-check, least recently checked first; and their 30-day window.
		index("orders_refund_check_idx").on(t.refundCheckAt).where(sql`refund_check_at is not null`),
		index("orders_refund_window_idx").on(t.paidAt).where(sql`refund_check_at is not null`),
		index("orders_created_idx").on(t.createdAt),
		// The dashboard's paid orders of today and of the week.
		index("orders_paid_idx").on(t.paidAt).where(sql`paid_at is not null`),
		// The operator's search by customer e-mail, in any case.
		index("orders_customer_email_idx").on(sql`lower(${t.customerEmail})`),
		// A customer's history (SPEC 14), newest first.
		index("orders_customer_idx").on(t.customerId, t.createdAt),
		// One order per paid invoice, whatever path or how many deliveries (SPEC 15).
		uniqueIndex("orders_invoice_unique").on(t.invoiceId),
		index("orders_subscription_idx").on(t.subscriptionId, t.createdAt),
		// Limited stock held by one client's open checkouts.
		index("orders_client_open_idx")
			.on(t.clientKey)
			.where(sql`client_key is not null and status in ('pending', 'failed')`),
		// Paid orders still lacking their session's report: reconciliation completes them.
		index("orders_incomplete_idx")
			.on(t.reconciledAt, t.paidAt)
			.where(sql`checkout_completed = 0 and status in ('paid', 'fulfilled', 'refunded')`),
		check(
			"orders_status_check",
			sql.raw(`status in (${ORDER_STATUSES.map((s) => `'${s}'`).join(", ")})`),
		),
		// A 100 % promotion code makes a paid order of amount 0; the subtotal is always above 0.
		check(
			"orders_amount_check",
			sql`${t.amount} >= 0 and ${t.subtotal} > 0 and ${t.amountRefunded} >= 0`,
		),
	],
);

export const orderItems = sqliteTable(
	"order_items",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		orderId: text("order_id")
			.notNull()
			.references(() => orders.id),
		productId: text("product_id").notNull(),
		name: text("name").notNull(),
		unitAmount: integer("unit_amount").notNull(),
		quantity: integer("quantity").notNull(),
		/**
		 * Units this line took from the product's stock at checkout: its quantity when
		 * the stock was limited, 0 when unlimited. What a release gives back, exactly.
		 */
		reserved: integer("reserved").notNull().default(0),
	},
	(t) => [
		index("order_items_order_idx").on(t.orderId),
		check(
			"order_items_quantity_check",
			sql`${t.quantity} between 1 and 99 and ${t.unitAmount} >= 0`,
		),
	],
);

/**
 * Download links (SPEC 17): one per order line whose product carries a file,
 * written in the batch that makes the order paid (or by the console's
 * re-issue, which replaces them). The token is the link: random, and kept as
 * is so the success page and a resent e-mail show the same link again.
 */
export const downloads = sqliteTable(
	"downloads",
	{
		token: text("token").primaryKey(),
		orderId: text("order_id")
			.notNull()
			.references(() => orders.id),
		orderItemId: integer("order_item_id").notNull(),
		productId: text("product_id").notNull(),
		expiresAt: integer("expires_at").notNull(),
		/** Downloads started with it; at `DOWNLOAD_LIMIT` it is refused. */
		used: integer("used").notNull().default(0),
		/** When the console issued new links in its place (it is refused since, saying so); null: current. */
		replacedAt: integer("replaced_at"),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [index("downloads_order_idx").on(t.orderId)],
);

/**
 * The catalog's audit trail: every change the operator makes to a product,
 * who made it (the admin token's fingerprint), when, and each field's value
 * before and after. Reservations and releases are not here: they belong to
 * their orders' transitions.
 */
export const catalogChanges = sqliteTable(
	"catalog_changes",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		productId: text("product_id").notNull(),
		/** `create`, `update` or `stock`. */
		action: text("action", { enum: CATALOG_ACTIONS }).notNull(),
		/** `admin-token:<first 8 hex digits of its SHA-256>`: which token made it, never the token. */
		actor: text("actor").notNull(),
		/** JSON: `{"<field>": {"from": …, "to": …}}`. */
		changes: text("changes").notNull(),
		at: integer("at").notNull(),
	},
	(t) => [index("catalog_changes_product_idx").on(t.productId, t.id)],
);

/** The shipping rates' audit trail (the console's Shipping tab), as the catalog's is for products. */
export const shippingRateChanges = sqliteTable(
	"shipping_rate_changes",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		rateId: text("rate_id").notNull(),
		/** `create` or `update`. */
		action: text("action", { enum: ["create", "update"] }).notNull(),
		actor: text("actor").notNull(),
		/** JSON: `{"<field>": {"from": …, "to": …}}`. */
		changes: text("changes").notNull(),
		at: integer("at").notNull(),
	},
	(t) => [index("shipping_rate_changes_rate_idx").on(t.rateId, t.id)],
);

export const webhookEvents = sqliteTable(
	"webhook_events",
	{
		id: text("id").primaryKey(),
		type: text("type").notNull(),
		/** Stripe's `created`, seconds. */
		created: integer("created").notNull(),
		receivedAt: integer("received_at").notNull(),
		processedAt: integer("processed_at"),
		result: text("result", { enum: WEBHOOK_RESULTS }).notNull(),
		/** Why processing failed, or why the event was ignored. */
		error: text("error"),
		orderId: text("order_id"),
		attempts: integer("attempts").notNull().default(1),
		/**
		 * Who is processing the event now (a random token) and since when: the first
		 * delivery claims the row, concurrent copies see the claim and stand back. A
		 * claim older than a minute belongs to a request that died and may be taken over.
		 */
		claimToken: text("claim_token"),
		claimedAt: integer("claimed_at"),
	},
	(t) => [index("webhook_events_result_idx").on(t.result, t.receivedAt)],
);

export const orderTransitions = sqliteTable(
	"order_transitions",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		orderId: text("order_id")
			.notNull()
			.references(() => orders.id),
		fromStatus: text("from_status", { enum: ORDER_STATUSES }),
		toStatus: text("to_status", { enum: ORDER_STATUSES }).notNull(),
		source: text("source", { enum: TRANSITION_SOURCES }).notNull(),
		stripeEventId: text("stripe_event_id"),
		at: integer("at").notNull(),
	},
	(t) => [index("order_transitions_order_idx").on(t.orderId, t.id)],
);

/** The operator's private notes on an order (SPEC 17), shown in its history; never to the shopper. */
export const orderNotes = sqliteTable(
	"order_notes",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		orderId: text("order_id")
			.notNull()
			.references(() => orders.id),
		text: text("text").notNull(),
		/** `admin-token:<first 8 hex digits of its SHA-256>`, as the catalog's audit names it. */
		createdBy: text("created_by").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [index("order_notes_order_idx").on(t.orderId, t.id)],
);

export const alerts = sqliteTable(
	"alerts",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		kind: text("kind").notNull(),
		orderId: text("order_id"),
		message: text("message").notNull(),
		/** Set for alerts that must be raised once only (e.g. one amount mismatch per order). */
		dedupeKey: text("dedupe_key"),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [
		uniqueIndex("alerts_dedupe_unique").on(t.dedupeKey),
		index("alerts_created_idx").on(t.createdAt),
	],
);

export const idempotencyKeys = sqliteTable(
	"idempotency_keys",
	{
		key: text("key").primaryKey(),
		requestHash: text("request_hash").notNull(),
		/** Null while the first request is in flight. */
		responseStatus: integer("response_status"),
		responseBody: text("response_body"),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [index("idempotency_keys_created_idx").on(t.createdAt)],
);

/**
 * The transactional outbox: an e-mail is written in the same D1 batch as the
 * change that causes it (by the single writer), then delivered through the
 * EMAIL_QUEUE. `dedupe_key` makes it one e-mail per cause, however often the
 * cause is seen.
 */
export const emails = sqliteTable(
	"emails",
	{
		id: text("id").primaryKey(),
		orderId: text("order_id").references(() => orders.id),
		/** Reserved for subscriptions and customer accounts (not built yet). */
		subscriptionId: text("subscription_id"),
		customerId: text("customer_id"),
		kind: text("kind", { enum: EMAIL_KINDS }).notNull(),
		to: text("to").notNull(),
		locale: text("locale", { enum: LOCALES }).notNull(),
		/** Set when it is rendered for sending. */
		subject: text("subject"),
		/** For a refund: the amount refunded this time, in the order's minor units. */
		amount: integer("amount"),
		status: text("status", { enum: EMAIL_STATUSES }).notNull().default("pending"),
		attempts: integer("attempts").notNull().default(0),
		/** When a delivery took this try (null when none holds it): a second delivery stands back. */
		claimedAt: integer("claimed_at"),
		lastError: text("last_error"),
		providerMessageId: text("provider_message_id"),
		/** How often the operator asked to send it again: part of the provider's idempotency key. */
		resends: integer("resends").notNull().default(0),
		/** The e-mail this one sends again to a corrected address (`POST /admin/emails/:id/resend` with `to`). */
		resendOf: text("resend_of"),
		dedupeKey: text("dedupe_key").notNull(),
		createdAt: integer("created_at").notNull(),
		sentAt: integer("sent_at"),
	},
	(t) => [
		uniqueIndex("emails_dedupe_unique").on(t.dedupeKey),
		index("emails_order_idx").on(t.orderId, t.createdAt),
		// Reconciliation's look-up of e-mails whose enqueue was lost.
		index("emails_pending_idx").on(t.createdAt).where(sql`status = 'pending'`),
		// The dashboard's count of e-mails that could not be sent.
		index("emails_failed_idx").on(t.createdAt).where(sql`status = 'failed'`),
	],
);

/**
 * Every refund of an order, once (Stripe's `re_…` id is the key), whether made
 * in the admin console or in Stripe's Dashboard: recorded from the admin's own
 * call, from `charge.refunded` and from reconciliation's refund re-check, in any
 * order. The order's `amount_refunded` stays the running total the state
 * machine decides on.
 */
export const refunds = sqliteTable(
	"refunds",
	{
		id: text("id").primaryKey(),
		orderId: text("order_id")
			.notNull()
			.references(() => orders.id),
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		/** Stripe's: `pending`, `requires_action`, `succeeded`, `failed`, `canceled`. */
		status: text("status").notNull(),
		reason: text("reason"),
		source: text("source", { enum: REFUND_SOURCES }).notNull(),
		/** Stripe's `created`, in milliseconds. */
		createdAt: integer("created_at").notNull(),
		/** When we last recorded what Stripe said about it. */
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [index("refunds_order_idx").on(t.orderId, t.createdAt)],
);

/**
 * The operator's refund requests, each written before Stripe is asked: Stripe's
 * idempotency key is the request's own id, never the order's state, so a
 * request retried after its answer was lost (D1 failed once Stripe had refunded,
 * a dropped connection) is the same refund at Stripe. A request is `answered`
 * once its refund is on the order and the console has it; until then an
 * identical request (same order, same amount asked) is its retry.
 */
export const refundRequests = sqliteTable(
	"refund_requests",
	{
		id: text("id").primaryKey(),
		orderId: text("order_id")
			.notNull()
			.references(() => orders.id),
		/** What was asked, in minor units; null: "the rest". */
		requested: integer("requested"),
		/** What it refunds: the amount asked, or the rest as it was when asked. */
		amount: integer("amount").notNull(),
		/** Stripe's `re_…` once its answer is recorded. */
		refundId: text("refund_id"),
		/** Stripe's reason sent with it (`requested_by_customer`, `duplicate`, `fraudulent`); null: none. */
		reason: text("reason"),
		/** The operator's own words about it, kept by us (never sent to Stripe). */
		note: text("note"),
		/** Units to put back in stock once refunded: JSON `[{"productId","quantity"}]`; null: none. */
		restock: text("restock"),
		/** 1 once its units are back in stock (in the batch that answers it): never twice. */
		restocked: integer("restocked", { mode: "boolean" }).notNull().default(false),
		createdAt: integer("created_at").notNull(),
		answeredAt: integer("answered_at"),
	},
	(t) => [
		index("refund_requests_unanswered_idx")
			.on(t.orderId, t.createdAt)
			.where(sql`answered_at is null`),
	],
);
