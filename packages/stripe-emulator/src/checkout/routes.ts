import { resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { createdFilter, newestFirst, paginate, renderList } from "../api/pagination.ts";
import { optionalString } from "../api/params.ts";
import { type ApiRequest, type ApiRoute, pathId } from "../api/types.ts";
import { recordSessionCatalog } from "../products/catalog.ts";
import type { SessionRecord } from "../state/store.ts";
import { renderLineItems } from "./line-item-object.ts";
import { createSessionRecord } from "./session-create.ts";
import { expireSession } from "./session-expiry.ts";
import { renderSession } from "./session-object.ts";
import { renderShippingRate } from "./shipping-rate-object.ts";

function findSession(request: ApiRequest): SessionRecord {
	const id = pathId(request);
	const session = request.ctx.state.sessions.get(id);
	if (!session) throw resourceMissing("checkout.session", id);
	return session;
}

/** `/v1/checkout/sessions` endpoints. */
export const checkoutSessionRoutes: ApiRoute[] = [
	{
		method: "POST",
		pattern: "/v1/checkout/sessions",
		handler: (request) => {
			const { ctx, params } = request;
			const session = createSessionRecord(ctx.state, params, ctx.clock.now(), ctx.origin);
			ctx.state.sessions.set(session.id, session);
			for (const rate of session.shippingRates) ctx.state.shippingRates.set(rate.id, rate);
			recordSessionCatalog(ctx, session);
			return applyExpand(ctx, renderSession(session), params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/checkout/sessions",
		handler: ({ ctx, params }) => {
			const intentId = optionalString(params.payment_intent, "payment_intent");
			const status = optionalString(params.status, "status");
			const customer = optionalString(params.customer, "customer");
			const subscription = optionalString(params.subscription, "subscription");
			const inRange = createdFilter(params.created);
			const matching = newestFirst(ctx.state.sessions).filter(
				(session) =>
					(!intentId || session.paymentIntentId === intentId) &&
					(!status || session.status === status) &&
					(!customer || session.customerId === customer) &&
					(!subscription || session.subscriptionId === subscription) &&
					inRange(session.created),
			);
			const page = paginate(matching, params);
			const list = renderList(page.items.map(renderSession), "/v1/checkout/sessions", page.hasMore);
			return applyExpand(ctx, list, params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/checkout/sessions/:id",
		handler: (request) =>
			applyExpand(request.ctx, renderSession(findSession(request)), request.params),
	},
	{
		method: "GET",
		pattern: "/v1/checkout/sessions/:id/line_items",
		handler: (request) => {
			const session = findSession(request);
			const page = paginate(session.lineItems, request.params);
			const url = `/v1/checkout/sessions/${session.id}/line_items`;
			const items = renderLineItems(session, page.items);
			return applyExpand(request.ctx, renderList(items, url, page.hasMore), request.params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/shipping_rates/:id",
		handler: (request) => {
			const id = pathId(request);
			const rate = request.ctx.state.shippingRates.get(id);
			if (!rate) throw resourceMissing("shipping_rate", id);
			return applyExpand(request.ctx, renderShippingRate(rate), request.params);
		},
	},
	{
		method: "POST",
		pattern: "/v1/checkout/sessions/:id/expire",
		handler: (request) => {
			const session = findSession(request);
			expireSession(request.ctx, session, request.source);
			return applyExpand(request.ctx, renderSession(session), request.params);
		},
	},
];
