import { env } from "cloudflare:workers";
import type Stripe from "stripe";
import { stripeConfig } from "../../../src/config.ts";
import { createStripe } from "../../../src/lib/stripe.ts";

/** The emulator started by the global setup, seen from inside the Workers runtime. */
export const emulatorBase = () => env.STRIPE_API_BASE;
export const stripe = () => createStripe(stripeConfig(env));

/** Calls the emulator's control API (`/_emulator/...`). */
export async function control<T = unknown>(
	path: string,
	body?: unknown,
	method = body === undefined ? "GET" : "POST",
): Promise<T> {
	const res = await fetch(`${emulatorBase()}/_emulator${path}`, {
		method,
		headers: body === undefined ? {} : { "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`emulator ${method} ${path}: ${res.status} ${await res.text()}`);
	return res.json<T>();
}

export type RecordedRequest = {
	method: string;
	path: string;
	params: Record<string, unknown>;
	idempotencyKey: string | null;
	stripeVersion: string | null;
	status: number;
};

export async function requestsTo(path: string): Promise<RecordedRequest[]> {
	const res = await control<
		{ requests?: RecordedRequest[]; data?: RecordedRequest[] } | RecordedRequest[]
	>(`/requests?path=${encodeURIComponent(path)}`);
	return Array.isArray(res) ? res : (res.requests ?? res.data ?? []);
}

/** Pays a session the way the hosted page does. */
export function pay(
	sessionId: string,
	body: { card?: string; email?: string; delayed?: "success" | "failure" } = {},
) {
	return control<{
		outcome: string;
		session: Stripe.Checkout.Session;
		paymentIntent: Stripe.PaymentIntent | null;
	}>(`/sessions/${sessionId}/pay`, { card: "4242424242424242", ...body });
}

export type EmulatedEvent = Stripe.Event;

/** Events the emulator emitted about one object (session, PaymentIntent, charge). */
export async function eventsFor(objectId: string, type?: string): Promise<Stripe.Event[]> {
	const query = new URLSearchParams({ object_id: objectId, ...(type && { type }) });
	const res = await control<{ events?: Stripe.Event[]; data?: Stripe.Event[] } | Stripe.Event[]>(
		`/events?${query}`,
	);
	return Array.isArray(res) ? res : (res.events ?? res.data ?? []);
}

export function addFault(fault: {
	match?: string;
	status?: number;
	count?: number;
	delayMs?: number;
}) {
	return control("/faults", fault);
}

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
	const paid = await pay(session.id);
	const paymentIntentId = paid.paymentIntent?.id;
	if (!paymentIntentId) throw new Error(`emulator did not pay ${session.id}: ${paid.outcome}`);
	return { session, paymentIntentId };
}
