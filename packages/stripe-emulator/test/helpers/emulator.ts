import Stripe from "stripe";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/server.ts";

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

/**
 * The Checkout Session params the shop sends for a fresh order of two mugs and a
 * sticker, with per-test overrides. Written out here (the package does not import
 * the worker); the shop's own test (test/node/emulator-session-params.test.ts)
 * holds the worker's `sessionParams` to exactly these.
 */
export function sessionParams(
	overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Stripe.Checkout.SessionCreateParams {
	const id = overrides.client_reference_id ?? crypto.randomUUID();
	const line = (
		productId: string,
		name: string,
		description: string,
		unitAmount: number,
		quantity: number,
	) => ({
		quantity,
		price_data: {
			currency: "usd",
			unit_amount: unitAmount,
			product_data: {
				name,
				...(description && { description }),
				metadata: { product_id: productId },
			},
		},
	});
	return {
		mode: "payment",
		line_items: [
			line("mug", "Mug", "Blue, 350 ml", 1250, 2),
			line("sticker", "Sticker", "", 500, 1),
		],
		client_reference_id: id,
		metadata: { order_id: id },
		payment_intent_data: { metadata: { order_id: id } },
		success_url: "http://shop.test/success.html?session_id={CHECKOUT_SESSION_ID}",
		cancel_url: `http://shop.test/cancel.html?${new URLSearchParams({ order_id: id, token: "test-token" })}`,
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
