import { createHmac } from "node:crypto";

/**
 * The `Stripe-Signature` header for a body: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * `timestamp` is wall time, not the emulator clock, so receivers' 300 s tolerance still
 * passes after a test advances the emulator clock.
 */
export function signatureHeader(body: string, secret: string, timestamp = wallSeconds()): string {
	const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
	return `t=${timestamp},v1=${signature}`;
}

function wallSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

/** The exact body Stripe posts: the event as pretty-printed JSON. */
export function eventPayload(event: unknown): string {
	return JSON.stringify(event, null, 2);
}
