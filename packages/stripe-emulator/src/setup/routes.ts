import { resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { type ApiRoute, pathId } from "../api/types.ts";
import { renderSetupIntent } from "./setup-intent-object.ts";

/** `/v1/setup_intents` (read-only: Checkout's setup mode makes them). */
export const setupIntentRoutes: ApiRoute[] = [
	{
		method: "GET",
		pattern: "/v1/setup_intents/:id",
		handler: (request) => {
			const id = pathId(request);
			const intent = request.ctx.state.setupIntents.get(id);
			if (!intent) throw resourceMissing("setup_intent", id);
			return applyExpand(request.ctx, renderSetupIntent(intent), request.params);
		},
	},
];
