import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Resend's error body (https://resend.com/docs/api-reference/errors). */
export type ResendError = { statusCode: ContentfulStatusCode; message: string; name: string };

export const resendError = (
	statusCode: ContentfulStatusCode,
	name: string,
	message: string,
): ResendError => ({ statusCode, message, name });

export const MISSING_API_KEY = resendError(
	401,
	"missing_api_key",
	"Missing API key in the authorization header.",
);
// Resend's sending endpoints answer 401 `validation_error` for a key that does not exist.
export const INVALID_API_KEY = resendError(401, "validation_error", "API key is invalid");
export const INVALID_IDEMPOTENCY_KEY = resendError(
	400,
	"invalid_idempotency_key",
	"The key must be between 1-256 chars.",
);
export const IDEMPOTENCY_CONFLICT = resendError(
	409,
	"invalid_idempotent_request",
	"Same idempotency key used with a different request payload.",
);
export const EMAIL_NOT_FOUND = resendError(404, "not_found", "Email not found");
