import type Stripe from "stripe";
import type { PricedCart } from "./cart.ts";
import { translationIn } from "./product.ts";
import { rateAmount } from "./shipping-rate.ts";
import type { CheckoutUi } from "./vocabulary.ts";

/** Checkout shows at most five shipping options. */
export const MAX_SHIPPING_OPTIONS = 5;

/** A delivery option of the catalog, in the cart's currency. */
export type ShippingRate = {
	id: string;
	displayName: string;
	/** The name per language (`{"fr": {"name"}}`); null: the display name in every language. */
	translations: string | null;
	amount: number;
	currency: string;
	minDays: number | null;
	maxDays: number | null;
	/** The cart subtotal from which it costs 0 (SPEC 17); null (or absent): never free. */
	freeAbove?: number | null;
};

/** What the shop's settings add to a session: shipping, promotion codes, tax. */
export type CheckoutOptions = {
	/** Countries a shipping address may be in; empty: none is collected. */
	shippingCountries: readonly string[];
	/** The cart currency's active rates (cheapest first). */
	shippingRates: readonly ShippingRate[];
	promotionCodes: boolean;
	automaticTax: boolean;
	/** The shop as Stripe's page shows it (the shop's identity, SPEC 17); absent: the account's. */
	shop?: CheckoutShop;
	/** `elements`: paid on our page with the Payment Element (SPEC 16); absent: Stripe's hosted page. */
	uiMode?: CheckoutUi;
	/**
	 * The signed-in shopper's Stripe Customer (SPEC 14): Stripe's page shows their
	 * saved cards and offers to save the new one; absent: a guest's checkout.
	 */
	customer?: string | null;
};

/** What Stripe's page takes of the shop's identity. */
export type CheckoutShop = {
	/** `branding_settings.display_name`: the business name on Stripe's page. */
	name: string;
	/** `branding_settings.button_color`; null: the account's. */
	accentColor: string | null;
	/** Prices include tax: `tax_behavior: "inclusive"` (else "exclusive", said only with automatic tax). */
	pricesIncludeTax: boolean;
	/** Under the Pay button, in the shopper's language ("Sold by …"); null: nothing. */
	sellerLine: string | null;
	/** The box the shopper must tick to accept the terms of sale (Markdown, with a link to them); null: none asked. */
	termsAcceptance: string | null;
};

const NO_OPTIONS: CheckoutOptions = {
	shippingCountries: [],
	shippingRates: [],
	promotionCodes: false,
	automaticTax: false,
};

/** Whether Checkout must ask where to send the cart: it holds goods and the shop ships. */
export function collectsShipping(cart: PricedCart, countries: readonly string[]): boolean {
	return countries.length > 0 && cart.lines.some((l) => l.shippable !== false);
}

/**
 * The Checkout Session the worker asks Stripe for: prices from our catalog
 * (`price_data`), the order id in every place Stripe lets us put it, the way
 * back to our pages (the cancel URL with the order's resume token), an
 * expiry, and what the shop's settings ask for: a shipping address and
 * options for physical goods, promotion codes, automatic tax (tax added on
 * top, or included in tax-inclusive prices), and the shop's name, colour and
 * seller line on Stripe's page. No `payment_method_types` (removed in API
 * 2026-09-30.endive).
 */
export function sessionParams(
	order: { id: string; resumeToken: string; locale?: string },
	cart: PricedCart,
	origin: string,
	expiresAt: number,
	options: CheckoutOptions = NO_OPTIONS,
): Stripe.Checkout.SessionCreateParams {
	const tax = options.automaticTax;
	const taxBehavior = taxBehaviorOf(options);
	const shipping = collectsShipping(cart, options.shippingCountries);
	const shop = options.shop;
	return {
		mode: "payment",
		line_items: cart.lines.map((line) => ({
			quantity: line.quantity,
			price_data: {
				currency: cart.currency,
				unit_amount: line.unitAmount,
				...(taxBehavior && { tax_behavior: taxBehavior }),
				product_data: {
					name: line.name,
					...(line.description && { description: line.description }),
					// Stripe fetches it: an absolute URL. SVG (the seed's static drawings) is not one it shows.
					...(line.imageUrl &&
						!line.imageUrl.endsWith(".svg") && { images: [`${origin}${line.imageUrl}`] }),
					...(tax && line.taxCode && { tax_code: line.taxCode }),
					metadata: { product_id: line.productId },
				},
			},
		})),
		client_reference_id: order.id,
		metadata: { order_id: order.id },
		payment_intent_data: { metadata: { order_id: order.id } },
		// Paid on our page (SPEC 16): Stripe.js returns there; no page of Stripe's to leave.
		...(options.uiMode === "elements"
			? {
					ui_mode: "elements" as const,
					return_url: `${origin}/success.html?session_id={CHECKOUT_SESSION_ID}`,
				}
			: {
					success_url: `${origin}/success.html?session_id={CHECKOUT_SESSION_ID}`,
					cancel_url: `${origin}/cancel.html?${new URLSearchParams({ order_id: order.id, token: order.resumeToken })}`,
				}),
		expires_at: expiresAt,
		// Stripe's page in the shopper's language, as our pages were.
		...(order.locale && { locale: order.locale as Stripe.Checkout.SessionCreateParams.Locale }),
		...(shipping && {
			...addressCollection(options.shippingCountries),
			...(options.shippingRates.length > 0 && {
				shipping_options: options.shippingRates
					.filter((rate) => rate.currency === cart.currency)
					.slice(0, MAX_SHIPPING_OPTIONS)
					.map((rate) => ({
						shipping_rate_data: shippingRateData(
							{ ...rate, amount: rateAmount(rate, cart.subtotal) },
							taxBehavior,
							order.locale,
						),
					})),
			}),
		}),
		...(options.customer && {
			customer: options.customer,
			saved_payment_method_options: { payment_method_save: "enabled" as const },
			// Stripe Tax, for an existing customer, reads the address given here, and keeps it.
			...(tax && {
				customer_update: {
					address: "auto" as const,
					...(shipping && { shipping: "auto" as const }),
				},
			}),
		}),
		...(options.promotionCodes && { allow_promotion_codes: true }),
		...(tax && { automatic_tax: { enabled: true } }),
		// Stripe's page only: on ours (elements) the page itself is the shop's, with its terms box.
		...(shop &&
			options.uiMode !== "elements" && {
				branding_settings: {
					display_name: shop.name,
					...(shop.accentColor && { button_color: shop.accentColor }),
				},
				...((shop.sellerLine || shop.termsAcceptance) && {
					custom_text: {
						...(shop.sellerLine && { submit: { message: shop.sellerLine } }),
						...(shop.termsAcceptance && {
							terms_of_service_acceptance: { message: shop.termsAcceptance },
						}),
					},
				}),
				// Stripe also needs the terms' URL in the Dashboard's public details (README).
				...(shop.termsAcceptance && { consent_collection: { terms_of_service: "required" } }),
			}),
	};
}

function shippingRateData(
	rate: ShippingRate,
	taxBehavior: "inclusive" | "exclusive" | null,
	locale = "en",
): Stripe.Checkout.SessionCreateParams.ShippingOption.ShippingRateData {
	const estimate = {
		...(rate.minDays !== null && {
			minimum: { unit: "business_day" as const, value: rate.minDays },
		}),
		...(rate.maxDays !== null && {
			maximum: { unit: "business_day" as const, value: rate.maxDays },
		}),
	};
	return {
		type: "fixed_amount",
		// In the order's language: Stripe's page shows it, and the order keeps what Stripe says back.
		display_name: translationIn(rate.translations, locale).name || rate.displayName,
		fixed_amount: { amount: rate.amount, currency: rate.currency },
		...(Object.keys(estimate).length > 0 && { delivery_estimate: estimate }),
		...(taxBehavior && { tax_behavior: taxBehavior }),
		metadata: { shipping_rate_id: rate.id },
	};
}

/**
 * A plan's Checkout Session (SPEC 15): `mode: "subscription"` for the signed-in
 * customer's Stripe Customer, the plan's price per period from our catalog,
 * our customer and product in the session's and the subscription's metadata
 * (with the shop's origin, for the subscription's e-mails), the address for a
 * shippable plan, and the shop's settings as for a payment.
 */
export function subscriptionSessionParams(
	input: {
		customer: { id: string; stripeCustomerId: string };
		line: PricedCart["lines"][number] & { recurringInterval: "month" | "year" };
		currency: string;
		origin: string;
		locale: string;
		expiresAt: number;
	},
	options: CheckoutOptions = NO_OPTIONS,
): Stripe.Checkout.SessionCreateParams {
	const { customer, line, currency, origin, locale } = input;
	const tax = options.automaticTax;
	const taxBehavior = taxBehaviorOf(options);
	const shipping = line.shippable !== false && options.shippingCountries.length > 0;
	const metadata = { customer_id: customer.id, product_id: line.productId };
	const shop = options.shop;
	return {
		mode: "subscription",
		customer: customer.stripeCustomerId,
		line_items: [
			{
				quantity: line.quantity,
				price_data: {
					currency,
					unit_amount: line.unitAmount,
					recurring: { interval: line.recurringInterval },
					...(taxBehavior && { tax_behavior: taxBehavior }),
					product_data: {
						name: line.name,
						...(line.description && { description: line.description }),
						...(tax && line.taxCode && { tax_code: line.taxCode }),
						metadata: { product_id: line.productId },
					},
				},
			},
		],
		metadata,
		subscription_data: { metadata: { ...metadata, origin } },
		success_url: `${origin}/success.html?session_id={CHECKOUT_SESSION_ID}`,
		cancel_url: `${origin}/cancel.html?plan=${line.productId}&lang=${locale}`,
		expires_at: input.expiresAt,
		locale: locale as Stripe.Checkout.SessionCreateParams.Locale,
		...(shipping && addressCollection(options.shippingCountries)),
		...(options.promotionCodes && { allow_promotion_codes: true }),
		...(tax && { automatic_tax: { enabled: true } }),
		// The address is kept on the Customer: each renewal's invoice carries it (and Stripe Tax reads it).
		customer_update: { address: "auto", ...(shipping && { shipping: "auto" as const }) },
		...(shop && {
			branding_settings: {
				display_name: shop.name,
				...(shop.accentColor && { button_color: shop.accentColor }),
			},
		}),
	};
}

/** Tax-inclusive prices are said so to Stripe always; tax-exclusive ones matter only to its tax. */
function taxBehaviorOf(options: CheckoutOptions): "inclusive" | "exclusive" | null {
	if (options.shop?.pricesIncludeTax) return "inclusive";
	return options.automaticTax ? "exclusive" : null;
}

/** Where Stripe's page asks an address (and a phone, for the carrier). */
function addressCollection(countries: readonly string[]) {
	return {
		shipping_address_collection: {
			allowed_countries: [
				...countries,
			] as Stripe.Checkout.SessionCreateParams.ShippingAddressCollection.AllowedCountry[],
		},
		phone_number_collection: { enabled: true },
	};
}
