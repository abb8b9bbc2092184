/**
 * What went wrong, by meaning. Services and routes throw these by code; the
 * HTTP edge (`src/routes/error-status.ts`) gives each code its status, once.
 */
export type ErrorCode =
	// The request itself.
	| "invalid_cart"
	| "invalid_amount"
	| "invalid_request"
	| "invalid_product"
	| "invalid_shipping_rate"
	| "invalid_json"
	| "invalid_idempotency_key"
	| "invalid_signature"
	| "invalid_payload"
	| "payload_too_large"
	| "unsupported_media_type"
	| "idempotency_key_reused"
	| "invalid_email"
	| "invalid_token"
	// Who may ask.
	| "unauthorized"
	| "not_signed_in"
	| "sign_in_required"
	| "forbidden_origin"
	| "rate_limited"
	// What it names.
	| "order_not_found"
	| "product_not_found"
	| "event_not_found"
	| "email_not_found"
	| "page_not_found"
	| "shipping_rate_not_found"
	| "download_not_found"
	| "subscription_not_found"
	| "not_found"
	// What the state of things allows now.
	| "order_not_paid"
	| "order_already_paid"
	| "no_session"
	| "no_payment"
	| "out_of_stock"
	| "insufficient_stock"
	| "hold_limit"
	| "product_exists"
	| "shipping_rate_exists"
	| "product_changed"
	| "event_not_failed"
	| "request_in_progress"
	| "stripe_rejected"
	| "no_downloads"
	| "download_expired"
	| "download_limit_reached"
	| "download_revoked"
	| "download_replaced"
	| "no_billing_account"
	| "already_subscribed"
	// Failures on our side or Stripe's: the request was fine.
	| "config_invalid"
	| "stripe_unavailable"
	| "internal_error";

/** Codes that say something failed on our side or upstream, not that the request was refused. */
const FAILURES: readonly ErrorCode[] = ["config_invalid", "stripe_unavailable", "internal_error"];

/** An error the client may see: a machine-readable code and a safe message. */
export class AppError extends Error {
	readonly code: ErrorCode;
	/** More of the error's body, beside `code` and `message` (`productIds`, `field`). */
	readonly details: Record<string, unknown>;
	/** When asking again makes sense (a request in progress, a rate limit), in seconds. */
	readonly retryAfterSeconds: number | null;

	// Plain fields, not parameter properties: Node's type stripping (the bench, scripts) runs this file too.
	constructor(
		code: ErrorCode,
		message: string,
		details: Record<string, unknown> = {},
		retryAfterSeconds: number | null = null,
	) {
		super(message);
		this.name = "AppError";
		this.code = code;
		this.details = details;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/** A refusal (the request, or the state of things, does not allow it), not a failure. */
	get refusal(): boolean {
		return !FAILURES.includes(this.code);
	}
}

/** Whether an error is a refusal of ours: an answer to keep (idempotency) and never to retry. */
export const isRefusal = (err: unknown): err is AppError => err instanceof AppError && err.refusal;

export type ErrorBody = { error: { code: string; message: string } & Record<string, unknown> };

export function errorBody(
	code: string,
	message: string,
	details: Record<string, unknown> = {},
): ErrorBody {
	return { error: { code, message, ...details } };
}

export const invalidCart = (message: string) => new AppError("invalid_cart", message);
export const orderNotFound = () => new AppError("order_not_found", "No such order.");
export const stripeUnavailable = () =>
	new AppError(
		"stripe_unavailable",
		"The payment provider could not be reached. Please try again.",
	);

/** `out_of_stock`: the cart asks for more of these products than is left. */
export const outOfStock = (productIds: string[], message: string) =>
	new AppError("out_of_stock", message, { productIds });
