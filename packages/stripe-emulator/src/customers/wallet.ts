import { invalidState, resourceMissing } from "../api/errors.ts";
import { cardOutcome } from "../checkout/cards.ts";
import { renderPaymentMethod } from "../payments/payment-method-object.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId } from "../state/ids.ts";
import type { AllowRedisplay, CustomerRecord, PaymentMethodRecord, State } from "../state/store.ts";
import type { RequestSource } from "../webhooks/event-object.ts";
import { previousAttributes, renderCustomer } from "./customer-object.ts";

/*
 * A Customer's saved payment methods: attaching, detaching, the default, and the changes to
 * the Customer they bring, each with Stripe's event. The API, Checkout (the save box, setup
 * mode) and the Billing Portal all go through here.
 */

/** The Customer with this id, or Stripe's 404 naming `param`. */
export function findCustomer(state: State, id: string, param = "id"): CustomerRecord {
	const customer = state.customers.get(id);
	if (!customer) throw resourceMissing("customer", id, param);
	return customer;
}

/** A new card payment method from a test card number (kept in state, never rendered). */
export function newCardPaymentMethod(
	ctx: EmulatorContext,
	card: { number: string; expMonth: number; expYear: number; email: string | null },
): PaymentMethodRecord {
	const outcome = cardOutcome(card.number);
	// A declining test card is a Visa credit card, as Stripe's are.
	const { brand, funding } =
		outcome.kind === "success" ? outcome : { brand: "visa", funding: "credit" };
	const method: PaymentMethodRecord = {
		id: newId("pm"),
		created: ctx.clock.now(),
		type: "card",
		email: card.email,
		card: {
			brand,
			last4: outcome.last4,
			expMonth: card.expMonth,
			expYear: card.expYear,
			funding,
		},
		customerId: null,
		allowRedisplay: "unspecified",
		cardNumber: card.number,
	};
	ctx.state.paymentMethods.set(method.id, method);
	return method;
}

/**
 * Changes a Customer and, when anything shows, emits `customer.updated` with the old values
 * in `previous_attributes`. Answers whether anything changed.
 */
export function changeCustomer(
	ctx: EmulatorContext,
	customer: CustomerRecord,
	change: (customer: CustomerRecord) => void,
	source: RequestSource,
): boolean {
	const before = renderCustomer(customer);
	change(customer);
	const after = renderCustomer(customer);
	const previous = previousAttributes(before, after);
	if (!previous) return false;
	ctx.emit("customer.updated", after, source, previous);
	return true;
}

/** Attaches a payment method to a Customer (`payment_method.attached`). */
export function attachPaymentMethod(
	ctx: EmulatorContext,
	method: PaymentMethodRecord,
	customer: CustomerRecord,
	allowRedisplay: AllowRedisplay,
	source: RequestSource,
): void {
	method.customerId = customer.id;
	method.allowRedisplay = allowRedisplay;
	ctx.emit("payment_method.attached", renderPaymentMethod(method), source);
}

/**
 * Detaches a payment method (`payment_method.detached`); when it was its Customer's default,
 * the default is cleared (`customer.updated`), as Stripe does.
 */
export function detachPaymentMethod(
	ctx: EmulatorContext,
	method: PaymentMethodRecord,
	source: RequestSource,
): void {
	const customerId = method.customerId ?? null;
	if (!customerId) {
		throw invalidState(
			"The payment method you provided is not attached to a customer so detachment is impossible.",
			"payment_method_unexpected_state",
		);
	}
	method.customerId = null;
	ctx.emit("payment_method.detached", renderPaymentMethod(method), source, {
		customer: customerId,
	});
	const customer = ctx.state.customers.get(customerId);
	if (customer?.defaultPaymentMethodId === method.id) {
		changeCustomer(
			ctx,
			customer,
			(c) => {
				c.defaultPaymentMethodId = null;
			},
			source,
		);
	}
}

/** Makes an attached payment method its Customer's default (`customer.updated`). */
export function setDefaultPaymentMethod(
	ctx: EmulatorContext,
	customer: CustomerRecord,
	methodId: string,
	source: RequestSource,
): void {
	changeCustomer(
		ctx,
		customer,
		(c) => {
			c.defaultPaymentMethodId = methodId;
		},
		source,
	);
}

/** The payment methods attached to a Customer, newest first. */
export function customerPaymentMethods(state: State, customerId: string): PaymentMethodRecord[] {
	return [...state.paymentMethods.values()]
		.filter((method) => method.customerId === customerId)
		.reverse();
}

/**
 * A Customer's cards as a page lists them: the default first, then the newest first.
 * `allowRedisplay` filters them (Checkout: `always` unless the session says otherwise).
 */
export function customerCards(
	state: State,
	customer: CustomerRecord,
	allowRedisplay: readonly AllowRedisplay[] | null = null,
): PaymentMethodRecord[] {
	const cards = customerPaymentMethods(state, customer.id).filter(
		(method) =>
			method.card !== null &&
			(!allowRedisplay || allowRedisplay.includes(method.allowRedisplay ?? "unspecified")),
	);
	const index = cards.findIndex((method) => method.id === customer.defaultPaymentMethodId);
	if (index > 0) cards.unshift(...cards.splice(index, 1));
	return cards;
}

const BRAND_NAMES: Record<string, string> = {
	visa: "Visa",
	mastercard: "Mastercard",
	amex: "American Express",
	discover: "Discover",
};

/** "Visa •••• 4242". */
export function cardName(method: PaymentMethodRecord): string {
	const card = method.card;
	if (!card) return method.type;
	return `${BRAND_NAMES[card.brand] ?? card.brand} •••• ${card.last4}`;
}

/** "12/34": the expiry as cards print it. */
export function cardExpiry(method: PaymentMethodRecord): string {
	const card = method.card;
	if (!card) return "";
	return `${String(card.expMonth).padStart(2, "0")}/${String(card.expYear % 100).padStart(2, "0")}`;
}

/** "Visa •••• 4242 · 12/34": a saved card as the payment pages offer it. */
export function cardLabel(method: PaymentMethodRecord): string {
	return `${cardName(method)} · ${cardExpiry(method)}`;
}
