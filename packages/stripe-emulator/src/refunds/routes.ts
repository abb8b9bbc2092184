import { resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { createdFilter, newestFirst, paginate, renderList } from "../api/pagination.ts";
import { optionalString } from "../api/params.ts";
import { type ApiRoute, pathId } from "../api/types.ts";
import { renderRefund } from "./refund-object.ts";
import { createRefund } from "./refunds.ts";

/** `/v1/refunds` endpoints. */
export const refundRoutes: ApiRoute[] = [
	{
		method: "POST",
		pattern: "/v1/refunds",
		handler: ({ ctx, params, source }) =>
			applyExpand(ctx, renderRefund(createRefund(ctx, params, source)), params),
	},
	{
		method: "GET",
		pattern: "/v1/refunds/:id",
		handler: (request) => {
			const id = pathId(request);
			const refund = request.ctx.state.refunds.get(id);
			if (!refund) throw resourceMissing("refund", id);
			return applyExpand(request.ctx, renderRefund(refund), request.params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/refunds",
		handler: ({ ctx, params }) => {
			const intentId = optionalString(params.payment_intent, "payment_intent");
			const chargeId = optionalString(params.charge, "charge");
			const inRange = createdFilter(params.created);
			const matching = newestFirst(ctx.state.refunds).filter(
				(refund) =>
					(!intentId || refund.paymentIntentId === intentId) &&
					(!chargeId || refund.chargeId === chargeId) &&
					inRange(refund.created),
			);
			const page = paginate(matching, params);
			return applyExpand(
				ctx,
				renderList(page.items.map(renderRefund), "/v1/refunds", page.hasMore),
				params,
			);
		},
	},
];
