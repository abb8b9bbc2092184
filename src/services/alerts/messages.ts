import { formatMoney } from "shop-money";
import type { AlertFact, OrderState } from "../../domain/transitions.ts";
import type { Alert } from "../../domain/vocabulary.ts";

/** The alert a human reads for a fact the state machine raised about an order. */
export function alertFor(order: OrderState, fact: AlertFact): Alert {
	const base = { kind: fact.kind, orderId: order.id, dedupeKey: fact.dedupeKey };
	switch (fact.kind) {
		case "amount_mismatch":
			return {
				...base,
				message: `Order ${order.id}: ${mismatchMessage(fact.paid.amount, fact.paid.currency, order)}.`,
			};
		case "paid_after_close":
			return {
				...base,
				message: `Order ${order.id} was ${fact.was} but ${formatMoney(fact.paid.amount, fact.paid.currency)} was paid: honour it or refund it.`,
			};
		case "oversold":
			return {
				...base,
				message: `Order ${order.id} was paid after its stock was released, and too little is left: ${fact.lines
					.map(
						(l) =>
							`${l.name} (${l.productId}): ${l.wanted} wanted, ${l.left} left, ${l.wanted - l.left} oversold`,
					)
					.join("; ")}. Restock or refund.`,
			};
	}
}

/**
 * The real difference between what Stripe says was paid and the order, even
 * where money formatting would hide it (a fraction of a minor unit, a number
 * sent as text, another currency).
 */
function mismatchMessage(amount: unknown, currency: unknown, order: OrderState): string {
	const expected = formatMoney(order.amount, order.currency);
	if (typeof amount !== "number" || !Number.isSafeInteger(amount))
		return `Stripe reported ${JSON.stringify(amount)} ${String(currency)} (not a whole number of minor units) for an order of ${expected} (${order.amount} ${order.currency})`;
	if (typeof currency !== "string" || currency.toLowerCase() !== order.currency)
		return `Paid ${amount} ${String(currency)} (another currency) for an order of ${expected} (${order.amount} ${order.currency})`;
	const diff = amount - order.amount;
	return `Paid ${formatMoney(amount, currency)} but the order is ${expected}: ${formatMoney(Math.abs(diff), currency)} ${diff > 0 ? "more" : "less"}`;
}
