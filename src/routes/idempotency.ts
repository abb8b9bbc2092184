import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env.ts";
import { checkIdempotencyKey, requestHash, withIdempotency } from "../services/idempotency.ts";

/**
 * Middleware for the `Idempotency-Key` header (kept 24 h): the same key with
 * the same request replays the first answer and never runs the handler again;
 * the same key with another request is 422; while the first is in flight, 409.
 * 5xx answers are not kept. `request` names what makes two requests the same
 * (the parsed, normalised body; a bad body fails there, before anything is
 * kept); `scope` keeps one route's keys apart from another's.
 */
export function idempotency(options: {
	request: (c: Context<AppEnv>) => Promise<unknown>;
	scope?: (c: Context<AppEnv>) => string;
}): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const header = c.req.header("Idempotency-Key");
		if (header === undefined) return next();
		const key = `${options.scope?.(c) ?? ""}${checkIdempotencyKey(header)}`;
		const d = c.var.deps;
		const answer = await withIdempotency(
			d.db,
			{
				key,
				hash: await requestHash(await options.request(c)),
				now: d.now(),
				defer: d.defer,
			},
			async () => {
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
