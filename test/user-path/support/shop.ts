/** What a shopper, an operator and Stripe send the running shop, over HTTP. */
import { createHmac, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";

export type CheckoutAnswer = {
	orderId: string;
	sessionId: string;
	url: string;
	resumeToken?: string;
};

export async function checkout(
	shop: string,
	items: { productId: string; quantity: number }[],
): Promise<Response> {
	return fetch(`${shop}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		// As the storefront asks it: Stripe's hosted page, whatever CHECKOUT_UI says.
		body: JSON.stringify({ items, uiMode: "hosted" }),
	});
}

export async function checkoutOk(
	shop: string,
	items: { productId: string; quantity: number }[],
): Promise<CheckoutAnswer> {
	const res = await checkout(shop, items);
	if (res.status !== 200) throw new Error(`checkout: ${res.status} ${await res.text()}`);
	return res.json() as Promise<CheckoutAnswer>;
}

/** The public order view, read without syncing from Stripe. */
export async function orderStatus(shop: string, orderId: string): Promise<string> {
	const res = await fetch(`${shop}/api/orders/${orderId}`);
	if (res.status !== 200) throw new Error(`order ${orderId}: ${res.status}`);
	return ((await res.json()) as { status: string }).status;
}

export function admin(
	shop: string,
	token: string,
	path: string,
	body?: unknown,
): Promise<Response> {
	return fetch(`${shop}/admin${path}`, {
		method: body === undefined ? "GET" : "POST",
		headers: {
			authorization: `Bearer ${token}`,
			...(body === undefined ? {} : { "content-type": "application/json" }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

/** Signs a payload as Stripe does: `t=<seconds>,v1=<HMAC-SHA256 of "t.payload">`. */
export function stripeSignature(payload: string, secret: string): string {
	const t = Math.floor(Date.now() / 1000);
	const v1 = createHmac("sha256", secret).update(`${t}.${payload}`).digest("hex");
	return `t=${t},v1=${v1}`;
}

export function postSignedEvent(shop: string, event: Stripe.Event, secret: string) {
	const payload = JSON.stringify(event);
	return fetch(`${shop}/webhook`, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			"stripe-signature": stripeSignature(payload, secret),
		},
		body: payload,
	});
}

export function newEventId(): string {
	return `evt_userpath_${randomBytes(12).toString("hex")}`;
}

/** A local receiver for `ALERT_WEBHOOK_URL`: keeps every JSON body POSTed to it. */
export async function alertReceiver() {
	const received: Record<string, unknown>[] = [];
	const server = createServer((req, res) => {
		let body = "";
		req.on("data", (chunk: Buffer) => {
			body += chunk.toString();
		});
		req.on("end", () => {
			received.push(JSON.parse(body) as Record<string, unknown>);
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/alerts`,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(
	check: () => Promise<T | undefined>,
	what: string,
	ms = 15_000,
): Promise<T> {
	const deadline = Date.now() + ms;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			last = error;
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}
