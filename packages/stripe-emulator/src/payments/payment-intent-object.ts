import type { JsonObject } from "../state/json.ts";
import type { PaymentErrorRecord, PaymentIntentRecord } from "../state/store.ts";
import { renderAddress } from "./address-object.ts";
import { renderPaymentMethod } from "./payment-method-object.ts";

/** The `payment_intent` object, with every field of Stripe's fixture. */
export function renderPaymentIntent(intent: PaymentIntentRecord): JsonObject {
	return {
		id: intent.id,
		object: "payment_intent",
		amount: intent.amount,
		amount_capturable: 0,
		amount_details: { tip: {} },
		amount_received: intent.amountReceived,
		application: null,
		application_fee_amount: null,
		automatic_payment_methods: null,
		canceled_at: intent.canceledAt,
		cancellation_reason: intent.cancellationReason,
		capture_method: "automatic_async",
		client_secret: intent.clientSecret,
		confirmation_method: "automatic",
		created: intent.created,
		currency: intent.currency,
		customer: intent.customerId ?? null,
		customer_account: null,
		description: intent.description,
		excluded_payment_method_types: null,
		last_payment_error: intent.lastPaymentError
			? renderPaymentError(intent.lastPaymentError)
			: null,
		latest_charge: intent.latestChargeId,
		livemode: false,
		managed_payments: { enabled: false },
		metadata: { ...intent.metadata },
		next_action: null,
		on_behalf_of: null,
		payment_method: intent.paymentMethod?.id ?? null,
		payment_method_configuration_details: null,
		payment_method_options: {
			card: {
				installments: null,
				mandate_options: null,
				network: null,
				request_three_d_secure: "automatic",
			},
		},
		payment_method_types: [...intent.paymentMethodTypes],
		processing: null,
		receipt_email: intent.receiptEmail,
		review: null,
		setup_future_usage: intent.setupFutureUsage ?? null,
		shipping: renderShipping(intent.shipping),
		source: null,
		statement_descriptor: null,
		statement_descriptor_suffix: null,
		status: intent.status,
		transfer_data: null,
		transfer_group: null,
	};
}

/** A PaymentIntent's or charge's `shipping`, from what Checkout collected. */
export function renderShipping(
	shipping: PaymentIntentRecord["shipping"] | undefined,
): JsonObject | null {
	if (!shipping) return null;
	return {
		address: renderAddress(shipping.address),
		carrier: null,
		name: shipping.name,
		phone: shipping.phone,
		tracking_number: null,
	};
}

function renderPaymentError(error: PaymentErrorRecord): JsonObject {
	const out: JsonObject = {
		advice_code: null,
		code: error.code,
		decline_code: error.declineCode,
		doc_url: `https://stripe.com/docs/error-codes/${error.code.replaceAll("_", "-")}`,
		message: error.message,
		network_advice_code: null,
		network_decline_code: null,
		param: null,
		payment_method: renderPaymentMethod(error.paymentMethod),
		type: error.type,
	};
	if (error.chargeId) out.charge = error.chargeId;
	return out;
}
