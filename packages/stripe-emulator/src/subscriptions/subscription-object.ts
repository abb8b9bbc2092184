import { renderList } from "../api/pagination.ts";
import { renderPlan, renderPrice } from "../products/product-object.ts";
import type { JsonObject } from "../state/json.ts";
import type {
	PriceRecord,
	State,
	SubscriptionItemRecord,
	SubscriptionRecord,
} from "../state/store.ts";

/**
 * The `subscription` object, with every field of Stripe's fixture and of the pinned API's
 * type: the current period is on each item (`items.data[].current_period_start/end`), not on
 * the subscription.
 */
export function renderSubscription(state: State, sub: SubscriptionRecord): JsonObject {
	return {
		id: sub.id,
		object: "subscription",
		application: null,
		application_fee_percent: null,
		automatic_tax: {
			disabled_reason: null,
			enabled: sub.automaticTax,
			liability: sub.automaticTax ? { type: "self" } : null,
		},
		billing_cycle_anchor: sub.billingCycleAnchor,
		billing_cycle_anchor_config: null,
		billing_mode: { flexible: { proration_discounts: "included" }, type: "flexible" },
		billing_schedules: [],
		billing_thresholds: null,
		cancel_at: sub.cancelAt,
		cancel_at_period_end: sub.cancelAtPeriodEnd,
		canceled_at: sub.canceledAt,
		cancellation_details: {
			comment: sub.cancellationDetails.comment,
			feedback: sub.cancellationDetails.feedback,
			feedback_option: null,
			reason: sub.cancellationDetails.reason,
		},
		collection_method: "charge_automatically",
		created: sub.created,
		currency: sub.currency,
		customer: sub.customerId,
		customer_account: null,
		days_until_due: null,
		default_payment_method: sub.defaultPaymentMethodId,
		default_source: null,
		default_tax_rates: [],
		description: sub.description,
		discounts: sub.discount && discountActive(sub) ? [sub.discount.id] : [],
		ended_at: sub.endedAt,
		invoice_settings: {
			account_tax_ids: null,
			custom_fields: null,
			description: null,
			footer: null,
			issuer: { type: "self" },
		},
		items: renderList(
			sub.items.map((item) => renderSubscriptionItem(state, sub, item)),
			`/v1/subscription_items?subscription=${sub.id}`,
		),
		latest_invoice: sub.latestInvoiceId,
		livemode: false,
		managed_payments: { enabled: false },
		metadata: { ...sub.metadata },
		next_pending_invoice_item_invoice: null,
		on_behalf_of: null,
		pause_collection: null,
		payment_settings: {
			payment_method_options: null,
			payment_method_types: null,
			save_default_payment_method: "on_subscription",
		},
		pending_invoice_item_interval: null,
		pending_setup_intent: null,
		pending_update: null,
		schedule: null,
		start_date: sub.created,
		status: sub.status,
		test_clock: null,
		transfer_data: null,
		trial_end: null,
		trial_settings: {
			end_behavior: { billing_cycle_anchor: null, missing_payment_method: "create_invoice" },
		},
		trial_start: null,
	};
}

/** A `subscription_item`: its price (and plan), quantity and the current period. */
export function renderSubscriptionItem(
	state: State,
	sub: SubscriptionRecord,
	item: SubscriptionItemRecord,
): JsonObject {
	const price = subscriptionPrice(state, sub, item);
	return {
		id: item.id,
		object: "subscription_item",
		billing_thresholds: null,
		created: item.created,
		current_period_end: sub.currentPeriodEnd,
		current_period_start: sub.currentPeriodStart,
		current_trial: null,
		discounts: [],
		metadata: { ...item.metadata },
		plan: renderPlan(price),
		price: renderPrice(price),
		quantity: item.quantity,
		subscription: sub.id,
		tax_rates: [],
	};
}

/** A subscription item's price (kept in state since Checkout made it). */
export function subscriptionPrice(
	state: State,
	sub: SubscriptionRecord,
	item: SubscriptionItemRecord,
): PriceRecord {
	return (
		state.prices.get(item.priceId) ?? {
			id: item.priceId,
			created: item.created,
			productId: "prod_unknown",
			currency: sub.currency,
			unitAmount: 0,
			taxBehavior: "unspecified",
			recurring: sub.recurring,
		}
	);
}

/**
 * Whether the subscription's coupon applies to the period it bills now: `forever` always,
 * `once` until its first invoice (which removes it), `repeating` until its months are over.
 */
export function discountActive(sub: SubscriptionRecord): boolean {
	const discount = sub.discount;
	if (!discount) return false;
	return discount.end === null || sub.currentPeriodStart < discount.end;
}
