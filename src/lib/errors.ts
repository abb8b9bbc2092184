import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error the client may see: HTTP status, machine-readable code, safe message. */
export class AppError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.name = "AppError";
	}
}

export type ErrorBody = { error: { code: string; message: string } };

export function errorBody(code: string, message: string): ErrorBody {
	return { error: { code, message } };
}

export const invalidCart = (message: string) => new AppError(400, "invalid_cart", message);
export const orderNotFound = () => new AppError(404, "order_not_found", "No such order.");
export const stripeUnavailable = () =>
	new AppError(
		502,
		"stripe_unavailable",
		"The payment provider could not be reached. Please try again.",
	);
