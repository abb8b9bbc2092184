import type { EmulatorContext } from "./context.ts";
import { type ControlInput, parseControlBody } from "./control-input.ts";
import type { ControlRoute } from "./control-types.ts";
import { StripeApiError } from "./errors.ts";
import type { FaultInjector } from "./faults.ts";
import { type HttpAnswer, jsonAnswer } from "./http-io.ts";
import { matchRoute } from "./router.ts";
import { controlFaultRoutes } from "./routes/control-faults.ts";
import { controlPaymentRoutes } from "./routes/control-payments.ts";
import { controlStateRoutes } from "./routes/control-state.ts";
import { controlWebhookRoutes } from "./routes/control-webhooks.ts";

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
