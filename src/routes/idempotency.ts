import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
	checkIdempotencyKey,
	type KeepWith,
	requestHash,
	withIdempotency,
} from "../services/idempotency.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * The route's request, read and validated once (`parsedInput`) for the
 * middlewares and the handler; with an Idempotency-Key, `keepAnswer` lets the
 * handler commit its answer for replay with its own last write.
 */
export type WithInput<T> = AppEnv & { Variables: { input: T; keepAnswer?: KeepWith } };

/**
 * Reads the request (its body, validated) once: the idempotency check and the
 * handler after it share `c.var.input`. A bad request fails here, before
 * anything is kept or written.
 */
export function parsedInput<T>(
	read: (c: Context<AppEnv>) => Promise<T>,
): MiddlewareHandler<WithInput<T>> {
	return async (c, next) => {
		c.set("input", await read(c as unknown as Context<AppEnv>));
		await next();
	};
}

/**
 * Middleware for the `Idempotency-Key` header (kept 24 h): the same key with
 * the same request replays the first answer and never runs the handler again;
 * the same key with another request is 422; while the first is in flight, 409.
 * 5xx answers are not kept. `request` names what makes two requests the same
 * (from the input `parsedInput` read, normalised); `scope` keeps one route's
 * keys apart from another's.
 */
export function idempotency<T>(options: {
	request: (input: T, c: Context<WithInput<T>>) => unknown;
	scope?: (c: Context<WithInput<T>>) => string;
}): MiddlewareHandler<WithInput<T>> {
	return async (c, next) => {
		const header = c.req.header("Idempotency-Key");
		if (header === undefined) return next();
		const key = `${options.scope?.(c) ?? ""}${checkIdempotencyKey(header)}`;
		const d = c.var.deps;
		const answer = await withIdempotency(
			d.db,
			{
				key,
				hash: await requestHash(options.request(c.var.input, c)),
				now: d.now(),
				defer: d.defer,
			},
			async (keepWith) => {
				c.set("keepAnswer", keepWith);
				await next();
				const location = c.res.headers.get("Location");
				return location && c.res.status === 303
					? { status: 303, body: { location } }
					: { status: c.res.status, body: await c.res.clone().json() };
			},
		);
		if (!answer.replayed) return;
		const body = answer.body as { location?: string };
		if (answer.status === 303 && body.location) return c.redirect(body.location, 303);
		return c.json(answer.body, answer.status as ContentfulStatusCode);
	};
}
