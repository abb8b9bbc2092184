import { resourceMissing } from "../api/errors.ts";
import { badInput, inputEnum, inputString } from "../control/input.ts";
import type { ControlRoute } from "../control/types.ts";
import { renderCustomer } from "../customers/customer-object.ts";
import { customerPaymentMethods, findCustomer } from "../customers/wallet.ts";
import { renderInvoice, renderInvoicePayments } from "../invoices/invoice-object.ts";
import { renderPaymentIntent } from "../payments/payment-intent-object.ts";
import { renderPaymentMethod } from "../payments/payment-method-object.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { JsonObject } from "../state/json.ts";
import type { InvoiceRecord, SubscriptionRecord } from "../state/store.ts";
import { advanceSubscription, type CycleResult, retryInvoice, retrySubscription } from "./cycle.ts";
import { renderSubscription } from "./subscription-object.ts";

function findSubscription(ctx: EmulatorContext, id: string): SubscriptionRecord {
	const sub = ctx.state.subscriptions.get(id);
	if (!sub) throw resourceMissing("subscription", id);
	return sub;
}

/** An invoice with its `payments` (as `expand[]=payments` shows them). */
export function invoiceWithPayments(invoice: InvoiceRecord): JsonObject {
	return { ...renderInvoice(invoice), payments: renderInvoicePayments(invoice) };
}

/**
 * What an advance or retry answers: what it did, the objects as they are now, and the events
 * it emitted (ids and types, oldest first), to wait for with `drain`.
 */
function cycleAnswer(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	result: CycleResult,
	firstEvent: number,
) {
	const intentId = result.invoice?.paymentIntentId;
	const intent = intentId ? ctx.state.paymentIntents.get(intentId) : undefined;
	return {
		outcome: result.outcome,
		error: result.error,
		subscription: renderSubscription(ctx.state, sub),
		invoice: result.invoice ? invoiceWithPayments(result.invoice) : null,
		paymentIntent: intent ? renderPaymentIntent(intent) : null,
		events: [...ctx.state.events.values()]
			.slice(firstEvent)
			.map((event) => ({ id: event.id ?? null, type: event.type ?? null })),
	};
}

/** Subscriptions' clocks and retries, declining cards, and the retry setting, for tests. */
export const controlSubscriptionRoutes: ControlRoute[] = [
	{
		method: "GET",
		pattern: "/_emulator/subscriptions",
		handler: ({ ctx, input }) => {
			const customer = inputString(input, "customer");
			const subs = [...ctx.state.subscriptions.values()]
				.filter((sub) => !customer || sub.customerId === customer)
				.reverse();
			return { data: subs.map((sub) => renderSubscription(ctx.state, sub)) };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/subscriptions/:id/advance",
		handler: ({ ctx, pathParams }) => {
			const sub = findSubscription(ctx, pathParams.id ?? "");
			const first = ctx.state.events.size;
			return cycleAnswer(ctx, sub, advanceSubscription(ctx, sub), first);
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/subscriptions/:id/retry",
		handler: ({ ctx, pathParams }) => {
			const sub = findSubscription(ctx, pathParams.id ?? "");
			const first = ctx.state.events.size;
			return cycleAnswer(ctx, sub, retrySubscription(ctx, sub), first);
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/invoices/:id/retry",
		handler: ({ ctx, pathParams }) => {
			const id = pathParams.id ?? "";
			const invoice = ctx.state.invoices.get(id);
			if (!invoice) throw resourceMissing("invoice", id);
			const sub = findSubscription(ctx, invoice.subscriptionId);
			const first = ctx.state.events.size;
			return cycleAnswer(ctx, sub, retryInvoice(ctx, sub, invoice), first);
		},
	},
	{
		// The Customer's cards attached now decline (`on: true`) or pay again (`on: false`);
		// a card added later pays as its number does.
		method: "POST",
		pattern: "/_emulator/customers/:id/decline",
		handler: ({ ctx, input, pathParams }) => {
			const customer = findCustomer(ctx.state, pathParams.id ?? "");
			if (typeof input.on !== "boolean") throw badInput("on must be true or false.", "on");
			const methods = customerPaymentMethods(ctx.state, customer.id);
			for (const method of methods) method.declining = input.on;
			return {
				customer: renderCustomer(customer),
				declining: methods.filter((method) => method.declining).map((method) => method.id),
				paymentMethods: methods.map(renderPaymentMethod),
			};
		},
	},
	{
		method: "GET",
		pattern: "/_emulator/billing",
		handler: ({ ctx }) => ({ afterRetries: ctx.billing.afterRetries }),
	},
	{
		// What happens to a subscription when its invoice's 4th attempt fails.
		method: "POST",
		pattern: "/_emulator/billing",
		handler: ({ ctx, input }) => {
			const afterRetries = inputEnum(input, "afterRetries", ["cancel", "unpaid"] as const);
			if (afterRetries) ctx.billing.afterRetries = afterRetries;
			return { afterRetries: ctx.billing.afterRetries };
		},
	},
];
