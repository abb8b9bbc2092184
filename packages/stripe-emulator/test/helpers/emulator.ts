import Stripe from "stripe";
import type { PricedCart } from "../../../../src/domain/cart.ts";
import { sessionParams as workerSessionParams } from "../../../../src/domain/checkout-session.ts";
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

/** A cart as the worker prices it: two mugs and a sticker. */
const CART: PricedCart = {
	currency: "usd",
	subtotal: 3000,
	lines: [
		{ productId: "mug", name: "Mug", description: "Blue, 350 ml", unitAmount: 1250, quantity: 2 },
		{ productId: "sticker", name: "Sticker", description: "", unitAmount: 500, quantity: 1 },
	],
	itemsKey: "usd|mug*2@1250,sticker*1@500",
};

/** The worker's own Checkout Session params (for a fresh order), with per-test overrides. */
export function sessionParams(
	overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Stripe.Checkout.SessionCreateParams {
	const order = {
		id: overrides.client_reference_id ?? crypto.randomUUID(),
		resumeToken: "test-token",
	};
	return {
		...workerSessionParams(order, CART, "http://shop.test", Math.floor(Date.now() / 1000) + 3600),
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
