import type { Endpoint } from "../api/api.ts";
import { StripeApiError } from "../api/errors.ts";
import { type HttpAnswer, jsonAnswer } from "../api/http-io.ts";
import { controlCustomerRoutes } from "../customers/control-routes.ts";
import { controlPaymentRoutes } from "../payments/control-routes.ts";
import type { EmulatorContext } from "../state/context.ts";
import { controlSubscriptionRoutes } from "../subscriptions/control-routes.ts";
import { controlWebhookRoutes } from "../webhooks/control-routes.ts";
import { controlFaultRoutes } from "./fault-routes.ts";
import type { FaultInjector } from "./faults.ts";
import { type ControlInput, parseControlBody } from "./input.ts";
import { controlStateRoutes } from "./state-routes.ts";
import type { ControlHandler, ControlRoute } from "./types.ts";

/** Every `/_emulator` endpoint; the server registers each one on Hono. */
export const CONTROL_ROUTES: ControlRoute[] = [
	...controlStateRoutes,
	...controlWebhookRoutes,
	...controlPaymentRoutes,
	...controlCustomerRoutes,
	...controlSubscriptionRoutes,
	...controlFaultRoutes,
];

/** Answers `/_emulator/*`: JSON in and out, no auth (a local test tool). */
export async function handleControl(
	ctx: EmulatorContext,
	faults: FaultInjector,
	method: string,
	url: URL,
	rawBody: string,
	endpoint: Endpoint<ControlHandler> | null,
): Promise<HttpAnswer> {
	try {
		if (!endpoint) {
			throw new StripeApiError(
				404,
				"invalid_request_error",
				`No control endpoint ${method} ${url.pathname}.`,
			);
		}
		const query: ControlInput = Object.fromEntries(url.searchParams);
		const input = method === "GET" ? query : { ...query, ...parseControlBody(rawBody) };
		const body = await endpoint.handler({ ctx, faults, input, pathParams: endpoint.pathParams });
		return jsonAnswer(200, body);
	} catch (error) {
		if (error instanceof StripeApiError) return jsonAnswer(error.status, error.toJson());
		ctx.log(
			`emulator bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
		);
		return jsonAnswer(500, { error: { type: "api_error", message: "Control API failure." } });
	}
}
