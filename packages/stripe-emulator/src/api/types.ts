import type { EmulatorContext } from "../state/context.ts";
import type { JsonObject } from "../state/json.ts";
import type { RequestSource } from "../webhooks/event-object.ts";
import type { ParamObject } from "./params.ts";

/** A route such as `GET /v1/checkout/sessions/:id`; the server registers it on Hono. */
export type Route<H> = { method: string; pattern: string; handler: H };

/** What a `/v1` handler gets: parsed params (body for POST, query otherwise) and path ids. */
export type ApiRequest = {
	ctx: EmulatorContext;
	params: ParamObject;
	pathParams: Record<string, string>;
	source: RequestSource;
};

/** Returns the 200 body or throws a `StripeApiError`. */
export type ApiHandler = (request: ApiRequest) => JsonObject;

export type ApiRoute = Route<ApiHandler>;

/** A path parameter the route pattern guarantees. */
export function pathId(request: ApiRequest, name = "id"): string {
	return request.pathParams[name] ?? "";
}
