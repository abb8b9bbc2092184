import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { clientKey } from "../lib/client-key.ts";
import { AppError } from "../lib/errors.ts";
import type { AppEnv } from "./app-env.ts";
import { publicOrigin } from "./public-origin.ts";

/** 413 with our error model when a body is over `maxSize` bytes. */
export const limitBody = (maxSize: number): MiddlewareHandler<AppEnv> =>
	bodyLimit({
		maxSize,
		onError: () => {
			throw new AppError("payload_too_large", `The request body is over ${maxSize} bytes.`);
		},
	});

export type BodyKind = "json" | "form";

/** The body's kind from its Content-Type, or 415. */
/** The request's media type, lowercase, without parameters ("" when there is none). */
function mediaType<E extends AppEnv>(c: Context<E>): string {
	return (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

export function bodyKind<E extends AppEnv>(c: Context<E>): BodyKind {
	const type = mediaType(c);
	if (type === "application/json") return "json";
	if (type === "application/x-www-form-urlencoded") return "form";
	throw new AppError(
		"unsupported_media_type",
		"Send application/json or application/x-www-form-urlencoded.",
	);
}

/**
 * A form post must come from one of our pages: its Origin (or, lacking it, its
 * Referer) must be our origin. Browsers cannot send cross-origin JSON without
 * CORS, which we never grant, so JSON needs no such check.
 */
export function assertSameOrigin<E extends AppEnv>(c: Context<E>): void {
	const ours = publicOrigin(c);
	const origin = c.req.header("Origin");
	const referer = c.req.header("Referer");
	// An opaque origin ("null", from a sandboxed frame) is never ours, whatever the Referer says.
	let from: string | null = origin ?? null;
	if (!origin && referer && URL.canParse(referer)) from = new URL(referer).origin;
	if (from !== ours) {
		throw new AppError(
			"forbidden_origin",
			"Form posts are accepted from this shop's own pages only.",
		);
	}
}

/** Middleware: a form post must come from our own pages (JSON needs no such check, see above). */
export const formsFromOurPages: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (mediaType(c) === "application/x-www-form-urlencoded") assertSameOrigin(c);
	await next();
};

/** Per-client limit on checkout creation (Workers Rate Limiting binding, keyed by IPv4 address or IPv6 /64). */
export const checkoutRateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (c.var.config.app.rateLimitOn) {
		const key = clientKey(c.req.header("CF-Connecting-IP"));
		const { success } = await c.env.CHECKOUT_LIMITER.limit({ key });
		if (!success) {
			throw new AppError(
				"rate_limited",
				"Too many checkout attempts. Please wait a minute.",
				{},
				60,
			);
		}
	}
	await next();
};
