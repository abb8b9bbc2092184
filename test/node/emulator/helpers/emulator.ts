import Stripe from "stripe";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../../../emulator/server.ts";

/** A started emulator with a stripe-node client and a control API caller. */
export type TestEmulator = {
	emulator: Emulator;
	stripe: Stripe;
	/** Calls `/_emulator/*` and returns status and parsed JSON. */
	control: <T = Record<string, unknown>>(
		method: string,
		path: string,
		body?: unknown,
	) => Promise<ControlAnswer<T>>;
	close: () => Promise<void>;
};

export type ControlAnswer<T> = { status: number; body: T };

/** Starts an emulator on a random port; the client does not retry unless a test asks it to. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
	const emulator = await startEmulator({ port: 0, retryBaseMs: 20, ...options });
	const stripe = stripeClient(emulator, { maxNetworkRetries: 0 });
	return {
		emulator,
		stripe,
		control: (method, path, body) => callControl(emulator.url, method, path, body),
		close: () => emulator.close(),
	};
}

/** A stripe-node client pointed at the emulator. */
export function stripeClient(
	emulator: Emulator,
	config: Stripe.StripeConfig = {},
	key = "sk_test_emulator",
): Stripe {
	return new Stripe(key, {
		host: "127.0.0.1",
		port: emulator.port,
		protocol: "http",
		...config,
	});
}

async function callControl<T>(
	base: string,
	method: string,
	path: string,
	body?: unknown,
): Promise<ControlAnswer<T>> {
	const response = await fetch(`${base}${path}`, {
		method,
		headers: body === undefined ? {} : { "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as T };
}

/** Checkout Session params shaped like the worker's, with per-test overrides. */
export function sessionParams(
	overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Stripe.Checkout.SessionCreateParams {
	const orderId = overrides.client_reference_id ?? crypto.randomUUID();
	return {
		mode: "payment",
		line_items: [
			{
				price_data: {
					currency: "usd",
					unit_amount: 1250,
					product_data: {
						name: "Mug",
						description: "Blue, 350 ml",
						metadata: { product_id: "mug" },
					},
				},
				quantity: 2,
			},
			{
				price_data: { currency: "usd", unit_amount: 500, product_data: { name: "Sticker" } },
				quantity: 1,
			},
		],
		client_reference_id: orderId,
		metadata: { order_id: orderId },
		payment_intent_data: { metadata: { order_id: orderId } },
		success_url: "http://shop.test/success.html?session_id={CHECKOUT_SESSION_ID}",
		cancel_url: `http://shop.test/cancel.html?order_id=${orderId}`,
		expires_at: Math.floor(Date.now() / 1000) + 3600,
		...overrides,
	};
}

/** The event types emitted so far about one object, oldest first. */
export async function eventTypesFor(test: TestEmulator, objectId: string): Promise<string[]> {
	const answer = await test.control<{ data: { type: string }[] }>(
		"GET",
		`/_emulator/events?object_id=${objectId}`,
	);
	return answer.body.data.map((event) => event.type);
}

/** The event types emitted for one order (`metadata.order_id`), oldest first. */
export async function eventTypesForOrder(test: TestEmulator, orderId: string): Promise<string[]> {
	const answer = await test.control<{ data: { type: string }[] }>(
		"GET",
		`/_emulator/events?order_id=${orderId}`,
	);
	return answer.body.data.map((event) => event.type);
}
