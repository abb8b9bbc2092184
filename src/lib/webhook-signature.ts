import type Stripe from "stripe";
import { AppError } from "./errors.ts";

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
	const timestamps = checkTimestamps(header, nowSeconds);
	const signatures = header
		.split(",")
		.map((part) => part.trim())
		.filter((part) => part.startsWith("v1="))
		.map((part) => hexBytes(part.slice(3)))
		.filter((bytes) => bytes !== null);
	if (signatures.length === 0)
		throw invalidSignature("No v1 signature found in the Stripe-Signature header.");
	for (const secret of secrets) {
		const key = await crypto.subtle.importKey(
			"raw",
			encoder.encode(secret),
			{ name: "HMAC", hash: "SHA-256" },
			false,
			["verify"],
		);
		// Web Crypto's verify compares in constant time.
		for (const timestamp of timestamps) {
			const signed = encoder.encode(`${timestamp}.${payload}`);
			for (const signature of signatures)
				if (await crypto.subtle.verify("HMAC", key, signature, signed)) return parseEvent(payload);
		}
	}
	throw invalidSignature(
		"No signatures found matching the expected signature for payload: is the webhook secret the endpoint's?",
	);
}

const encoder = new TextEncoder();

/** A hex signature's bytes (a SHA-256 HMAC: 32 of them), or null. */
function hexBytes(hex: string): Uint8Array | null {
	if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
	return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

function parseEvent(payload: string): Stripe.Event {
	let event: unknown;
	try {
		event = JSON.parse(payload);
	} catch {
		// The signature held but the body is not JSON.
		throw invalidPayload("The body is not a JSON Stripe event.");
	}
	return checkEventShape(event);
}

/**
 * The signed times, whole numbers of seconds within the tolerance on both
 * sides of now: too old is a replay; "in the future" would let a captured
 * payload be replayed for as long as its author likes.
 */
function checkTimestamps(header: string, nowSeconds: number): string[] {
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
	if (stamps.some((t) => nowSeconds - Number(t) > SIGNATURE_TOLERANCE_SECONDS))
		throw invalidSignature("Timestamp outside the tolerance zone.");
	return stamps;
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
