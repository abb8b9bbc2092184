import type Stripe from "stripe";
import { sessionParams, type TestEmulator } from "./emulator.ts";

type Overrides = Partial<Stripe.Checkout.SessionCreateParams>;

/** Standard (5.00, 3–5 business days) and Express (15.00, 1 business day) in `currency`. */
export function shippingOptions(
	currency = "usd",
): Stripe.Checkout.SessionCreateParams.ShippingOption[] {
	const option = (name: string, amount: number, min: number, max: number, id: string) => ({
		shipping_rate_data: {
			type: "fixed_amount" as const,
			display_name: name,
			fixed_amount: { amount, currency },
			delivery_estimate: {
				minimum: { unit: "business_day" as const, value: min },
				maximum: { unit: "business_day" as const, value: max },
			},
			tax_behavior: "exclusive" as const,
			metadata: { shipping_rate_id: id },
		},
	});
	return [option("Standard", 500, 3, 5, "standard"), option("Express", 1500, 1, 1, "express")];
}

/**
 * The session a shop with physical goods asks for: the worker's usual params plus
 * shipping to US and FR, two options, phone, promotion codes and automatic tax on
 * exclusive prices with tax codes. Mugs 2 × 12.50 and a sticker 5.00: subtotal 30.00.
 */
export function shopSessionParams(overrides: Overrides = {}): Stripe.Checkout.SessionCreateParams {
	const base = sessionParams();
	return {
		...base,
		line_items: base.line_items?.map((item) => ({
			...item,
			price_data: item.price_data && {
				...item.price_data,
				tax_behavior: "exclusive",
				product_data: item.price_data.product_data && {
					...item.price_data.product_data,
					tax_code: "txcd_99999999",
				},
			},
		})),
		shipping_address_collection: { allowed_countries: ["US", "FR"] },
		shipping_options: shippingOptions(),
		phone_number_collection: { enabled: true },
		allow_promotion_codes: true,
		automatic_tax: { enabled: true },
		...overrides,
	};
}

/** Creates a shop session through stripe-node. */
export function createShopSession(
	test: TestEmulator,
	overrides: Overrides = {},
): Promise<Stripe.Checkout.Session> {
	return test.stripe.checkout.sessions.create(shopSessionParams(overrides));
}
