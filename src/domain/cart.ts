import * as v from "valibot";
import { LOCALES } from "../i18n/catalogues.ts";
import type { RecurringInterval } from "./vocabulary.ts";
import { CHECKOUT_UIS } from "./vocabulary.ts";

export const MAX_CART_LINES = 20;
export const MAX_QUANTITY = 99;

const quantity = v.pipe(
	v.number("quantity must be a number"),
	v.integer("quantity must be a whole number"),
	v.minValue(1, "quantity must be at least 1"),
	v.maxValue(MAX_QUANTITY, `quantity must be at most ${MAX_QUANTITY}`),
);
const productId = v.pipe(
	v.string("productId must be a string"),
	v.trim(),
	v.minLength(1, "productId is empty"),
	v.maxLength(64, "productId is too long"),
);

export const cartLineSchema = v.object({ productId, quantity });

/** Where the goods go, when the shopper chose it before Stripe's page (ISO 3166-1 alpha-2). */
export const countrySchema = v.pipe(
	v.string("country must be a two-letter country code"),
	v.trim(),
	v.toUpperCase(),
	v.regex(/^[A-Z]{2}$/, "country must be a two-letter country code, like FR"),
);

export const checkoutRequestSchema = v.object({
	items: v.pipe(
		v.array(cartLineSchema, "items must be a list"),
		v.minLength(1, "the cart is empty"),
		v.maxLength(MAX_CART_LINES, `a cart has at most ${MAX_CART_LINES} lines`),
	),
	orderId: v.optional(
		v.nullable(
			v.pipe(v.string("orderId must be a string"), v.maxLength(64, "orderId is too long")),
		),
	),
	resumeToken: v.optional(
		v.nullable(
			v.pipe(v.string("resumeToken must be a string"), v.maxLength(64, "resumeToken is too long")),
		),
	),
	locale: v.optional(
		v.nullable(v.picklist(LOCALES, `locale must be one of ${LOCALES.join(", ")}`)),
	),
	country: v.optional(v.nullable(countrySchema)),
	/** Where to pay (SPEC 16): Stripe's hosted page, or ours with the Payment Element; default CHECKOUT_UI. */
	uiMode: v.optional(v.nullable(v.picklist(CHECKOUT_UIS, "uiMode must be hosted or elements"))),
});

export type CartLine = v.InferOutput<typeof cartLineSchema>;

/** A cart line priced from the catalog (a snapshot: later catalog changes never alter it). */
export type PricedLine = {
	productId: string;
	name: string;
	description: string;
	unitAmount: number;
	quantity: number;
	/** Physical goods (default): a cart holding one asks for a shipping address. */
	shippable?: boolean;
	/** Stripe tax code for automatic tax. */
	taxCode?: string | null;
	/** Its picture, a path of the shop (Stripe's page gets it as an absolute URL). */
	imageUrl?: string | null;
	/** A plan's period (SPEC 15): the cart is a subscription; null or absent: sold once. */
	recurringInterval?: RecurringInterval | null;
};
export type PricedCart = {
	currency: string;
	/** The priced items' sum, in minor units: the order's `subtotal`. */
	subtotal: number;
	lines: PricedLine[];
	/** Identifies products, quantities and prices, as the order records them. */
	itemsKey: string;
};
export type CheckoutRequest = v.InferOutput<typeof checkoutRequestSchema>;

/** A "Buy now" form post: one product, quantity as text ("2"), default 1. */
export const formCheckoutSchema = v.object({
	productId,
	quantity: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.regex(/^\d{1,3}$/, "quantity must be a whole number"),
			v.transform(Number),
			quantity,
		),
		"1",
	),
});

/** The cancel page's "Resume payment" form: the order and its token, no items. */
export const formResumeSchema = v.object({
	orderId: v.pipe(v.string("orderId must be a string"), v.minLength(1), v.maxLength(64)),
	resumeToken: v.pipe(v.string("resumeToken must be a string"), v.minLength(1), v.maxLength(64)),
});

/** A form's `locale` field: en, fr, or none. */
export const formLocaleSchema = v.optional(
	v.picklist(LOCALES, `locale must be one of ${LOCALES.join(", ")}`),
);

/**
 * One line per product, sorted: the same cart in any order or with a product
 * split over two lines is the same cart.
 */
export function normalizeCart(lines: readonly CartLine[]): CartLine[] {
	const merged = new Map<string, number>();
	for (const line of lines)
		merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
	return [...merged]
		.map(([id, qty]) => ({ productId: id, quantity: qty }))
		.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

/** A validation issue, as valibot and Standard Schema report it. */
type Issue = {
	readonly message: string;
	readonly path?: readonly (PropertyKey | { readonly key: unknown })[] | undefined;
};

/** First validation message, for the `invalid_cart` error. */
export function firstIssue(issues: readonly Issue[]): string {
	const issue = issues[0];
	if (!issue) return "invalid cart";
	const path = issue.path?.map((p) => String(typeof p === "object" ? p.key : p)).join(".");
	return path ? `${path}: ${issue.message}` : issue.message;
}
