import { type SQL, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { runBatch } from "../../db/batch.ts";
import { productText } from "../../domain/product.ts";
import type { EmailKind, SubscriptionStatus } from "../../domain/vocabulary.ts";
import { SUBSCRIPTION_STATUSES } from "../../domain/vocabulary.ts";
import { isLocale } from "../../i18n/catalogues.ts";
import { isSingleAddress } from "../../lib/email-address.ts";
import type { StripeDeps } from "../deps.ts";
import { orderLineInsert } from "../orders/stock.ts";

/**
 * Subscriptions (SPEC 15) are applied from Stripe's own latest snapshot,
 * retrieved on every event, never from the event's copy: events in any order,
 * twice or late, leave what Stripe says now. Invoices are recorded as
 * reported (a paid invoice is final: a late failure never undoes it), and each
 * paid invoice of a shippable plan becomes one order (`orders.invoice_id` is
 * unique), committed with the snapshot, the e-mails and the ledger row.
 */

/** What an event says about one of the shop's subscriptions: which, and whose by its metadata. */
export type SubscriptionRef = {
	subscriptionId: string;
	/** Our customer and plan, from the metadata the shop gave Stripe. */
	customerId: string | null;
	productId: string | null;
	invoice?: Stripe.Invoice;
	session?: Stripe.Checkout.Session;
};

const idOf = (value: string | { id: string } | null | undefined) =>
	typeof value === "string" ? value : (value?.id ?? null);

/**
 * The subscription an event is about, or why it is not one of ours to apply;
 * null for an event that is not about subscriptions (an order's).
 */
export function subscriptionRefOf(
	event: Stripe.Event,
): SubscriptionRef | { ignore: string } | null {
	switch (event.type) {
		case "checkout.session.completed": {
			const session = event.data.object;
			if (session.mode !== "subscription") return null;
			const subscriptionId = idOf(session.subscription);
			if (!subscriptionId) return { ignore: "a subscription session without its subscription" };
			return {
				subscriptionId,
				customerId: session.metadata?.customer_id ?? null,
				productId: session.metadata?.product_id ?? null,
				session,
			};
		}
		case "customer.subscription.created":
		case "customer.subscription.updated":
		case "customer.subscription.deleted": {
			const subscription = event.data.object;
			return {
				subscriptionId: subscription.id,
				customerId: subscription.metadata?.customer_id ?? null,
				productId: subscription.metadata?.product_id ?? null,
			};
		}
		case "invoice.paid":
		case "invoice.payment_failed": {
			const invoice = event.data.object;
			const details = invoice.parent?.subscription_details;
			const subscriptionId = idOf(details?.subscription);
			if (!subscriptionId) return { ignore: "an invoice of no subscription" };
			return {
				subscriptionId,
				customerId: details?.metadata?.customer_id ?? null,
				productId: details?.metadata?.product_id ?? null,
				invoice,
			};
		}
		default:
			return null;
	}
}

/** The rows a subscription event is applied against (read in the ledger claim's batch). */
export type SubscriptionRows = {
	customer: { id: string; email: string; locale: string } | null;
	product: {
		id: string;
		name: string;
		description: string;
		translations: string | null;
		shippable: boolean;
	} | null;
	/** Our invoice row's status, when recorded. */
	invoiceStatus: string | null;
};

/** The statements reading a ref's rows, for the claim's batch (customer, product, invoice). */
export function subscriptionReads(ref: SubscriptionRef): SQL[] {
	return [
		sql`select id, email, locale from customers where id = ${ref.customerId ?? ""}`,
		sql`select id, name, description, translations, shippable from products where id = ${ref.productId ?? ""}`,
		sql`select status from invoices where id = ${ref.invoice?.id ?? ""}`,
	];
}

export function readSubscriptionRows(results: D1Result[]): SubscriptionRows {
	const [customer, product, invoice] = results.map((r) => r.results[0] as Record<string, unknown>);
	return {
		customer: customer
			? { id: String(customer.id), email: String(customer.email), locale: String(customer.locale) }
			: null,
		product: product
			? {
					id: String(product.id),
					name: String(product.name),
					description: String(product.description),
					translations: (product.translations as string | null) ?? null,
					shippable: Boolean(product.shippable),
				}
			: null,
		invoiceStatus: invoice ? String(invoice.status) : null,
	};
}

const seconds = (s: number | null | undefined) => (typeof s === "number" ? s * 1000 : null);

/** The snapshot's status, as the table allows it. */
function statusOf(subscription: Stripe.Subscription): SubscriptionStatus {
	const status = subscription.status as SubscriptionStatus;
	if (!SUBSCRIPTION_STATUSES.includes(status))
		throw new Error(`subscription ${subscription.id} has an unknown status ${subscription.status}`);
	return status;
}

type Shipping = {
	name: string | null;
	line1: string | null;
	line2: string | null;
	city: string | null;
	postalCode: string | null;
	state: string | null;
	country: string | null;
	phone: string | null;
};

/** Where a session or an invoice says the boxes go. */
function shippingOf(
	details:
		| { name?: string | null; address?: Stripe.Address | null; phone?: string | null }
		| null
		| undefined,
	phone: string | null = null,
): Shipping | null {
	const a = details?.address;
	if (!a?.line1) return null;
	return {
		name: details?.name ?? null,
		line1: a.line1 ?? null,
		line2: a.line2 ?? null,
		city: a.city ?? null,
		postalCode: a.postal_code ?? null,
		state: a.state ?? null,
		country: a.country ?? null,
		phone: details?.phone ?? phone,
	};
}

/**
 * The upsert of a snapshot: every field Stripe says, and, when this event
 * tells it, where the boxes go. A snapshot retrieved earlier than the one on
 * record never replaces it (two deliveries racing).
 */
function snapshotUpsert(
	snapshot: Stripe.Subscription,
	rows: SubscriptionRows & { customer: NonNullable<SubscriptionRows["customer"]> },
	productId: string,
	retrievedAt: number,
	shipping: Shipping | null,
	/** The Checkout Session that started it, when this event (or look-up) says so. */
	checkoutSessionId: string | null = null,
): SQL {
	const item = snapshot.items.data[0];
	const price = item?.price;
	const s = shipping;
	return sql`insert into subscriptions (id, customer_id, product_id, status, quantity, unit_amount, currency, interval,
			current_period_end, cancel_at_period_end, canceled_at, ended_at, latest_invoice_id,
			shipping_name, shipping_line1, shipping_line2, shipping_city, shipping_postal_code, shipping_state, shipping_country, shipping_phone,
			origin, checkout_session_id, synced_at, created_at)
		values (${snapshot.id}, ${rows.customer.id}, ${productId}, ${statusOf(snapshot)}, ${item?.quantity ?? 1},
			${price?.unit_amount ?? 0}, ${price?.currency ?? snapshot.currency}, ${price?.recurring?.interval === "year" ? "year" : "month"},
			${seconds(item?.current_period_end)}, ${snapshot.cancel_at_period_end ? 1 : 0}, ${seconds(snapshot.canceled_at)}, ${seconds(snapshot.ended_at)},
			${idOf(snapshot.latest_invoice)},
			${s?.name ?? null}, ${s?.line1 ?? null}, ${s?.line2 ?? null}, ${s?.city ?? null}, ${s?.postalCode ?? null}, ${s?.state ?? null}, ${s?.country ?? null}, ${s?.phone ?? null},
			${snapshot.metadata?.origin ?? null}, ${checkoutSessionId}, ${retrievedAt}, ${seconds(snapshot.created) ?? retrievedAt})
		on conflict (id) do update set
			status = excluded.status, quantity = excluded.quantity, unit_amount = excluded.unit_amount,
			currency = excluded.currency, interval = excluded.interval,
			current_period_end = excluded.current_period_end, cancel_at_period_end = excluded.cancel_at_period_end,
			canceled_at = excluded.canceled_at, ended_at = excluded.ended_at, latest_invoice_id = excluded.latest_invoice_id,
			shipping_name = coalesce(excluded.shipping_name, subscriptions.shipping_name),
			shipping_line1 = coalesce(excluded.shipping_line1, subscriptions.shipping_line1),
			shipping_line2 = case when excluded.shipping_line1 is null then subscriptions.shipping_line2 else excluded.shipping_line2 end,
			shipping_city = coalesce(excluded.shipping_city, subscriptions.shipping_city),
			shipping_postal_code = coalesce(excluded.shipping_postal_code, subscriptions.shipping_postal_code),
			shipping_state = case when excluded.shipping_line1 is null then subscriptions.shipping_state else excluded.shipping_state end,
			shipping_country = coalesce(excluded.shipping_country, subscriptions.shipping_country),
			shipping_phone = coalesce(excluded.shipping_phone, subscriptions.shipping_phone),
			origin = coalesce(subscriptions.origin, excluded.origin),
			checkout_session_id = coalesce(subscriptions.checkout_session_id, excluded.checkout_session_id),
			synced_at = excluded.synced_at
		where excluded.synced_at >= subscriptions.synced_at`;
}

/** An invoice as reported; a paid one stays paid whatever comes after it. */
function invoiceUpsert(invoice: Stripe.Invoice, subscriptionId: string, now: number): SQL {
	return sql`insert into invoices (id, subscription_id, status, amount_paid, amount_due, currency, hosted_invoice_url,
			billing_reason, period_start, period_end, paid_at, created_at)
		values (${invoice.id}, ${subscriptionId}, ${invoice.status ?? "open"}, ${invoice.amount_paid}, ${invoice.amount_due},
			${invoice.currency}, ${invoice.hosted_invoice_url ?? null}, ${invoice.billing_reason ?? null},
			${seconds(invoice.period_start)}, ${seconds(invoice.period_end)},
			${seconds(invoice.status_transitions?.paid_at)}, ${seconds(invoice.created) ?? now})
		on conflict (id) do update set
			status = excluded.status, amount_paid = excluded.amount_paid, amount_due = excluded.amount_due,
			hosted_invoice_url = coalesce(excluded.hosted_invoice_url, invoices.hosted_invoice_url),
			paid_at = coalesce(excluded.paid_at, invoices.paid_at)
		where invoices.status <> 'paid'`;
}

/**
 * The PaymentIntent that paid an invoice (an order's refunds go through it):
 * from its `payments`, which Stripe gives only when expanded, so from the
 * snapshot's latest invoice (retrieved with them) when it is this one.
 */
function paymentIntentOf(invoice: Stripe.Invoice, snapshot: Stripe.Subscription): string | null {
	const latest = snapshot.latest_invoice;
	const withPayments =
		invoice.payments?.data ??
		(typeof latest === "object" && latest?.id === invoice.id ? latest.payments?.data : undefined);
	for (const p of withPayments ?? []) {
		const id = idOf(p.payment?.payment_intent);
		if (id) return id;
	}
	return null;
}

const sum = (list: { amount: number }[] | null | undefined) =>
	(list ?? []).reduce((total, x) => total + x.amount, 0);

/**
 * A paid invoice of a shippable plan as an order to fulfil (SPEC 15): paid,
 * the plan × quantity at the invoice's amounts, the subscription's address,
 * written only if no order holds the invoice yet (the unique index is the
 * last word). Its confirmation is owed for a renewal; the first invoice's is
 * `subscription_started`.
 */
function orderFromInvoice(
	invoice: Stripe.Invoice,
	snapshot: Stripe.Subscription,
	rows: SubscriptionRows & {
		customer: NonNullable<SubscriptionRows["customer"]>;
		product: NonNullable<SubscriptionRows["product"]>;
	},
	shipping: Shipping | null,
	now: number,
): { orderId: string; statements: SQL[] } {
	const orderId = crypto.randomUUID();
	const item = snapshot.items.data[0];
	const quantity = item?.quantity ?? 1;
	const unitAmount = item?.price?.unit_amount ?? Math.round(invoice.subtotal / quantity);
	const locale = isLocale(rows.customer.locale) ? rows.customer.locale : "en";
	const name = productText(rows.product, locale).name;
	const subtotal = unitAmount * quantity;
	const paidAt = seconds(invoice.status_transitions?.paid_at) ?? now;
	const s = shipping;
	const line = {
		productId: rows.product.id,
		name,
		description: "",
		unitAmount,
		quantity,
	};
	const statements = [
		sql`insert into orders (id, status, amount, subtotal, currency, amount_discount, amount_tax, items_key, locale, origin,
				customer_id, customer_email, checkout_completed, subscription_id, invoice_id, stripe_payment_intent_id,
				shipping_name, shipping_line1, shipping_line2, shipping_city, shipping_postal_code, shipping_state, shipping_country, shipping_phone,
				refund_check_at, created_at, updated_at, paid_at)
			select ${orderId}, 'paid', ${invoice.amount_paid}, ${subtotal}, ${invoice.currency},
				${sum(invoice.total_discount_amounts)}, ${sum(invoice.total_taxes)},
				${`${invoice.currency}|${rows.product.id}*${quantity}@${unitAmount}`}, ${locale}, ${snapshot.metadata?.origin ?? null},
				${rows.customer.id}, ${rows.customer.email}, 1, ${snapshot.id}, ${invoice.id}, ${paymentIntentOf(invoice, snapshot)},
				${s?.name ?? null}, ${s?.line1 ?? null}, ${s?.line2 ?? null}, ${s?.city ?? null}, ${s?.postalCode ?? null}, ${s?.state ?? null}, ${s?.country ?? null}, ${s?.phone ?? null},
				0, ${now}, ${now}, ${paidAt}
			where not exists (select 1 from orders where invoice_id = ${invoice.id})`,
		orderLineInsert(orderId, line),
		sql`insert into order_transitions (order_id, from_status, to_status, source, at)
			select ${orderId}, null, 'paid', 'webhook', ${now}
			where exists (select 1 from orders where id = ${orderId})`,
	];
	return { orderId, statements };
}

/** An outbox row, once per dedupe key, written only when `when` holds. */
function emailInsert(
	kind: EmailKind,
	to: string,
	locale: string,
	dedupeKey: string,
	ids: { subscriptionId: string; customerId: string; orderId?: string | null },
	now: number,
	when: SQL = sql`1 = 1`,
): { id: string; statement: SQL } {
	const id = crypto.randomUUID();
	return {
		id,
		statement: sql`insert into emails (id, order_id, subscription_id, customer_id, kind, "to", locale, dedupe_key, created_at)
			select ${id}, ${ids.orderId ?? null}, ${ids.subscriptionId}, ${ids.customerId}, ${kind}, ${to}, ${locale}, ${dedupeKey}, ${now}
			where ${when}
			on conflict (dedupe_key) do nothing`,
	};
}

/**
 * What one event changes, from Stripe's snapshot: the statements to commit in
 * one batch (with the ledger row), and the e-mails to hand to the queue.
 */
export function subscriptionChanges(
	deps: StripeDeps,
	event: Stripe.Event,
	ref: SubscriptionRef,
	snapshot: Stripe.Subscription,
	rows: SubscriptionRows & { customer: NonNullable<SubscriptionRows["customer"]> },
	retrievedAt: number,
): { statements: SQL[]; emailIds: string[]; orderId: string | null } {
	const now = deps.now();
	const productId = rows.product?.id ?? ref.productId ?? snapshot.metadata?.product_id ?? "";
	const session = ref.session;
	const invoice = ref.invoice;
	const shipping =
		shippingOf(
			session?.collected_information?.shipping_details,
			session?.customer_details?.phone,
		) ?? shippingOf(invoice?.customer_shipping, invoice?.customer_phone ?? null);
	const statements: SQL[] = [
		snapshotUpsert(snapshot, rows, productId, retrievedAt, shipping, session?.id ?? null),
	];
	const emailIds: string[] = [];
	let orderId: string | null = null;
	const to = rows.customer.email;
	const locale = isLocale(rows.customer.locale) ? rows.customer.locale : "en";
	const ids = { subscriptionId: snapshot.id, customerId: rows.customer.id };
	const canWrite = isSingleAddress(to);
	const owe = (
		kind: EmailKind,
		dedupeKey: string,
		extra: { orderId?: string | null; when?: SQL } = {},
	) => {
		if (!canWrite) return;
		const email = emailInsert(
			kind,
			to,
			locale,
			dedupeKey,
			{ ...ids, orderId: extra.orderId },
			now,
			extra.when,
		);
		statements.push(email.statement);
		emailIds.push(email.id);
	};
	if (invoice) {
		statements.push(invoiceUpsert(invoice, snapshot.id, now));
		if (event.type === "invoice.paid") {
			if (invoice.billing_reason === "subscription_create")
				owe("subscription_started", `subscription_started:${snapshot.id}`);
			// A shippable plan's box to send; a digital plan makes no order.
			if (rows.product?.shippable) {
				const made = orderFromInvoice(
					invoice,
					snapshot,
					{ ...rows, product: rows.product },
					shipping,
					now,
				);
				orderId = made.orderId;
				statements.push(...made.statements);
				// No confirmation of an order the shopper did not place: its shipping notice follows.
			}
		}
		// A failure reported after the invoice was paid (events out of order) is no longer true.
		if (
			event.type === "invoice.payment_failed" &&
			rows.invoiceStatus !== "paid" &&
			invoice.status !== "paid"
		)
			owe("subscription_payment_failed", `subscription_payment_failed:${invoice.id}`, {
				when: sql`not exists (select 1 from invoices where id = ${invoice.id} and status = 'paid')`,
			});
	}
	if (snapshot.status === "canceled")
		owe("subscription_canceled", `subscription_canceled:${snapshot.id}`);
	return { statements, emailIds, orderId };
}

/** Commits a snapshot alone (reconciliation's re-sync, the account page's catch-up). */
export async function storeSnapshot(
	deps: StripeDeps,
	snapshot: Stripe.Subscription,
	rows: SubscriptionRows & { customer: NonNullable<SubscriptionRows["customer"]> },
	retrievedAt: number,
	checkoutSessionId: string | null = null,
): Promise<void> {
	const productId = rows.product?.id ?? snapshot.metadata?.product_id ?? "";
	await runBatch(deps.db, [
		snapshotUpsert(snapshot, rows, productId, retrievedAt, null, checkoutSessionId),
	]);
}
