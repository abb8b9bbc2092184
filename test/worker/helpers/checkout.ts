import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { fetchWithEnv } from "./app.ts";

export const ORIGIN = "https://shop.test";

export type CheckoutAnswer = {
	orderId: string;
	sessionId: string;
	url: string;
	resumeToken: string;
};
type Line = { productId: string; quantity: number };

/**
 * An origin of this test's own: given as APP_URL, it ends up in the session's
 * success_url, so an emulator fault can match this test's Stripe calls and no
 * other file's.
 */
export function uniqueOrigin(): string {
	return `https://t-${crypto.randomUUID().slice(0, 8)}.shop.test`;
}

/** POST /create-checkout-session with a JSON cart, as the storefront does. */
export function postCheckout(
	body: unknown,
	headers: Record<string, string> = {},
	origin = ORIGIN,
): Promise<Response> {
	const request = new Request(`${origin}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
	return origin === ORIGIN
		? exports.default.fetch(request)
		: fetchWithEnv(request, { APP_URL: origin });
}

export async function checkout(
	items: Line[],
	extra: { orderId?: string; resumeToken?: string; idempotencyKey?: string } = {},
): Promise<CheckoutAnswer> {
	const res = await postCheckout(
		{
			items,
			...(extra.orderId && { orderId: extra.orderId }),
			...(extra.resumeToken && { resumeToken: extra.resumeToken }),
		},
		extra.idempotencyKey ? { "idempotency-key": extra.idempotencyKey } : {},
	);
	if (res.status !== 200) throw new Error(`checkout answered ${res.status}: ${await res.text()}`);
	return res.json<CheckoutAnswer>();
}

export function postForm(
	fields: Record<string, string>,
	headers: Record<string, string> = {},
): Promise<Response> {
	return exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
		body: new URLSearchParams(fields).toString(),
		redirect: "manual",
	});
}

/** A JSON checkout under other settings (SHIPPING_COUNTRIES, AUTOMATIC_TAX…), which must succeed. */
export async function checkoutWith(
	settings: Record<string, string>,
	items: Line[],
): Promise<CheckoutAnswer> {
	const res = await fetchWithEnv(
		new Request(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items }),
		}),
		settings,
	);
	expect(res.status, await res.clone().text()).toBe(200);
	return res.json<CheckoutAnswer>();
}
