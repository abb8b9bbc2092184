import Stripe from "stripe";
import { AppError } from "./errors.ts";
import { webCrypto } from "./stripe.ts";

export const SIGNATURE_TOLERANCE_SECONDS = 300;

const invalidSignature = (message: string) => new AppError("invalid_signature", message);
const invalidPayload = (message: string) => new AppError("invalid_payload", message);

/**
 * Verifies the raw body against `Stripe-Signature` with each configured secret
 * (several during rotation) using Web Crypto, then parses it. Throws 400
 * `invalid_signature` or `invalid_payload`; nothing is parsed before the
 * signature holds.
 */
export async function verifyStripeEvent(
	payload: string,
	header: string | undefined,
	secrets: readonly string[],
	nowSeconds = Math.floor(Date.now() / 1000),
): Promise<Stripe.Event> {
	if (!header) throw invalidSignature("Missing Stripe-Signature header.");
	if (payload.length === 0) throw invalidPayload("The body is empty.");
	checkTimestamp(header, nowSeconds);
	let lastError: unknown;
	for (const secret of secrets) {
		try {
			const event = await Stripe.webhooks.constructEventAsync(
				payload,
				header,
				secret,
				SIGNATURE_TOLERANCE_SECONDS,
				webCrypto,
			);
			return checkEventShape(event);
		} catch (err) {
			if (err instanceof AppError) throw err;
			if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
				lastError = err;
				continue;
			}
			// The signature held but the body is not JSON.
			throw invalidPayload("The body is not a JSON Stripe event.");
		}
	}
	throw invalidSignature(lastError instanceof Error ? lastError.message : "No valid signature.");
}

/**
 * stripe-node checks only that the signed time is not too old, and a `t` that
 * is not a number slips through it: the time must be a whole number of seconds
 * within the tolerance on both sides of now, or a captured payload could be
 * signed "in the future" and replayed for as long as its author likes.
 */
function checkTimestamp(header: string, nowSeconds: number): void {
	const stamps = header
		.split(",")
		.map((part) => part.trim())
		.filter((part) => part.startsWith("t="))
		.map((part) => part.slice(2));
	// Two Stripe-Signature headers arrive joined into one list: each `t` must hold.
	if (stamps.length === 0 || stamps.some((t) => !/^\d{1,12}$/.test(t)))
		throw invalidSignature("The signature's timestamp is missing or not a number.");
	if (stamps.some((t) => Number(t) - nowSeconds > SIGNATURE_TOLERANCE_SECONDS))
		throw invalidSignature(
			"The signature's timestamp is in the future, outside the tolerance zone.",
		);
}

function checkEventShape(value: unknown): Stripe.Event {
	const event = value as Partial<Stripe.Event> | null;
	const ok =
		typeof event === "object" &&
		event !== null &&
		typeof event.id === "string" &&
		event.id.length > 0 &&
		typeof event.type === "string" &&
		typeof event.created === "number" &&
		typeof event.data === "object" &&
		event.data !== null &&
		typeof event.data.object === "object" &&
		event.data.object !== null;
	if (!ok) throw invalidPayload("The body is not a Stripe event.");
	return event as Stripe.Event;
}
