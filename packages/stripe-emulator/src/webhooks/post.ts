import { createHmac } from "node:crypto";

/** What one delivery attempt got back. */
export type PostResult = { status: number | null; error: string | null; durationMs: number };

// Stripe gives up on an endpoint that does not answer within about 10 seconds.
const TIMEOUT_MS = 10_000;

/** POSTs one signed event the way Stripe does, never throwing. */
export async function postEvent(
	url: string,
	event: unknown,
	secret: string,
	signal: AbortSignal,
): Promise<PostResult> {
	const body = eventPayload(event);
	const started = performance.now();
	try {
		const response = await fetch(url, {
			method: "POST",
			body,
			headers: {
				"content-type": "application/json; charset=utf-8",
				"user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
				accept: "*/*; q=0.5, application/xml",
				"cache-control": "no-cache",
				"stripe-signature": signatureHeader(body, secret),
			},
			signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
		});
		// Drain the body so the connection can be reused.
		await response.arrayBuffer().catch(() => undefined);
		return { status: response.status, error: null, durationMs: elapsed(started) };
	} catch (error) {
		return { status: null, error: describeError(error), durationMs: elapsed(started) };
	}
}

function elapsed(started: number): number {
	return Math.round(performance.now() - started);
}

// fetch hides the useful part ("ECONNREFUSED") in `cause`.
function describeError(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
	return `${error.message}${cause}`;
}

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
