import { renderLineItems } from "../checkout/line-item-object.ts";
import { renderSession } from "../checkout/session-object.ts";
import { renderShippingRate } from "../checkout/shipping-rate-object.ts";
import { renderTotalDetailsBreakdown } from "../checkout/total-details.ts";
import { renderCustomer } from "../customers/customer-object.ts";
import { renderCoupon } from "../discounts/coupons.ts";
import { renderPromotionCode } from "../discounts/promotion-codes.ts";
import { renderInvoice, renderInvoicePayments } from "../invoices/invoice-object.ts";
import { chargeSnapshot } from "../payments/charge-object.ts";
import { renderPaymentIntent } from "../payments/payment-intent-object.ts";
import { renderPaymentMethod } from "../payments/payment-method-object.ts";
import { renderPrice, renderProduct } from "../products/product-object.ts";
import { renderRefund } from "../refunds/refund-object.ts";
import { renderSetupIntent } from "../setup/setup-intent-object.ts";
import type { EmulatorContext } from "../state/context.ts";
import { isJsonObject, type Json, type JsonObject } from "../state/json.ts";
import { renderSubscription } from "../subscriptions/subscription-object.ts";
import { invalidParam } from "./errors.ts";
import { renderList } from "./pagination.ts";
import { optionalStringArray, type ParamObject } from "./params.ts";

/**
 * Applies `expand[]` paths (`payment_intent`, `data.payment_intent`, `payment_intent.latest_charge`,
 * `line_items`, `shipping_cost.shipping_rate`, `discounts.promotion_code`, `promotion.coupon`,
 * `total_details.breakdown`, `customer`, `setup_intent`, `payment_method`,
 * `invoice_settings.default_payment_method`, `subscription`, `invoice`, `latest_invoice`,
 * `default_payment_method`, `items.data.price.product`, an invoice's `payments`).
 */
export function applyExpand(
	ctx: EmulatorContext,
	object: JsonObject,
	params: ParamObject,
): JsonObject {
	const paths = optionalStringArray(params.expand, "expand") ?? [];
	for (const path of paths) {
		const parts = path.split(".");
		if (parts.length > 4)
			throw invalidParam(`You cannot expand more than 4 levels of a property (${path}).`, "expand");
		expandPath(ctx, object, parts, path);
	}
	return object;
}

function expandPath(
	ctx: EmulatorContext,
	value: Json | undefined,
	parts: string[],
	path: string,
): void {
	if (Array.isArray(value)) {
		for (const item of value) expandPath(ctx, item, parts, path);
		return;
	}
	const [head, ...rest] = parts;
	if (!isJsonObject(value) || head === undefined) return;
	if (value.object === "checkout.session" && head === "total_details" && rest[0] === "breakdown") {
		const session = ctx.state.sessions.get(String(value.id));
		if (session && isJsonObject(value.total_details)) {
			value.total_details = {
				...value.total_details,
				breakdown: renderTotalDetailsBreakdown(session),
			};
			return;
		}
	}
	if (rest.length > 0) {
		// As on Stripe, expanding `a.b` expands `a` first.
		if (typeof value[head] === "string") {
			const parent = expandField(ctx, value, head);
			if (parent === undefined)
				throw invalidParam(`This property cannot be expanded (${path}).`, "expand");
			value[head] = parent;
		}
		expandPath(ctx, value[head], rest, path);
		return;
	}
	const expanded = expandField(ctx, value, head);
	if (expanded === undefined) {
		throw invalidParam(`This property cannot be expanded (${path}).`, "expand");
	}
	value[head] = expanded;
}

function expandField(ctx: EmulatorContext, parent: JsonObject, field: string): Json | undefined {
	// `payments` is includable: absent until expanded.
	if (parent.object === "invoice" && field === "payments") {
		const invoice = ctx.state.invoices.get(String(parent.id));
		return invoice ? renderInvoicePayments(invoice) : undefined;
	}
	if (parent.object === "checkout.session" && field === "line_items") {
		const session = ctx.state.sessions.get(String(parent.id));
		const items = session ? renderLineItems(session) : [];
		return renderList(items, `/v1/checkout/sessions/${String(parent.id)}/line_items`);
	}
	const current = parent[field];
	if (current === null || isJsonObject(current)) return current;
	if (typeof current !== "string") return undefined;
	return lookup(ctx, current);
}

function lookup(ctx: EmulatorContext, id: string): JsonObject | undefined {
	const { state } = ctx;
	const intent = state.paymentIntents.get(id);
	if (intent) return renderPaymentIntent(intent);
	const charge = state.charges.get(id);
	if (charge) return chargeSnapshot(ctx, charge);
	const refund = state.refunds.get(id);
	if (refund) return renderRefund(refund);
	const session = state.sessions.get(id);
	if (session) return renderSession(session);
	const rate = state.shippingRates.get(id);
	if (rate) return renderShippingRate(rate);
	const customer = state.customers.get(id);
	if (customer) return renderCustomer(customer);
	const method = state.paymentMethods.get(id);
	if (method) return renderPaymentMethod(method);
	const setupIntent = state.setupIntents.get(id);
	if (setupIntent) return renderSetupIntent(setupIntent);
	const invoice = state.invoices.get(id);
	if (invoice) return renderInvoice(invoice);
	const subscription = state.subscriptions.get(id);
	if (subscription) return renderSubscription(state, subscription);
	const product = state.products.get(id);
	if (product) return renderProduct(product);
	const price = state.prices.get(id);
	if (price) return renderPrice(price);
	const promo = state.promotionCodes.get(id);
	if (promo) return renderPromotionCode(state, promo, ctx.clock.now());
	// Coupon ids are chosen freely, so they are looked up last.
	const coupon = state.coupons.get(id);
	if (coupon) return renderCoupon(coupon, ctx.clock.now());
	return undefined;
}
