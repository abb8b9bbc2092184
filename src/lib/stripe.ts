import type Stripe from "stripe";

/** A secret or restricted key: `sk_test_…`, `sk_live_…`, `rk_test_…`, `rk_live_…`. */
export const SECRET_KEY_PATTERN = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

/** Whether a (valid) secret key is a test-mode one. */
export const isTestKey = (key: string) => /^(sk|rk)_test_/.test(key);

/** Where and as whom the worker talks to Stripe (validated in `config.ts`). */
export type StripeConfig = { secretKey: string; apiBase: URL | null; testMode: boolean };

/** The API version stripe-node 23.1.0 ships with; pinned so an SDK bump is a deliberate change. */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

/** One attempt's time-out, and the retries made after a network error or a 5xx/409 (as stripe-node makes them). */
export const STRIPE_TIMEOUT_MS = 10_000;
export const STRIPE_MAX_RETRIES = 1;
/** `untilStripeAnswers` starts no new attempt this long after the first. */
export const STRIPE_RETRY_WINDOW_MS = 20_000;
/**
 * The longest a Stripe call can take: its retry window, then one last attempt
 * with the client's own retry. Until then a checkout may still be waiting for
 * its session: nothing may cancel it as "never sent".
 */
export const STRIPE_CALL_DEADLINE_MS =
	STRIPE_RETRY_WINDOW_MS + (STRIPE_MAX_RETRIES + 1) * STRIPE_TIMEOUT_MS + 5_000;

/**
 * Runs a Stripe call that carries an idempotency key until Stripe answers it.
 * A time-out or a lost connection does not mean Stripe did nothing: the
 * request may still be running there, and the client's retry then meets
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
	if (err instanceof StripeConnectionError) return true;
	return (
		err instanceof StripeApiError && err.statusCode === 409 && err.code === "idempotency_key_in_use"
	);
}

/** What Stripe answered with an error: its `error` object's type, code and message, and the status. */
export class StripeApiError extends Error {
	readonly type: string;
	readonly code: string | undefined;
	readonly declineCode: string | undefined;
	readonly param: string | undefined;
	readonly statusCode: number;
	readonly requestId: string | null;

	constructor(statusCode: number, body: StripeErrorBody | undefined, requestId: string | null) {
		super(body?.message ?? `Stripe answered ${statusCode}.`);
		this.name = "StripeApiError";
		this.type = body?.type ?? "api_error";
		this.code = body?.code;
		this.declineCode = body?.decline_code;
		this.param = body?.param;
		this.statusCode = statusCode;
		this.requestId = requestId;
	}
}

/** Stripe could not be reached, or did not answer in time: it may or may not have done the work. */
export class StripeConnectionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "StripeConnectionError";
	}
}

type StripeErrorBody = {
	type?: string;
	code?: string;
	decline_code?: string;
	param?: string;
	message?: string;
};

/** True when Stripe answered with a 4xx about the request itself (retrying the same call won't help). */
export function isStripeRequestError(err: unknown): err is StripeApiError {
	return err instanceof StripeApiError && err.statusCode < 500 && err.statusCode !== 429;
}

/** How Stripe answered a call, beside what it answered (as stripe-node's `lastResponse`). */
export type StripeResponse<T> = T & {
	lastResponse: { statusCode: number; requestId: string | null; headers: Record<string, string> };
};

type CallOptions = { idempotencyKey?: string };
type Params = object;

/**
 * The worker's Stripe client: the calls it makes, typed by stripe-node's own
 * types for the pinned API version, over `fetch`. stripe-node itself is not
 * bundled: its ~160 KiB of resources the shop never calls cost the worker
 * 32 KiB gzip (README "Figures"). It behaves as stripe-node configured as
 * before: a time-out per attempt, one retry after a network error, a 409 or
 * a 5xx (or when Stripe says `Stripe-Should-Retry`), under the same
 * idempotency key.
 */
export function createStripe(config: StripeConfig) {
	const base = config.apiBase ? config.apiBase.origin : "https://api.stripe.com";
	const call = <T>(
		method: "GET" | "POST" | "DELETE",
		path: string,
		params?: Params,
		options?: CallOptions,
	) => stripeRequest<T>(config.secretKey, `${base}${path}`, method, params, options);
	const id = encodeURIComponent;
	return {
		checkout: {
			sessions: {
				create: (params: Stripe.Checkout.SessionCreateParams, options?: CallOptions) =>
					call<Stripe.Checkout.Session>("POST", "/v1/checkout/sessions", params, options),
				retrieve: (sessionId: string, params?: Stripe.Checkout.SessionRetrieveParams) =>
					call<Stripe.Checkout.Session>("GET", `/v1/checkout/sessions/${id(sessionId)}`, params),
				list: (params?: Stripe.Checkout.SessionListParams) =>
					call<Stripe.ApiList<Stripe.Checkout.Session>>("GET", "/v1/checkout/sessions", params),
				expire: (
					sessionId: string,
					params: Stripe.Checkout.SessionExpireParams = {},
					options?: CallOptions,
				) =>
					call<Stripe.Checkout.Session>(
						"POST",
						`/v1/checkout/sessions/${id(sessionId)}/expire`,
						params,
						options,
					),
			},
		},
		subscriptions: {
			retrieve: (subscriptionId: string, params?: Stripe.SubscriptionRetrieveParams) =>
				call<Stripe.Subscription>("GET", `/v1/subscriptions/${id(subscriptionId)}`, params),
			update: (
				subscriptionId: string,
				params: Stripe.SubscriptionUpdateParams,
				options?: CallOptions,
			) =>
				call<Stripe.Subscription>(
					"POST",
					`/v1/subscriptions/${id(subscriptionId)}`,
					params,
					options,
				),
			cancel: (subscriptionId: string, options?: CallOptions) =>
				call<Stripe.Subscription>("DELETE", `/v1/subscriptions/${id(subscriptionId)}`, {}, options),
		},
		customers: {
			create: (params: Stripe.CustomerCreateParams, options?: CallOptions) =>
				call<Stripe.Customer>("POST", "/v1/customers", params, options),
		},
		billingPortal: {
			sessions: {
				create: (params: Stripe.BillingPortal.SessionCreateParams) =>
					call<Stripe.BillingPortal.Session>("POST", "/v1/billing_portal/sessions", params),
			},
		},
		paymentIntents: {
			retrieve: (intentId: string, params?: Stripe.PaymentIntentRetrieveParams) =>
				call<Stripe.PaymentIntent>("GET", `/v1/payment_intents/${id(intentId)}`, params),
		},
		refunds: {
			create: (params: Stripe.RefundCreateParams, options?: CallOptions) =>
				call<Stripe.Refund>("POST", "/v1/refunds", params, options),
			list: (params?: Stripe.RefundListParams) =>
				call<Stripe.ApiList<Stripe.Refund>>("GET", "/v1/refunds", params),
		},
		events: {
			retrieve: (eventId: string) => call<Stripe.Event>("GET", `/v1/events/${id(eventId)}`),
		},
	};
}

export type StripeClient = ReturnType<typeof createStripe>;

async function stripeRequest<T>(
	secretKey: string,
	url: string,
	method: "GET" | "POST" | "DELETE",
	params: Params = {},
	options: CallOptions = {},
): Promise<StripeResponse<T>> {
	const body = formEncode(params);
	const headers: Record<string, string> = {
		Authorization: `Bearer ${secretKey}`,
		"Stripe-Version": STRIPE_API_VERSION,
	};
	if (method === "POST") {
		headers["Content-Type"] = "application/x-www-form-urlencoded";
		// A retried POST must be the same request to Stripe: it always carries a key.
		headers["Idempotency-Key"] = options.idempotencyKey ?? `retry-${crypto.randomUUID()}`;
	}
	const target = method === "GET" && body ? `${url}?${body}` : url;
	for (let attempt = 0; ; attempt++) {
		let res: Response;
		try {
			res = await fetch(target, {
				method,
				headers,
				...(method === "POST" && { body }),
				signal: AbortSignal.timeout(STRIPE_TIMEOUT_MS),
			});
		} catch (err) {
			if (attempt < STRIPE_MAX_RETRIES) {
				await retryPause(attempt);
				continue;
			}
			const why = err instanceof Error ? err.message : String(err);
			throw new StripeConnectionError(`Stripe could not be reached: ${why}`);
		}
		const requestId = res.headers.get("request-id");
		let json: unknown;
		try {
			json = await res.json();
		} catch {
			json = undefined;
		}
		if (res.ok && json && typeof json === "object") {
			Object.defineProperty(json, "lastResponse", {
				enumerable: false,
				value: { statusCode: res.status, requestId, headers: Object.fromEntries(res.headers) },
			});
			return json as StripeResponse<T>;
		}
		if (attempt < STRIPE_MAX_RETRIES && shouldRetry(res)) {
			await retryPause(attempt);
			continue;
		}
		const error = (json as { error?: StripeErrorBody } | undefined)?.error;
		throw new StripeApiError(res.status, error, requestId);
	}
}

/** stripe-node's rule: Stripe's own advice first, then a conflict or a failure on its side. */
function shouldRetry(res: Response): boolean {
	const advice = res.headers.get("stripe-should-retry");
	if (advice === "true") return true;
	if (advice === "false") return false;
	return res.status === 409 || res.status >= 500;
}

const retryPause = (attempt: number) =>
	new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt * (0.5 + Math.random() / 2)));

/**
 * Stripe's form encoding (stripe-node's): nested objects as `a[b]=`, arrays by
 * index `a[0]=`, `null` as an empty value (which unsets a field), `undefined`
 * left out.
 */
export function formEncode(params: Params): string {
	const pairs: string[] = [];
	const name = (key: string) => encodeURIComponent(key).replace(/%5B/g, "[").replace(/%5D/g, "]");
	const add = (key: string, value: unknown): void => {
		if (value === undefined) return;
		if (value === null) pairs.push(`${name(key)}=`);
		// An array's entries are its indexes: `a[0]=`.
		else if (typeof value === "object")
			for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
		else pairs.push(`${name(key)}=${encodeURIComponent(String(value))}`);
	};
	for (const [key, value] of Object.entries(params)) add(key, value);
	return pairs.join("&");
}
