import { setTimeout as sleep } from "node:timers/promises";
import { checkoutSessionRoutes } from "../checkout/routes.ts";
import { type Fault, type FaultInjector, faultError } from "../control/faults.ts";
import { customerRoutes } from "../customers/routes.ts";
import { discountRoutes } from "../discounts/routes.ts";
import { invoiceRoutes } from "../invoices/routes.ts";
import { paymentRoutes } from "../payments/routes.ts";
import { portalRoutes } from "../portal/routes.ts";
import { productRoutes } from "../products/routes.ts";
import { refundRoutes } from "../refunds/routes.ts";
import { setupIntentRoutes } from "../setup/routes.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId } from "../state/ids.ts";
import type { JsonObject } from "../state/json.ts";
import { subscriptionRoutes } from "../subscriptions/routes.ts";
import { webhookEndpointRoutes } from "../webhooks/endpoint-routes.ts";
import { API_VERSION, type RequestSource } from "../webhooks/event-object.ts";
import { eventRoutes } from "../webhooks/event-routes.ts";
import { authenticate } from "./auth.ts";
import { StripeApiError } from "./errors.ts";
import { type HttpAnswer, jsonAnswer } from "./http-io.ts";
import { canonicalJson, checkIdempotency } from "./idempotency.ts";
import { type ParamObject, parseForm } from "./params.ts";
import type { ApiHandler, ApiRoute } from "./types.ts";

/** Every `/v1` endpoint; the server registers each one on Hono. */
export const API_ROUTES: ApiRoute[] = [
	...checkoutSessionRoutes,
	...discountRoutes,
	...paymentRoutes,
	...customerRoutes,
	...setupIntentRoutes,
	...portalRoutes,
	...refundRoutes,
	...productRoutes,
	...subscriptionRoutes,
	...invoiceRoutes,
	...eventRoutes,
	...webhookEndpointRoutes,
];

/** The parts of a `/v1` request the API looks at. */
export type ApiCall = {
	method: string;
	url: URL;
	rawBody: string;
	authorization: string | null;
	idempotencyKey: string | null;
	stripeVersion: string | null;
	contentType: string | null;
	/** The matched endpoint and its path parameters; null when no route matched. */
	endpoint: Endpoint<ApiHandler> | null;
};

/** A route's handler with the path parameters Hono matched. */
export type Endpoint<H> = { handler: H; pathParams: Record<string, string> };

/** Answers one `/v1` request: auth, faults, idempotency, the endpoint, and the request log. */
export async function handleApi(
	ctx: EmulatorContext,
	faults: FaultInjector,
	call: ApiCall,
): Promise<HttpAnswer> {
	const requestId = newId("req", 14);
	const idempotencyKey = call.method === "POST" ? call.idempotencyKey : null;
	const headers: Record<string, string> = {
		"request-id": requestId,
		"stripe-version": call.stripeVersion ?? API_VERSION,
	};
	if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
	const query = parseForm(call.url.search.slice(1));
	let params: ParamObject = query;
	let answer: HttpAnswer;
	try {
		params = requestParams(call, query);
		answer = await run(ctx, faults, call, params, { id: requestId, idempotencyKey }, headers);
	} catch (error) {
		answer = jsonAnswer(errorStatus(error), errorBody(error, ctx), headers);
	}
	ctx.state.requests.push({
		method: call.method,
		path: call.url.pathname,
		query,
		params,
		idempotencyKey,
		stripeVersion: call.stripeVersion,
		status: answer.status,
		requestId,
		at: new Date().toISOString(),
	});
	ctx.log(`${call.method} ${call.url.pathname} ${answer.status} [${requestId}]`);
	return answer;
}

async function run(
	ctx: EmulatorContext,
	faults: FaultInjector,
	call: ApiCall,
	params: ParamObject,
	source: RequestSource,
	headers: Record<string, string>,
): Promise<HttpAnswer> {
	authenticate(call.authorization);
	const fault = faults.take(`${call.method} ${call.url.pathname}${call.url.search}`, call.rawBody);
	const key = source.idempotencyKey;
	const path = call.url.pathname;
	if (key) {
		const decision = checkIdempotency(ctx.state, key, call.method, path, params, ctx.clock.now());
		if (decision.kind === "replay") {
			await applyFault(faults, fault, "before");
			const { record } = decision;
			return {
				status: record.status,
				headers: {
					...headers,
					"content-type": "application/json; charset=utf-8",
					"idempotent-replayed": "true",
					"original-request": record.requestId,
				},
				body: record.body,
			};
		}
		ctx.state.idempotencyInFlight.add(key);
	}
	try {
		await applyFault(faults, fault, "before");
		const answer = execute(ctx, call, params, source, headers);
		// Validation errors mean the endpoint never ran, so Stripe keeps nothing for the key.
		if (key && !answer.validationError) {
			ctx.state.idempotency.set(key, {
				method: call.method,
				path,
				paramsKey: canonicalJson(params),
				status: answer.http.status,
				body: answer.http.body,
				requestId: source.id ?? "",
				created: ctx.clock.now(),
			});
		}
		await applyFault(faults, fault, "after");
		return answer.http;
	} finally {
		if (key) ctx.state.idempotencyInFlight.delete(key);
	}
}

function execute(
	ctx: EmulatorContext,
	call: ApiCall,
	params: ParamObject,
	source: RequestSource,
	headers: Record<string, string>,
): { http: HttpAnswer; validationError: boolean } {
	const { endpoint } = call;
	try {
		if (!endpoint) throw unrecognized(call.method, call.url.pathname);
		const body = endpoint.handler({ ctx, params, pathParams: endpoint.pathParams, source });
		return { http: jsonAnswer(200, body, headers), validationError: false };
	} catch (error) {
		if (!(error instanceof StripeApiError)) throw error;
		const validationError = error.details.validation === true || !endpoint;
		return { http: jsonAnswer(error.status, error.toJson(), headers), validationError };
	}
}

async function applyFault(
	faults: FaultInjector,
	fault: Fault | null,
	phase: "before" | "after",
): Promise<void> {
	if (!fault || fault.phase !== phase) return;
	if (fault.hold) await faults.wait(fault.id);
	if (fault.delayMs > 0) await sleep(fault.delayMs);
	if (fault.status !== null) throw faultError(fault);
}

function requestParams(call: ApiCall, query: ParamObject): ParamObject {
	if (call.method !== "POST" && call.method !== "DELETE") return query;
	const type = call.contentType?.split(";")[0]?.trim().toLowerCase();
	if (call.rawBody !== "" && type && type !== "application/x-www-form-urlencoded") {
		throw new StripeApiError(
			400,
			"invalid_request_error",
			`Invalid request: the API takes application/x-www-form-urlencoded bodies, not ${type}.`,
		);
	}
	return { ...query, ...parseForm(call.rawBody) };
}

function unrecognized(method: string, path: string): StripeApiError {
	return new StripeApiError(
		404,
		"invalid_request_error",
		`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
	);
}

function errorStatus(error: unknown): number {
	return error instanceof StripeApiError ? error.status : 500;
}

function errorBody(error: unknown, ctx: EmulatorContext): JsonObject {
	if (error instanceof StripeApiError) return error.toJson();
	ctx.log(
		`emulator bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
	);
	return {
		error: { type: "api_error", message: "An unknown error occurred in the Stripe emulator." },
	};
}
