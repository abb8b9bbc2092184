import { resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { newestFirst, paginate, renderList } from "../api/pagination.ts";
import { optionalString } from "../api/params.ts";
import { type ApiRoute, pathId } from "../api/types.ts";
import { chargeSnapshot } from "./charge-object.ts";
import { renderPaymentIntent } from "./payment-intent-object.ts";

/** `/v1/payment_intents` and `/v1/charges` (read-only: Checkout creates them). */
export const paymentRoutes: ApiRoute[] = [
	{
		method: "GET",
		pattern: "/v1/payment_intents/:id",
		handler: (request) => {
			const id = pathId(request);
			const intent = request.ctx.state.paymentIntents.get(id);
			if (!intent) throw resourceMissing("payment_intent", id);
			return applyExpand(request.ctx, renderPaymentIntent(intent), request.params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/charges/:id",
		handler: (request) => {
			const id = pathId(request);
			const charge = request.ctx.state.charges.get(id);
			if (!charge) throw resourceMissing("charge", id);
			return applyExpand(request.ctx, chargeSnapshot(request.ctx, charge), request.params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/charges",
		handler: ({ ctx, params }) => {
			const intentId = optionalString(params.payment_intent, "payment_intent");
			const matching = newestFirst(ctx.state.charges).filter(
				(charge) => !intentId || charge.paymentIntentId === intentId,
			);
			const page = paginate(matching, params);
			const data = page.items.map((charge) => chargeSnapshot(ctx, charge));
			return applyExpand(ctx, renderList(data, "/v1/charges", page.hasMore), params);
		},
	},
];
