import type Stripe from "stripe";
import type { PricedCart } from "./cart.ts";

/**
 * The Checkout Session the worker asks Stripe for: prices from our catalog
 * (`price_data`), the order id in every place Stripe lets us put it, the way
 * back to our pages (the cancel URL with the order's resume token), and an
 * expiry. No `payment_method_types` (removed in API 2026-09-30.endive).
 */
export function sessionParams(
	order: { id: string; resumeToken: string },
	cart: PricedCart,
	origin: string,
	expiresAt: number,
): Stripe.Checkout.SessionCreateParams {
	return {
		mode: "payment",
		line_items: cart.lines.map((line) => ({
			quantity: line.quantity,
			price_data: {
				currency: cart.currency,
				unit_amount: line.unitAmount,
				product_data: {
					name: line.name,
					...(line.description && { description: line.description }),
					metadata: { product_id: line.productId },
				},
			},
		})),
		client_reference_id: order.id,
		metadata: { order_id: order.id },
		payment_intent_data: { metadata: { order_id: order.id } },
		success_url: `${origin}/success.html?session_id={CHECKOUT_SESSION_ID}`,
		cancel_url: `${origin}/cancel.html?${new URLSearchParams({ order_id: order.id, token: order.resumeToken })}`,
		expires_at: expiresAt,
	};
}
