import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 text; the tiny modulo bias does not matter for test ids. */
export function randomToken(length: number): string {
	const bytes = randomBytes(length);
	let out = "";
	for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
	return out;
}

/** A Stripe-looking id such as `pi_3Qx…` (24 random characters unless told). */
export function newId(prefix: string, length = 24): string {
	return `${prefix}_${randomToken(length)}`;
}

/** A Checkout Session id, as long as Stripe's test-mode ones. */
export function newSessionId(): string {
	return `cs_test_a1${randomToken(56)}`;
}

/** A webhook signing secret in the Stripe CLI's format. */
export function newWebhookSecret(): string {
	return `whsec_${randomToken(32)}`;
}
