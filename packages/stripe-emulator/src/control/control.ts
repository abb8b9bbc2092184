import { StripeApiError } from "../api/errors.ts";
import { type HttpAnswer, jsonAnswer } from "../api/http-io.ts";
import { matchRoute } from "../api/router.ts";
import { controlPaymentRoutes } from "../payments/control-routes.ts";
import type { EmulatorContext } from "../state/context.ts";
import { controlWebhookRoutes } from "../webhooks/control-routes.ts";
import { controlFaultRoutes } from "./fault-routes.ts";
import type { FaultInjector } from "./faults.ts";
import { type ControlInput, parseControlBody } from "./input.ts";
import { controlStateRoutes } from "./state-routes.ts";
import type { ControlRoute } from "./types.ts";

const ROUTES: ControlRoute[] = [
	...controlStateRoutes,
	...controlWebhookRoutes,
	...controlPaymentRoutes,
	...controlFaultRoutes,
];

/** Answers `/_emulator/*`: JSON in and out, no auth (a local test tool). */
export async function handleControl(
	ctx: EmulatorContext,
	faults: FaultInjector,
	method: string,
	url: URL,
	rawBody: string,
): Promise<HttpAnswer> {
	try {
		const match = matchRoute(ROUTES, method, url.pathname);
		if (match.kind === "not_found") {
			throw new StripeApiError(
				404,
				"invalid_request_error",
				`No control endpoint ${method} ${url.pathname}.`,
			);
		}
		const query: ControlInput = Object.fromEntries(url.searchParams);
		const input = method === "GET" ? query : { ...query, ...parseControlBody(rawBody) };
		const body = await match.handler({ ctx, faults, input, pathParams: match.params });
		return jsonAnswer(200, body);
	} catch (error) {
		if (error instanceof StripeApiError) return jsonAnswer(error.status, error.toJson());
		ctx.log(
			`emulator bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
		);
		return jsonAnswer(500, { error: { type: "api_error", message: "Control API failure." } });
	}
}
