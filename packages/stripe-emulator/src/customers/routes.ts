import { resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { createdFilter, newestFirst, paginate, renderList } from "../api/pagination.ts";
import { optionalEnumParam, optionalString, rejectUnknown } from "../api/params.ts";
import { type ApiRequest, type ApiRoute, pathId } from "../api/types.ts";
import { renderPaymentMethod } from "../payments/payment-method-object.ts";
import { type PaymentMethodRecord, patch } from "../state/store.ts";
import { renderCustomer } from "./customer-object.ts";
import { createCustomerRecord, customerChange } from "./customer-params.ts";
import {
	changeCustomer,
	customerPaymentMethods,
	detachPaymentMethod,
	findCustomer,
} from "./wallet.ts";

function findPaymentMethod(request: ApiRequest): PaymentMethodRecord {
	const id = pathId(request);
	const method = request.ctx.state.paymentMethods.get(id);
	if (!method) throw resourceMissing("payment_method", id);
	return method;
}

const PAYMENT_METHOD_TYPES = ["card", "sepa_debit", "us_bank_account"] as const;
const REDISPLAY = ["always", "limited", "unspecified"] as const;

/** `/v1/customers` and `/v1/payment_methods` endpoints. */
export const customerRoutes: ApiRoute[] = [
	{
		method: "POST",
		pattern: "/v1/customers",
		handler: ({ ctx, params, source }) => {
			const customer = createCustomerRecord(params, ctx.clock.now());
			ctx.state.customers.set(customer.id, customer);
			const object = renderCustomer(customer);
			ctx.emit("customer.created", object, source);
			return applyExpand(ctx, object, params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/customers",
		handler: ({ ctx, params }) => {
			const email = optionalString(params.email, "email");
			const inRange = createdFilter(params.created);
			const matching = newestFirst(ctx.state.customers).filter(
				(customer) => (!email || customer.email === email) && inRange(customer.created),
			);
			const page = paginate(matching, params);
			const list = renderList(page.items.map(renderCustomer), "/v1/customers", page.hasMore);
			return applyExpand(ctx, list, params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/customers/:id",
		handler: (request) => {
			const customer = findCustomer(request.ctx.state, pathId(request));
			return applyExpand(request.ctx, renderCustomer(customer), request.params);
		},
	},
	{
		method: "POST",
		pattern: "/v1/customers/:id",
		handler: (request) => {
			const { ctx, params, source } = request;
			const customer = findCustomer(ctx.state, pathId(request));
			const change = customerChange(ctx.state, customer, params);
			changeCustomer(ctx, customer, (c) => patch(c, change), source);
			return applyExpand(ctx, renderCustomer(customer), params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/customers/:id/payment_methods",
		handler: (request) => {
			const { ctx, params } = request;
			rejectUnknown(params, [
				"type",
				"allow_redisplay",
				"limit",
				"starting_after",
				"ending_before",
				"expand",
			]);
			const customer = findCustomer(ctx.state, pathId(request), "customer");
			const type = optionalEnumParam(params.type, "type", PAYMENT_METHOD_TYPES);
			const redisplay = optionalEnumParam(params.allow_redisplay, "allow_redisplay", REDISPLAY);
			const matching = customerPaymentMethods(ctx.state, customer.id).filter(
				(method) =>
					(!type || method.type === type) &&
					(!redisplay || (method.allowRedisplay ?? "unspecified") === redisplay),
			);
			const page = paginate(matching, params);
			const url = `/v1/customers/${customer.id}/payment_methods`;
			return applyExpand(
				ctx,
				renderList(page.items.map(renderPaymentMethod), url, page.hasMore),
				params,
			);
		},
	},
	{
		method: "GET",
		pattern: "/v1/payment_methods/:id",
		handler: (request) =>
			applyExpand(request.ctx, renderPaymentMethod(findPaymentMethod(request)), request.params),
	},
	{
		method: "POST",
		pattern: "/v1/payment_methods/:id/detach",
		handler: (request) => {
			rejectUnknown(request.params, ["expand"]);
			const method = findPaymentMethod(request);
			detachPaymentMethod(request.ctx, method, request.source);
			return applyExpand(request.ctx, renderPaymentMethod(method), request.params);
		},
	},
];
