import { renderList } from "../api/pagination.ts";
import { renderRefund } from "../refunds/refund-object.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { JsonObject } from "../state/json.ts";
import type { ChargeRecord, PaymentIntentRecord, RefundRecord } from "../state/store.ts";
import { renderShipping } from "./payment-intent-object.ts";
import { renderBillingDetails, renderPaymentMethodDetails } from "./payment-method-object.ts";

/** The `charge` object, with every field of Stripe's fixture; `refunds` lists its refunds. */
export function renderCharge(
	charge: ChargeRecord,
	refunds: RefundRecord[],
	shipping: PaymentIntentRecord["shipping"] = null,
	/** Where the emulator is reachable: its receipt page is there. */
	origin = "",
	/** The PaymentIntent's Customer. */
	customer: string | null = null,
): JsonObject {
	const succeeded = charge.status === "succeeded";
	return {
		id: charge.id,
		object: "charge",
		amount: charge.amount,
		amount_captured: succeeded ? charge.amount : 0,
		amount_refunded: charge.amountRefunded,
		application: null,
		application_fee: null,
		application_fee_amount: null,
		balance_transaction: charge.balanceTransaction,
		billing_details: renderBillingDetails(charge.paymentMethod.email),
		calculated_statement_descriptor: "STRIPE EMULATOR",
		captured: succeeded,
		created: charge.created,
		currency: charge.currency,
		customer,
		description: null,
		disputed: false,
		failure_balance_transaction: null,
		failure_code: charge.failure?.code ?? null,
		failure_message: charge.failure?.message ?? null,
		fraud_details: {},
		livemode: false,
		metadata: { ...charge.metadata },
		on_behalf_of: null,
		outcome: renderOutcome(charge),
		paid: succeeded,
		payment_intent: charge.paymentIntentId,
		payment_method: charge.paymentMethod.id,
		payment_method_details: renderPaymentMethodDetails(charge.paymentMethod, charge.amount),
		receipt_email: charge.receiptEmail,
		receipt_number: null,
		receipt_url: `${origin}/receipts/${charge.id}`,
		refunded: charge.amountRefunded >= charge.amount && charge.amount > 0,
		refunds: renderList(
			refunds.map((refund) => renderRefund(refund)),
			`/v1/charges/${charge.id}/refunds`,
		),
		review: null,
		shipping: renderShipping(shipping),
		source: null,
		source_transfer: null,
		statement_descriptor: null,
		statement_descriptor_suffix: null,
		status: charge.status,
		transfer_data: null,
		transfer_group: null,
	};
}

function renderOutcome(charge: ChargeRecord): JsonObject {
	const base = { advice_code: null, network_advice_code: null, network_decline_code: null };
	if (charge.status === "pending") {
		return {
			...base,
			network_status: "approved_by_network",
			reason: null,
			risk_level: "not_assessed",
			seller_message: "Payment pending.",
			type: "authorized",
		};
	}
	if (charge.failure) {
		return {
			...base,
			network_status: "declined_by_network",
			reason: charge.failure.declineCode,
			risk_level: "normal",
			seller_message: "The bank did not return any further details with this decline.",
			type: "issuer_declined",
		};
	}
	return {
		...base,
		network_status: "approved_by_network",
		reason: null,
		risk_level: "normal",
		seller_message: "Payment complete.",
		type: "authorized",
	};
}

/** A charge rendered with its refunds looked up in state. */
export function chargeSnapshot(ctx: EmulatorContext, charge: ChargeRecord): JsonObject {
	const refunds = charge.refundIds
		.map((id) => ctx.state.refunds.get(id))
		.filter((refund): refund is RefundRecord => refund !== undefined);
	const intent = ctx.state.paymentIntents.get(charge.paymentIntentId);
	return renderCharge(charge, refunds, intent?.shipping, ctx.origin, intent?.customerId ?? null);
}
