import { invalidState, resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { createdFilter, newestFirst, paginate, renderList } from "../api/pagination.ts";
import {
	optionalBoolean,
	optionalEnumParam,
	optionalString,
	rejectUnknown,
} from "../api/params.ts";
import { type ApiRequest, type ApiRoute, pathId } from "../api/types.ts";
import type { State, SubscriptionRecord, SubscriptionStatus } from "../state/store.ts";
import { cancelSubscription } from "./billing.ts";
import { renderSubscription } from "./subscription-object.ts";
import { parseCancellationDetails, updateSubscription } from "./update.ts";

const STATUSES = [
	"active",
	"all",
	"canceled",
	"ended",
	"incomplete",
	"incomplete_expired",
	"past_due",
	"paused",
	"trialing",
	"unpaid",
] as const;

/** The subscription with this id, or Stripe's 404. */
export function findSubscription(state: State, id: string, param = "id"): SubscriptionRecord {
	const sub = state.subscriptions.get(id);
	if (!sub) throw resourceMissing("subscription", id, param);
	return sub;
}

function subscriptionOf(request: ApiRequest): SubscriptionRecord {
	return findSubscription(request.ctx.state, pathId(request));
}

// `status` of the list: none = every subscription not ended; `all`; `ended`; or one status.
function statusFilter(status: (typeof STATUSES)[number] | undefined) {
	const ended = (value: SubscriptionStatus) =>
		value === "canceled" || value === "incomplete_expired";
	if (status === undefined) return (value: SubscriptionStatus) => !ended(value);
	if (status === "all") return () => true;
	if (status === "ended") return ended;
	return (value: SubscriptionStatus) => value === status;
}

/** `/v1/subscriptions` (made by subscription-mode Checkout; read, changed, canceled here). */
export const subscriptionRoutes: ApiRoute[] = [
	{
		method: "GET",
		pattern: "/v1/subscriptions",
		handler: ({ ctx, params }) => {
			rejectUnknown(params, [
				"customer",
				"status",
				"price",
				"created",
				"limit",
				"starting_after",
				"ending_before",
				"expand",
				"collection_method",
			]);
			const customer = optionalString(params.customer, "customer");
			const price = optionalString(params.price, "price");
			const matchesStatus = statusFilter(optionalEnumParam(params.status, "status", STATUSES));
			const inRange = createdFilter(params.created);
			const matching = newestFirst(ctx.state.subscriptions).filter(
				(sub) =>
					(!customer || sub.customerId === customer) &&
					(!price || sub.items.some((item) => item.priceId === price)) &&
					matchesStatus(sub.status) &&
					inRange(sub.created),
			);
			const page = paginate(matching, params);
			const data = page.items.map((sub) => renderSubscription(ctx.state, sub));
			return applyExpand(ctx, renderList(data, "/v1/subscriptions", page.hasMore), params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/subscriptions/:id",
		handler: (request) =>
			applyExpand(
				request.ctx,
				renderSubscription(request.ctx.state, subscriptionOf(request)),
				request.params,
			),
	},
	{
		method: "POST",
		pattern: "/v1/subscriptions/:id",
		handler: (request) => {
			const { ctx, params, source } = request;
			const sub = subscriptionOf(request);
			updateSubscription(ctx, sub, params, source);
			return applyExpand(ctx, renderSubscription(ctx.state, sub), params);
		},
	},
	{
		// Cancels now: `customer.subscription.deleted`. Nothing is prorated or invoiced.
		method: "DELETE",
		pattern: "/v1/subscriptions/:id",
		handler: (request) => {
			const { ctx, params, source } = request;
			rejectUnknown(params, ["cancellation_details", "invoice_now", "prorate", "expand"]);
			optionalBoolean(params.invoice_now, "invoice_now");
			optionalBoolean(params.prorate, "prorate");
			const details = parseCancellationDetails(params.cancellation_details);
			const sub = subscriptionOf(request);
			if (sub.status === "canceled") {
				throw invalidState(
					`This subscription has already been canceled (${sub.id}).`,
					"resource_missing",
				);
			}
			// The comment and feedback go with the cancellation's one event.
			sub.cancellationDetails = { ...sub.cancellationDetails, ...details };
			cancelSubscription(ctx, sub, "cancellation_requested", source);
			return applyExpand(ctx, renderSubscription(ctx.state, sub), params);
		},
	},
];
