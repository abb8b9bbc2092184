import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppError, ErrorCode } from "../lib/errors.ts";

/** The one mapping from what went wrong to its HTTP status. */
export const ERROR_STATUS = {
	invalid_cart: 400,
	invalid_amount: 400,
	invalid_request: 400,
	invalid_product: 400,
	invalid_shipping_rate: 400,
	invalid_json: 400,
	invalid_idempotency_key: 400,
	invalid_signature: 400,
	invalid_payload: 400,
	payload_too_large: 413,
	unsupported_media_type: 415,
	idempotency_key_reused: 422,
	invalid_email: 400,
	invalid_token: 400,
	not_signed_in: 401,
	sign_in_required: 401,
	unauthorized: 401,
	forbidden_origin: 403,
	rate_limited: 429,
	order_not_found: 404,
	product_not_found: 404,
	event_not_found: 404,
	email_not_found: 404,
	page_not_found: 404,
	shipping_rate_not_found: 404,
	download_not_found: 404,
	subscription_not_found: 404,
	not_found: 404,
	order_not_paid: 409,
	order_already_paid: 409,
	no_session: 409,
	no_payment: 409,
	out_of_stock: 409,
	insufficient_stock: 409,
	hold_limit: 409,
	product_exists: 409,
	shipping_rate_exists: 409,
	product_changed: 409,
	event_not_failed: 409,
	request_in_progress: 409,
	stripe_rejected: 409,
	no_downloads: 409,
	download_expired: 410,
	download_limit_reached: 410,
	download_revoked: 410,
	download_replaced: 410,
	no_billing_account: 409,
	already_subscribed: 409,
	config_invalid: 500,
	stripe_unavailable: 502,
	internal_error: 500,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

/** The headers an error's answer carries: when to ask again; how to authenticate. */
export function errorHeaders(err: AppError): Record<string, string> {
	return {
		...(err.retryAfterSeconds !== null && { "Retry-After": String(err.retryAfterSeconds) }),
		...(err.code === "unauthorized" && { "WWW-Authenticate": "Bearer" }),
	};
}

export const statusOf = (err: AppError): ContentfulStatusCode => ERROR_STATUS[err.code];
