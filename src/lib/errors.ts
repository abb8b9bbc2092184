import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error the client may see: HTTP status, machine-readable code, safe message. */
export class AppError extends Error {
	readonly status: ContentfulStatusCode;
	readonly code: string;
	readonly headers: Record<string, string>;
	/** More of the error's body, beside `code` and `message` (`productIds`, `field`). */
	readonly details: Record<string, unknown>;

	// Plain fields, not parameter properties: Node's type stripping (the bench, scripts) runs this file too.
	constructor(
		status: ContentfulStatusCode,
		code: string,
		message: string,
		headers: Record<string, string> = {},
		details: Record<string, unknown> = {},
	) {
		super(message);
		this.name = "AppError";
		this.status = status;
		this.code = code;
		this.headers = headers;
		this.details = details;
	}
}

export type ErrorBody = { error: { code: string; message: string } & Record<string, unknown> };

export function errorBody(
	code: string,
	message: string,
	details: Record<string, unknown> = {},
): ErrorBody {
	return { error: { code, message, ...details } };
}

export const invalidCart = (message: string) => new AppError(400, "invalid_cart", message);
export const orderNotFound = () => new AppError(404, "order_not_found", "No such order.");
export const stripeUnavailable = () =>
	new AppError(
		502,
		"stripe_unavailable",
		"The payment provider could not be reached. Please try again.",
	);

/** 409 `out_of_stock`: the cart asks for more of these products than is left. */
export const outOfStock = (productIds: string[], message: string) =>
	new AppError(409, "out_of_stock", message, {}, { productIds });
