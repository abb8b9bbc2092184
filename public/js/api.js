import { checkoutKeyFor, forgetCheckoutKey } from "./cart.js";

/** An error answer from the worker: `{"error": {"code", "message"}}`, or a network failure (status 0). */
export class ApiError extends Error {
	constructor(status, code, message, retryAfter = null, details = {}) {
		super(message);
		this.name = "ApiError";
		this.status = status;
		this.code = code;
		/** Seconds from a `Retry-After` header, or null. */
		this.retryAfter = retryAfter;
		/** The error body as sent, `{code, message, …}`: `productIds` for `out_of_stock`. */
		this.details = details;
	}
}

const FALLBACK_MESSAGES = {
	0: "We couldn't reach the shop. Check your connection and try again.",
	404: "Not found.",
	429: "Too many requests. Please wait a moment and try again.",
};

function fallbackMessage(status) {
	if (FALLBACK_MESSAGES[status]) return FALLBACK_MESSAGES[status];
	if (status >= 500) return "Something went wrong on our side. Please try again.";
	return `The request failed (HTTP ${status}).`;
}

function parseRetryAfter(value) {
	if (!value) return null;
	if (/^\d+$/.test(value.trim())) return Number(value.trim());
	const date = Date.parse(value);
	return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * fetch() for our JSON API. Resolves with the parsed body of a 2xx answer (its
 * text with `answer: "text"`); rejects with an ApiError carrying the server's
 * error code and message.
 */
export async function requestJson(
	path,
	{ method = "GET", body, headers = {}, signal, answer = "json" } = {},
) {
	const init = {
		method,
		headers: { Accept: "application/json", ...headers },
		credentials: "same-origin",
		cache: "no-store",
		signal,
	};
	if (body instanceof Blob) {
		// A file (a product's picture): sent as it is, with its own type.
		init.headers["Content-Type"] = body.type;
		init.body = body;
	} else if (body !== undefined) {
		init.headers["Content-Type"] = "application/json";
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		throw new ApiError(0, "network_error", fallbackMessage(0));
	}
	let data = null;
	let text = "";
	try {
		text = await res.text();
		data = text ? JSON.parse(text) : null;
	} catch {
		data = null;
	}
	// A page or a file the console opens (a packing slip, a CSV export): its text as sent.
	if (res.ok && answer === "text") return text;
	if (res.ok) {
		if (data === null || typeof data !== "object") {
			throw new ApiError(res.status, "bad_response", "The shop sent an unexpected answer.");
		}
		return data;
	}
	const error = data && typeof data === "object" ? data.error : null;
	const code = typeof error?.code === "string" ? error.code : `http_${res.status}`;
	const message =
		typeof error?.message === "string" && error.message
			? error.message
			: fallbackMessage(res.status);
	throw new ApiError(
		res.status,
		code,
		message,
		parseRetryAfter(res.headers.get("Retry-After")),
		error && typeof error === "object" ? error : {},
	);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Only ever navigate to an http(s) URL the server gave us. */
function safeRedirectUrl(url) {
	if (typeof url !== "string") return null;
	let parsed;
	try {
		parsed = new URL(url, location.href);
	} catch {
		return null;
	}
	return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
}

/**
 * POST /create-checkout-session with `{items, orderId?, resumeToken?, locale?, uiMode?}` and an
 * Idempotency-Key (the same for the same request content until it succeeds).
 * Waits and retries on 409 `request_in_progress`. Resolves
 * `{orderId, sessionId, url | clientSecret, resumeToken}` (Stripe's page, or
 * ours with the Payment Element: the shop's CHECKOUT_UI decides unless `uiMode`
 * says); the token proves this browser's claim on the order when it comes back
 * to resume it. `onWait(seconds)` is called before each wait.
 */
export async function createCheckoutSession(
	{ items, orderId, resumeToken, locale, country, uiMode },
	{ onWait } = {},
) {
	const body = {
		items: items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
	};
	if (uiMode) body.uiMode = uiMode;
	// The page's language: Stripe's page and the order's e-mails speak it too.
	if (locale) body.locale = locale;
	// Where the goods go, chosen in the cart: Stripe's page offers that country's rates.
	if (country) body.country = country;
	if (orderId && resumeToken) {
		body.orderId = orderId;
		body.resumeToken = resumeToken;
	}
	let renewedKey = false;
	for (let attempt = 0; ; attempt++) {
		const key = checkoutKeyFor(body);
		try {
			const result = await requestJson("/create-checkout-session", {
				method: "POST",
				body,
				headers: { "Idempotency-Key": key },
			});
			const url = safeRedirectUrl(result.url);
			const secret = typeof result.clientSecret === "string" ? result.clientSecret : null;
			if ((!url && !secret) || typeof result.orderId !== "string") {
				throw new ApiError(200, "bad_response", "The shop sent an unexpected answer.");
			}
			// Done: a later request (even for the same cart) asks the server afresh,
			// which answers the same open session for an unchanged cart.
			forgetCheckoutKey();
			return {
				orderId: result.orderId,
				sessionId: result.sessionId,
				...(url ? { url } : { clientSecret: secret }),
				resumeToken: typeof result.resumeToken === "string" ? result.resumeToken : null,
			};
		} catch (err) {
			if (err instanceof ApiError && err.code === "request_in_progress" && attempt < 10) {
				const seconds = Math.min(Math.max(err.retryAfter ?? 1, 1), 10);
				onWait?.(seconds);
				await sleep(seconds * 1000);
				continue;
			}
			if (err instanceof ApiError && err.code === "idempotency_key_reused" && !renewedKey) {
				renewedKey = true;
				forgetCheckoutKey();
				continue;
			}
			throw err;
		}
	}
}

/** Where /pay.html finds the client secret its checkout was answered with (this tab only). */
export const paySecretKey = (orderId) => `shop.pay.${orderId}`;

/**
 * Goes where a checkout is paid: Stripe's page (`url`), or ours (`/pay.html`
 * for the order, with its token) with the session's client secret kept for it
 * in this tab, so the page needs no second request to open the same session.
 */
export function goToPayment(result, locale) {
	if (result.url) {
		window.location.assign(result.url);
		return;
	}
	try {
		sessionStorage.setItem(paySecretKey(result.orderId), result.clientSecret);
	} catch {
		// Storage refused (private mode): the page asks the shop for the same session again.
	}
	const page = new URLSearchParams({
		order_id: result.orderId,
		token: result.resumeToken ?? "",
		lang: locale,
	});
	window.location.assign(`/pay.html?${page}`);
}
