const encoder = new TextEncoder();

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or null. */
export function bearerToken(header: string | undefined): string | null {
	const match = /^Bearer +(\S+) *$/i.exec(header ?? "");
	return match?.[1] ?? null;
}

/**
 * Compares a presented token with the configured one in constant time. Both
 * are hashed first, so the comparison runs over equal-length digests and
 * neither the content nor the length of the secret leaks through timing.
 */
export async function sameToken(given: string, expected: string): Promise<boolean> {
	const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
	return crypto.subtle.timingSafeEqual(a, b);
}

function sha256(value: string): Promise<ArrayBuffer> {
	return crypto.subtle.digest("SHA-256", encoder.encode(value));
}
