import { emptyAddress } from "../payments/address-object.ts";
import type { JsonObject } from "../state/json.ts";
import type { SessionRecord } from "../state/store.ts";

/** The payment method types a session offers: cards plus one delayed (bank debit) method. */
export function sessionPaymentMethodTypes(currency: string): string[] {
	return ["card", delayedMethodFor(currency)];
}

/** The bank debit that fits the currency, used for the "delayed" path. */
export function delayedMethodFor(currency: string): "sepa_debit" | "us_bank_account" {
	return currency === "eur" ? "sepa_debit" : "us_bank_account";
}

/** The session's `checkout.session` object, with every field Stripe sends for a payment-mode session. */
export function renderSession(session: SessionRecord): JsonObject {
	const complete = session.status === "complete";
	return {
		id: session.id,
		object: "checkout.session",
		adaptive_pricing: { enabled: false },
		after_expiration: null,
		allow_promotion_codes: session.allowPromotionCodes,
		amount_subtotal: session.amountTotal,
		amount_total: session.amountTotal,
		automatic_tax: { enabled: false, liability: null, provider: null, status: null },
		billing_address_collection: session.billingAddressCollection,
		cancel_url: session.cancelUrl,
		client_reference_id: session.clientReferenceId,
		client_secret: null,
		collected_information: complete
			? { business_name: null, individual_name: null, shipping_details: null }
			: null,
		consent: null,
		consent_collection: null,
		created: session.created,
		currency: session.currency,
		currency_conversion: null,
		custom_fields: [],
		custom_text: {
			after_submit: null,
			shipping_address: null,
			submit: null,
			terms_of_service_acceptance: null,
		},
		customer: null,
		customer_account: null,
		customer_creation: "if_required",
		customer_details: complete ? renderCustomerDetails(session.customerDetailsEmail) : null,
		customer_email: session.customerEmail,
		discounts: [],
		expires_at: session.expiresAt,
		integration_identifier: null,
		invoice: null,
		invoice_creation: {
			enabled: false,
			invoice_data: {
				account_tax_ids: null,
				custom_fields: null,
				description: null,
				footer: null,
				issuer: null,
				metadata: {},
				rendering_options: null,
			},
		},
		livemode: false,
		locale: session.locale,
		managed_payments: { enabled: false },
		metadata: { ...session.metadata },
		mode: "payment",
		origin_context: null,
		payment_intent: session.paymentIntentId,
		payment_link: null,
		payment_method_collection: "if_required",
		payment_method_configuration_details: null,
		payment_method_options: { card: { request_three_d_secure: "automatic" } },
		payment_method_types: sessionPaymentMethodTypes(session.currency),
		payment_status: session.paymentStatus,
		permissions: null,
		phone_number_collection: { enabled: false },
		recovered_from: null,
		saved_payment_method_options: null,
		setup_intent: null,
		shipping_address_collection: null,
		shipping_cost: null,
		shipping_options: [],
		status: session.status,
		submit_type: session.submitType,
		subscription: null,
		success_url: session.successUrl,
		total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
		ui_mode: "hosted_page",
		// Stripe only gives the URL while the session can still be paid.
		url: session.status === "open" ? `${session.origin}/pay/${session.id}` : null,
		wallet_options: null,
	};
}

function renderCustomerDetails(email: string | null): JsonObject {
	return {
		address: emptyAddress(),
		business_name: null,
		email,
		individual_name: null,
		name: null,
		phone: null,
		tax_exempt: "none",
		tax_ids: [],
	};
}
