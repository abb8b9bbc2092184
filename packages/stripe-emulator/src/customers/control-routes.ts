import { controlCardInput, parseExpiry } from "../checkout/card-form.ts";
import { setupOutcome } from "../checkout/cards.ts";
import { badInput, inputEnum, inputString } from "../control/input.ts";
import type { ControlRoute } from "../control/types.ts";
import { renderPaymentMethod } from "../payments/payment-method-object.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import { renderCustomer } from "./customer-object.ts";
import {
	attachPaymentMethod,
	customerPaymentMethods,
	findCustomer,
	newCardPaymentMethod,
	setDefaultPaymentMethod,
} from "./wallet.ts";

/** Customers and their saved cards, for tests. */
export const controlCustomerRoutes: ControlRoute[] = [
	{
		method: "GET",
		pattern: "/_emulator/customers",
		handler: ({ ctx, input }) => {
			const email = inputString(input, "email");
			const customers = [...ctx.state.customers.values()].filter(
				(customer) => !email || customer.email === email,
			);
			return {
				data: customers.map((customer) => ({
					customer: renderCustomer(customer),
					paymentMethods: customerPaymentMethods(ctx.state, customer.id).map(renderPaymentMethod),
				})),
			};
		},
	},
	{
		// A saved card without a browser, as a setup would save it (`payment_method.attached`;
		// `customer.updated` when it becomes the default).
		method: "POST",
		pattern: "/_emulator/customers/:id/cards",
		handler: ({ ctx, input, pathParams }) => {
			const customer = findCustomer(ctx.state, pathParams.id ?? "");
			const card = controlCardInput(
				inputString(input, "card"),
				customer.email ?? "",
				new Date(ctx.clock.now() * 1000),
			);
			if (card.method !== "card") throw badInput("card must be a card number.", "card");
			const expiryText = inputString(input, "expiry");
			const expiry = expiryText === undefined ? null : parseExpiry(expiryText);
			if (expiryText !== undefined && !expiry) {
				throw badInput("expiry must look like MM/YY.", "expiry");
			}
			const outcome = setupOutcome(card.card);
			if (outcome.kind === "decline") {
				throw badInput(`This card cannot be saved: ${outcome.message}`, "card");
			}
			const allowRedisplay =
				inputEnum(input, "allowRedisplay", ["always", "limited", "unspecified"] as const) ??
				"always";
			const method = newCardPaymentMethod(ctx, {
				number: card.card,
				expMonth: expiry?.month ?? card.expMonth,
				expYear: expiry?.year ?? card.expYear,
				email: customer.email,
			});
			attachPaymentMethod(ctx, method, customer, allowRedisplay, NO_REQUEST);
			if (input.default === true) setDefaultPaymentMethod(ctx, customer, method.id, NO_REQUEST);
			return { paymentMethod: renderPaymentMethod(method), customer: renderCustomer(customer) };
		},
	},
];
