import type { JsonObject } from "../state/json.ts";
import type { RefundRecord } from "../state/store.ts";

/** The `refund` object, with every field of Stripe's fixture. */
export function renderRefund(refund: RefundRecord): JsonObject {
	return {
		id: refund.id,
		object: "refund",
		amount: refund.amount,
		balance_transaction: refund.balanceTransaction,
		charge: refund.chargeId,
		created: refund.created,
		currency: refund.currency,
		customer: null,
		customer_account: null,
		destination_details: renderDestination(refund),
		metadata: { ...refund.metadata },
		payment_intent: refund.paymentIntentId,
		payment_method: refund.paymentMethod.id,
		reason: refund.reason,
		receipt_number: null,
		source_transfer_reversal: null,
		status: "succeeded",
		transfer_reversal: null,
	};
}

function renderDestination(refund: RefundRecord): JsonObject {
	if (refund.paymentMethod.type === "card") {
		return {
			card: {
				reference: `${refund.id.slice(3, 15)}`,
				reference_status: "available",
				reference_type: "acquirer_reference_number",
				type: "refund",
			},
			type: "card",
		};
	}
	const type = refund.paymentMethod.type;
	return { type, [type]: { reference: null, reference_status: "pending" } };
}
