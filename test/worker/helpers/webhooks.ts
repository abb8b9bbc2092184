import { exports } from "cloudflare:workers";
import Stripe from "stripe";
import { TEST_WEBHOOK_SECRET } from "../../support/constants.ts";

const crypto = Stripe.createSubtleCryptoProvider();

/** A `Stripe-Signature` header as Stripe computes it. */
export async function signature(
	payload: string,
	opts: { secret?: string; timestamp?: number } = {},
): Promise<string> {
	return Stripe.webhooks.generateTestHeaderStringAsync({
		payload,
		secret: opts.secret ?? TEST_WEBHOOK_SECRET,
		timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
		cryptoProvider: crypto,
	});
}

export function postWebhook(payload: string, headers: HeadersInit = {}): Promise<Response> {
	const all = new Headers(headers);
	if (!all.has("content-type")) all.set("content-type", "application/json; charset=utf-8");
	return exports.default.fetch("https://shop.test/webhook", {
		method: "POST",
		headers: all,
		body: payload,
	});
}

/** Delivers an event the way Stripe does: JSON body, freshly signed. */
export async function deliver(
	event: Stripe.Event,
	opts: { secret?: string; timestamp?: number } = {},
): Promise<Response> {
	const payload = JSON.stringify(event, null, 2);
	return postWebhook(payload, { "stripe-signature": await signature(payload, opts) });
}
