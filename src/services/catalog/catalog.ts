import { and, asc, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { products, shippingRates } from "../../db/schema.ts";
import type { CartLine, PricedCart, PricedLine } from "../../domain/cart.ts";
import { MAX_QUANTITY, normalizeCart } from "../../domain/cart.ts";
import { MAX_SHIPPING_OPTIONS } from "../../domain/checkout-session.ts";
import { MAX_LIMITED_PER_CHECKOUT, productText } from "../../domain/product.ts";
import { offeredFor } from "../../domain/shipping-rate.ts";
import { invalidCart } from "../../lib/errors.ts";

export type { PricedCart, PricedLine } from "../../domain/cart.ts";

import { formatMoney, minorUnitDigits } from "shop-money";

/** A product as the storefront sees it (`GET /api/products`). */
/** A product as the storefront shows it, its name and description in `locale` (the default text otherwise). */
export function productView(p: typeof products.$inferSelect, locale?: string) {
	const text = locale ? productText(p, locale) : p;
	return {
		id: p.id,
		name: text.name,
		description: text.description,
		unitAmount: p.unitAmount,
		currency: p.currency,
		minorUnits: minorUnitDigits(p.currency),
		shippable: p.shippable,
		// A path of this shop; null: the pages draw a neutral tile (never a broken image).
		imageUrl: p.imageUrl,
		// A plan's period (SPEC 15): its price is per month or per year; null: sold once.
		recurringInterval: p.recurringInterval,
		// Units left to buy (0: sold out, still listed); null when unlimited.
		available: p.stock,
		// The most one order may take of a limited product; null: the cart's own limit.
		maxPerOrder: p.stock === null ? null : MAX_LIMITED_PER_CHECKOUT,
	};
}

/** The products on sale; plans only when they can be sold (SPEC 15: accounts on). */
export async function listActiveProducts(db: Db, withPlans = false) {
	return db
		.select()
		.from(products)
		.where(
			withPlans
				? eq(products.active, true)
				: and(eq(products.active, true), isNull(products.recurringInterval)),
		)
		.orderBy(asc(products.currency), asc(products.name));
}

/** Prices a cart from the catalog in D1, never from the client. Throws `invalid_cart`. */
export async function priceCart(
	db: Db,
	cart: readonly CartLine[],
	maxOrderAmount: number,
	/** The order's language, for its lines' names (the default text without a translation). */
	locale = "",
	/** Plans may be bought (SPEC 15: customer accounts are on); else a plan is not for sale. */
	plans = false,
): Promise<PricedCart> {
	const lines = normalizeCart(cart);
	if (lines.length === 0) throw invalidCart("The cart is empty.");
	const rows = await db
		.select()
		.from(products)
		.where(
			inArray(
				products.id,
				lines.map((l) => l.productId),
			),
		);
	const byId = new Map(rows.map((p) => [p.id, p]));

	const priced: PricedLine[] = lines.map((line) => {
		const product = byId.get(line.productId);
		if (!product?.active || (product.recurringInterval && !plans))
			throw invalidCart(`Unknown or unavailable product: ${line.productId}.`);
		if (line.quantity > MAX_QUANTITY)
			throw invalidCart(`quantity of ${line.productId} must be at most ${MAX_QUANTITY}.`);
		if (product.stock !== null && line.quantity > MAX_LIMITED_PER_CHECKOUT)
			throw invalidCart(
				`${product.name} is a limited product: at most ${MAX_LIMITED_PER_CHECKOUT} per order.`,
			);
		return {
			productId: product.id,
			// In the order's language: Stripe's page and the order's own lines say it.
			...productText(product, locale),
			unitAmount: product.unitAmount,
			quantity: line.quantity,
			shippable: product.shippable,
			taxCode: product.taxCode,
			imageUrl: product.imageUrl,
			recurringInterval: product.recurringInterval,
		};
	});
	// A subscription is one plan, in any quantity: never beside one-time products or another plan.
	if (priced.some((l) => l.recurringInterval) && priced.length > 1)
		throw invalidCart("A plan is subscribed to alone: one plan per cart, without other products.");

	const currencies = new Set(priced.map((l) => byId.get(l.productId)?.currency));
	if (currencies.size > 1)
		throw invalidCart(`A cart must be in one currency, not ${[...currencies].join(" and ")}.`);
	const currency = [...currencies][0] as string;
	const subtotal = priced.reduce((sum, l) => sum + l.unitAmount * l.quantity, 0);
	if (subtotal <= 0) throw invalidCart("The cart total must be above zero.");
	if (subtotal > maxOrderAmount) {
		throw invalidCart(
			`The total ${formatMoney(subtotal, currency)} is over the maximum of ${formatMoney(maxOrderAmount, currency)} for one order.`,
		);
	}
	const itemsKey = `${currency}|${priced.map((l) => `${l.productId}*${l.quantity}@${l.unitAmount}`).join(",")}`;
	return { currency, subtotal, lines: priced, itemsKey };
}

/**
 * The active shipping rates of a currency offered for a destination (none
 * chosen: the rates for every country), cheapest first: at most the five
 * Checkout shows.
 */
export async function shippingRatesFor(db: Db, currency: string, country: string | null = null) {
	const rates = await db
		.select()
		.from(shippingRates)
		.where(and(eq(shippingRates.currency, currency), eq(shippingRates.active, true)))
		.orderBy(asc(shippingRates.amount), asc(shippingRates.id));
	return rates.filter((rate) => offeredFor(rate, country)).slice(0, MAX_SHIPPING_OPTIONS);
}

/**
 * The shop's own currency, where no cart names one (a card set-up, SPEC 14):
 * the one most of the active catalog is priced in; USD for an empty catalog.
 */
export async function shopCurrency(db: Db): Promise<string> {
	const [row] = await db
		.select({ currency: products.currency })
		.from(products)
		.where(eq(products.active, true))
		.groupBy(products.currency)
		.orderBy(desc(count()), products.currency)
		.limit(1);
	return row?.currency ?? "usd";
}
