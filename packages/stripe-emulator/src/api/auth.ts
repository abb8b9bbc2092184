import { StripeApiError } from "./errors.ts";

/** Accepts test-mode secret and restricted keys, as Bearer or as Basic user name (curl -u). */
export function authenticate(authorization: string | null): void {
	const key = apiKeyFrom(authorization);
	if (!key) {
		throw unauthorized(
			"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
		);
	}
	if (/^(sk|rk)_live_/.test(key)) {
		throw unauthorized(
			"The Stripe emulator refuses live mode keys: use a test key (sk_test_… or rk_test_…).",
		);
	}
	if (/^pk_/.test(key)) {
		throw unauthorized(
			"This API call cannot be made with a publishable API key. Please use a secret API key.",
		);
	}
	if (!/^(sk|rk)_test_\S+$/.test(key))
		throw unauthorized(`Invalid API Key provided: ${redact(key)}`);
}

function apiKeyFrom(authorization: string | null): string | null {
	if (!authorization) return null;
	const [scheme, value] = authorization.trim().split(/\s+/, 2);
	if (!value) return null;
	if (scheme?.toLowerCase() === "bearer") return value;
	if (scheme?.toLowerCase() === "basic") {
		const user = Buffer.from(value, "base64").toString("utf8").split(":")[0];
		return user || null;
	}
	return null;
}

// Stripe echoes only the ends of a wrong key, never all of it.
function redact(key: string): string {
	if (key.length <= 12) return "*".repeat(key.length);
	return `${key.slice(0, 8)}${"*".repeat(Math.min(key.length - 12, 20))}${key.slice(-4)}`;
}

function unauthorized(message: string): StripeApiError {
	return new StripeApiError(401, "invalid_request_error", message);
}
