import type { JsonObject } from "../state/json.ts";
import type { PaymentMethodRecord } from "../state/store.ts";
import { emptyAddress } from "./address-object.ts";

/**
 * The `payment_method` object (`GET /v1/payment_methods/:id`, events, and the one Stripe embeds
 * in `last_payment_error`), with every field of Stripe's fixture. The test card number stays out.
 */
export function renderPaymentMethod(method: PaymentMethodRecord): JsonObject {
	const object: JsonObject = {
		id: method.id,
		object: "payment_method",
		allow_redisplay: method.allowRedisplay ?? "unspecified",
		billing_details: renderBillingDetails(method.email),
		created: method.created,
		customer: method.customerId ?? null,
		customer_account: null,
		livemode: false,
		metadata: {},
		type: method.type,
	};
	if (method.card) {
		object.card = {
			brand: method.card.brand,
			checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
			country: "US",
			display_brand: method.card.brand,
			exp_month: method.card.expMonth,
			exp_year: method.card.expYear,
			fingerprint: `fp${method.card.last4}Emulator`,
			funding: method.card.funding,
			generated_from: null,
			last4: method.card.last4,
			networks: { available: [method.card.brand], preferred: null },
			regulated_status: "unregulated",
			three_d_secure_usage: { supported: true },
			wallet: null,
		};
	} else {
		object[method.type] = bankDetails(method);
	}
	return object;
}

/** A charge's `billing_details`. */
export function renderBillingDetails(email: string | null): JsonObject {
	return { address: emptyAddress(), email, name: null, phone: null, tax_id: null };
}

/** A charge's `payment_method_details`, card or bank debit. */
export function renderPaymentMethodDetails(
	method: PaymentMethodRecord,
	amount: number,
): JsonObject {
	if (!method.card) return { type: method.type, [method.type]: bankDetails(method) };
	return {
		type: "card",
		card: {
			amount_authorized: amount,
			authorization_code: null,
			brand: method.card.brand,
			checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
			country: "US",
			exp_month: method.card.expMonth,
			exp_year: method.card.expYear,
			extended_authorization: { status: "disabled" },
			fingerprint: `fp${method.card.last4}Emulator`,
			funding: method.card.funding,
			incremental_authorization: { status: "unavailable" },
			installments: null,
			last4: method.card.last4,
			mandate: null,
			multicapture: { status: "unavailable" },
			network: method.card.brand,
			network_token: { used: false },
			network_transaction_id: null,
			overcapture: { maximum_amount_capturable: amount, status: "unavailable" },
			regulated_status: "unregulated",
			three_d_secure: null,
			wallet: null,
		},
	};
}

function bankDetails(method: PaymentMethodRecord): JsonObject {
	if (method.type === "sepa_debit") {
		return { bank_code: "37040044", country: "DE", fingerprint: "fpSepaEmulator", last4: "3000" };
	}
	return {
		account_holder_type: "individual",
		account_type: "checking",
		bank_name: "STRIPE TEST BANK",
		fingerprint: "fpBankEmulator",
		last4: "6789",
		routing_number: "110000000",
	};
}
