import Stripe from "stripe";

/** Where and as whom the worker talks to Stripe (validated in `config.ts`). */
export type StripeConfig = { secretKey: string; apiBase: URL | null; testMode: boolean };

/** The API version stripe-node 23.1.0 ships with; pinned so an SDK bump is a deliberate change. */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

/** One attempt's time-out, and the retries stripe-node makes after a network error or a 5xx/409. */
export const STRIPE_TIMEOUT_MS = 10_000;
export const STRIPE_MAX_RETRIES = 1;
/**
 * The longest a Stripe call (all its attempts, with stripe-node's back-off of at
 * most a few seconds) can take. Until then a checkout may still be waiting for
 * its session: nothing may cancel it as "never sent".
 */
export const STRIPE_CALL_DEADLINE_MS = (STRIPE_MAX_RETRIES + 1) * STRIPE_TIMEOUT_MS + 10_000;

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
