import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { emulatorClient } from "stripe-emulator/client";
import { stripeConfig } from "../../../src/config.ts";
import { createStripe, STRIPE_API_VERSION } from "../../../src/lib/stripe.ts";

/** The emulator started by the global setup, seen from inside the Workers runtime. */
export const emulatorBase = () => env.STRIPE_API_BASE;
/** The worker's own Stripe client, pointed at the emulator. */
export const stripe = () => createStripe(stripeConfig(env));
/** stripe-node, for what the owner makes in the Dashboard (the worker's client has no such calls). */
export const dashboard = () =>
	new Stripe(stripeConfig(env).secretKey, {
		apiVersion: STRIPE_API_VERSION,
		httpClient: Stripe.createFetchHttpClient(),
		host: new URL(emulatorBase()).hostname,
		port: new URL(emulatorBase()).port,
		protocol: "http",
	});

/** The emulator's control API, through its typed client (emulator/README.md "Control API"). */
export const emulator = emulatorClient(emulatorBase());

/**
 * A real PaymentIntent at the emulator for one of our orders: a session created
 * with our metadata and paid with 4242. Events about it can then be looked up.
 */
export async function paidAtEmulator(orderId: string, amount = 4800, currency = "usd") {
	const session = await stripe().checkout.sessions.create({
		mode: "payment",
		line_items: [
			{
				quantity: 1,
				price_data: { currency, unit_amount: amount, product_data: { name: "Test item" } },
			},
		],
		success_url: "https://shop.test/success.html?session_id={CHECKOUT_SESSION_ID}",
		cancel_url: "https://shop.test/cancel.html",
		metadata: { order_id: orderId },
		payment_intent_data: { metadata: { order_id: orderId } },
	});
	const paid = await emulator.pay(session.id);
	const paymentIntentId = paid.paymentIntent?.id;
	if (!paymentIntentId) throw new Error(`emulator did not pay ${session.id}: ${paid.outcome}`);
	return { session, paymentIntentId };
}

/** A promotion code of the test's own, created at "Stripe" as the owner would in the Dashboard. */
export async function promotionCode(
	off: { percent_off: number } | { amount_off: number; currency: string },
): Promise<string> {
	const coupon = await dashboard().coupons.create({ duration: "once", ...off });
	const code = `T${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
	await dashboard().promotionCodes.create({
		promotion: { type: "coupon", coupon: coupon.id },
		code,
	});
	return code;
}

/** One press of Pay on the emulator's hosted page, as the browser posts the form. */
export async function pressPay(sessionId: string, email: string, card: string): Promise<number> {
	const res = await fetch(`${emulatorBase()}/pay/${sessionId}`, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({
			email,
			method: "card",
			cardNumber: card,
			cardExpiry: "12 / 34",
			cardCvc: "123",
		}).toString(),
		redirect: "manual",
	});
	await res.body?.cancel();
	return res.status;
}
