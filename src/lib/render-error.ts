import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { AppError, errorBody } from "./errors.ts";
import { describeError } from "./log.ts";

/** A machine-readable code for a status that Hono's own middleware refused a request with. */
const HTTP_CODES: Record<number, string> = {
	400: "bad_request",
	401: "unauthorized",
	403: "forbidden",
	404: "not_found",
	405: "method_not_allowed",
	413: "payload_too_large",
	415: "unsupported_media_type",
	429: "rate_limited",
};

/**
 * The one error model: every error leaves as `{"error": {"code", "message"}}`.
 * Ours (`AppError`) keep their code and headers; an `HTTPException` from
 * Hono's middleware keeps its status; anything else is a 500 that says
 * nothing internal. Only 5xx are logged.
 */
export function renderError(err: Error, c: Context<AppEnv>): Response {
	if (err instanceof AppError) {
		if (err.status >= 500)
			c.var.log.error("request failed", { code: err.code, error: err.message });
		return c.json(errorBody(err.code, err.message), err.status, err.headers);
	}
	if (err instanceof HTTPException && err.status < 500) {
		const code = HTTP_CODES[err.status] ?? "request_refused";
		return c.json(errorBody(code, err.message || "The request was refused."), err.status);
	}
	c.var.log.error("unhandled error", { path: c.req.path, ...describeError(err) });
	return c.json(errorBody("internal_error", "Something went wrong on our side."), 500);
}
