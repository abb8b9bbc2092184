/**
 * The keyed tokens of customer accounts (SPEC 14), with Web Crypto alone:
 * random ids, HMAC-SHA-256 under SESSION_SECRET, and the SHA-256 digests the
 * database keeps instead of the tokens themselves.
 */

const encoder = new TextEncoder();

/** `bytes` random bytes, base64url without padding (16 bytes: 128 bits, 22 characters). */
export function randomId(bytes = 16): string {
	return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** SHA-256 of a token, in hex: what is stored, so the table alone opens nothing. */
export async function sha256Hex(value: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
	return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const keys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key of a secret, imported once per isolate. */
function hmacKey(secret: string): Promise<CryptoKey> {
	let key = keys.get(secret);
	if (!key) {
		key = crypto.subtle.importKey(
			"raw",
			encoder.encode(secret),
			{ name: "HMAC", hash: "SHA-256" },
			false,
			["sign", "verify"],
		);
		keys.set(secret, key);
	}
	return key;
}

/** HMAC-SHA-256 of `purpose:value` under the secret, base64url (43 characters). */
export async function hmac(secret: string, purpose: string, value: string): Promise<string> {
	const mac = await crypto.subtle.sign(
		"HMAC",
		await hmacKey(secret),
		encoder.encode(`${purpose}:${value}`),
	);
	return base64url(new Uint8Array(mac));
}

/** `value.signature`: a value no one can make without the secret. */
export async function signed(secret: string, purpose: string, value: string): Promise<string> {
	return `${value}.${await hmac(secret, purpose, value)}`;
}

/**
 * The value of a `value.signature` made by `signed` with this secret and
 * purpose; null for anything else. The check is Web Crypto's own (constant time).
 */
export async function verified(
	secret: string,
	purpose: string,
	token: string,
): Promise<string | null> {
	const dot = token.lastIndexOf(".");
	if (dot <= 0) return null;
	const value = token.slice(0, dot);
	const signature = fromBase64url(token.slice(dot + 1));
	if (signature?.length !== 32) return null;
	const ok = await crypto.subtle.verify(
		"HMAC",
		await hmacKey(secret),
		signature,
		encoder.encode(`${purpose}:${value}`),
	);
	return ok ? value : null;
}

function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
	const padded = text.replace(/-/g, "+").replace(/_/g, "/");
	try {
		return Uint8Array.from(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4)), (c) =>
			c.charCodeAt(0),
		);
	} catch {
		return null;
	}
}
