import Stripe from "stripe";

/** A secret or restricted key: `sk_test_…`, `sk_live_…`, `rk_test_…`, `rk_live_…`. */
export const SECRET_KEY_PATTERN = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

/** Whether a (valid) secret key is a test-mode one. */
export const isTestKey = (key: string) => /^(sk|rk)_test_/.test(key);

/** Where and as whom the worker talks to Stripe (validated in `config.ts`). */
export type StripeConfig = { secretKey: string; apiBase: URL | null; testMode: boolean };

/** The API version stripe-node 23.1.0 ships with; pinned so an SDK bump is a deliberate change. */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

/** One attempt's time-out, and the retries stripe-node makes after a network error or a 5xx/409. */
export const STRIPE_TIMEOUT_MS = 10_000;
export const STRIPE_MAX_RETRIES = 1;
/** `untilStripeAnswers` starts no new attempt this long after the first. */
export const STRIPE_RETRY_WINDOW_MS = 20_000;
/**
 * The longest a Stripe call can take: its retry window, then one last attempt
 * with stripe-node's own retry. Until then a checkout may still be waiting for
 * its session: nothing may cancel it as "never sent".
 */
export const STRIPE_CALL_DEADLINE_MS =
	STRIPE_RETRY_WINDOW_MS + (STRIPE_MAX_RETRIES + 1) * STRIPE_TIMEOUT_MS + 5_000;

/**
 * Runs a Stripe call that carries an idempotency key until Stripe answers it.
 * A time-out or a lost connection does not mean Stripe did nothing: the
 * request may still be running there, and stripe-node's retry then meets
 * `idempotency_key_in_use` (409). Both are retried with back-off under the
 * same key, and once the first request finishes Stripe replays its result: a
 * slow answer never becomes a failure while Stripe creates the object.
 */
export async function untilStripeAnswers<T>(call: () => Promise<T>): Promise<T> {
	const started = Date.now();
	for (let attempt = 0; ; attempt++) {
		try {
			return await call();
		} catch (err) {
			const wait = Math.min(250 * 2 ** attempt, 4000);
			if (!isStillRunning(err) || Date.now() - started + wait > STRIPE_RETRY_WINDOW_MS) throw err;
			await new Promise((resolve) => setTimeout(resolve, wait));
		}
	}
}

function isStillRunning(err: unknown): boolean {
	if (err instanceof Stripe.errors.StripeConnectionError) return true;
	return (
		err instanceof Stripe.errors.StripeError &&
		err.statusCode === 409 &&
		err.code === "idempotency_key_in_use"
	);
}

/** Stripe client for one request. Never cached in module scope: the key lives in `env`. */
export function createStripe(config: StripeConfig): Stripe {
	const base = config.apiBase;
	return new Stripe(config.secretKey, {
		apiVersion: STRIPE_API_VERSION,
		httpClient: Stripe.createFetchHttpClient(),
		maxNetworkRetries: STRIPE_MAX_RETRIES,
		timeout: STRIPE_TIMEOUT_MS,
		telemetry: false,
		...(base && {
			host: base.hostname,
			port: base.port || (base.protocol === "https:" ? 443 : 80),
			protocol: base.protocol === "https:" ? "https" : "http",
		}),
	});
}

export const webCrypto = Stripe.createSubtleCryptoProvider();

/** True when Stripe answered with a 4xx about the request itself (retrying the same call won't help). */
export function isStripeRequestError(err: unknown): err is Stripe.errors.StripeError {
	return (
		err instanceof Stripe.errors.StripeError &&
		typeof err.statusCode === "number" &&
		err.statusCode < 500 &&
		err.statusCode !== 429
	);
}
