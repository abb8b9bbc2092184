import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, errorBody } from "../lib/errors.ts";
import { describeError } from "../lib/log.ts";
import { errorPage } from "../pages/serve.ts";
import type { AppEnv } from "./app-env.ts";
import { errorHeaders, statusOf } from "./error-status.ts";

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
 * Ours (`AppError`) keep their code, with the status and headers the edge gives it (error-status.ts); an `HTTPException` from
 * Hono's middleware keeps its status; anything else is a 500 that says
 * nothing internal. Only 5xx are logged.
 */
export async function renderError(err: Error, c: Context<AppEnv>): Promise<Response> {
	if (err instanceof AppError) {
		const status = statusOf(err);
		const headers = errorHeaders(err);
		if (!err.refusal) c.var.log.error("request failed", { code: err.code, error: err.message });
		if (fromBrowserForm(c)) {
			const page = await errorPage(c, status, err.code);
			for (const [name, value] of Object.entries(headers)) page.headers.set(name, value);
			return page;
		}
		return c.json(errorBody(err.code, err.message, err.details), status, headers);
	}
	if (err instanceof HTTPException && err.status < 500) {
		const code = HTTP_CODES[err.status] ?? "request_refused";
		return c.json(errorBody(code, err.message || "The request was refused."), err.status);
	}
	c.var.log.error("unhandled error", { path: c.req.path, ...describeError(err) });
	return c.json(errorBody("internal_error", "Something went wrong on our side."), 500);
}

/**
 * A shopper's form post ("Buy now", "Resume payment") from a browser, which would
 * otherwise show a JSON body: it asks for HTML and sends a form. JSON clients keep JSON.
 */
function fromBrowserForm(c: Context<AppEnv>): boolean {
	const type = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
	return (
		c.req.method === "POST" &&
		type === "application/x-www-form-urlencoded" &&
		(c.req.header("Accept") ?? "").includes("text/html")
	);
}
