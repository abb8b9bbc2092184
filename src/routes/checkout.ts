import type { Context } from "hono";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";
import { appConfig } from "../config.ts";
import type { CheckoutRequest } from "../domain/cart.ts";
import {
	checkoutRequestSchema,
	firstIssue,
	formCheckoutSchema,
	normalizeCart,
} from "../domain/cart.ts";
import type { AppEnv } from "../env.ts";
import { AppError, invalidCart } from "../lib/errors.ts";
import { publicOrigin } from "../lib/public-origin.ts";
import { priceCart } from "../services/catalog.ts";
import type { CheckoutResult } from "../services/checkout.ts";
import { startCheckout } from "../services/checkout.ts";
import type { StoredResponse } from "../services/idempotency.ts";
import { checkIdempotencyKey, requestHash, withIdempotency } from "../services/idempotency.ts";
import { bodyKind, checkoutRateLimit, formsFromOurPages, limitBody } from "./request-guards.ts";

const MAX_BODY_BYTES = 8 * 1024;

export const checkoutRoutes = new Hono<AppEnv>().post(
	"/",
	limitBody(MAX_BODY_BYTES),
	checkoutRateLimit,
	formsFromOurPages,
	async (c) => {
		const kind = bodyKind(c);
		const input = kind === "json" ? await readJson(c) : await readForm(c);
		const d = c.var.deps;
		const { maxOrderAmount } = appConfig(c.env);

		const work = async (): Promise<StoredResponse> => {
			const cart = await priceCart(d.db, input.items, maxOrderAmount);
			const result = await startCheckout(d, {
				cart,
				origin: publicOrigin(c),
				resume: { orderId: input.orderId, token: input.resumeToken },
			});
			return { status: 200, body: result };
		};
		const key = c.req.header("Idempotency-Key");
		const response = key
			? await withIdempotency(
					d.db,
					{
						key: checkIdempotencyKey(key),
						hash: await requestHash({
							items: normalizeCart(input.items),
							orderId: input.orderId ?? null,
							resumeToken: input.resumeToken ?? null,
						}),
						now: d.now(),
						defer: (promise) => c.executionCtx.waitUntil(promise),
					},
					work,
				)
			: await work();
		if (response.status !== 200)
			return c.json(response.body, response.status as ContentfulStatusCode);
		const result = response.body as CheckoutResult;
		if (kind === "form") return c.redirect(result.url, 303);
		return c.json(result);
	},
);

async function readJson(c: Context<AppEnv>): Promise<CheckoutRequest> {
	let body: unknown;
	try {
		body = await c.req.json();
	} catch {
		throw new AppError(400, "invalid_json", "The body is not valid JSON.");
	}
	const parsed = v.safeParse(checkoutRequestSchema, body);
	if (!parsed.success) throw invalidCart(firstIssue(parsed.issues));
	return parsed.output;
}

async function readForm(c: Context<AppEnv>): Promise<CheckoutRequest> {
	const form = await c.req.parseBody();
	const parsed = v.safeParse(formCheckoutSchema, {
		productId: form.productId,
		quantity: form.quantity,
	});
	if (!parsed.success) throw invalidCart(firstIssue(parsed.issues));
	return { items: [parsed.output] };
}
