import { renderAddress } from "../payments/address-object.ts";
import type { JsonObject } from "../state/json.ts";
import type { SessionRecord } from "../state/store.ts";
import { sessionTotals } from "./totals.ts";

/** The business name a session without `branding_settings[display_name]` shows: the account's. */
export const ACCOUNT_NAME = "Emulated business";

/** The payment method types a session offers: cards plus one delayed (bank debit) method. */
export function sessionPaymentMethodTypes(currency: string): string[] {
	return ["card", delayedMethodFor(currency)];
}

/** The bank debit that fits the currency, used for the "delayed" path. */
export function delayedMethodFor(currency: string): "sepa_debit" | "us_bank_account" {
	return currency === "eur" ? "sepa_debit" : "us_bank_account";
}

/** The session's `checkout.session` object, with every field Stripe sends for a payment-, setup- or subscription-mode session. */
export function renderSession(session: SessionRecord): JsonObject {
	const complete = session.status === "complete";
	const elements = session.uiMode === "elements";
	const setup = session.mode === "setup";
	const subscription = session.mode === "subscription";
	const totals = sessionTotals(session);
	const shippingDetails = session.shippingDetails
		? {
				address: renderAddress(session.shippingDetails.address),
				name: session.shippingDetails.name,
			}
		: null;
	return {
		id: session.id,
		object: "checkout.session",
		adaptive_pricing: { enabled: false },
		after_expiration: null,
		allow_promotion_codes: session.allowPromotionCodes,
		amount_subtotal: setup ? null : totals.subtotal,
		amount_total: setup ? null : totals.total,
		automatic_tax: renderAutomaticTax(session),
		billing_address_collection: session.billingAddressCollection,
		branding_settings: {
			background_color: "#ffffff",
			border_style: "rounded",
			button_color: session.branding?.buttonColor ?? "#0074d4",
			display_name: session.branding?.displayName ?? ACCOUNT_NAME,
			font_family: "default",
			icon: null,
			logo: null,
		},
		cancel_url: session.cancelUrl,
		client_reference_id: session.clientReferenceId,
		// Stripe.js on the shop's page initialises with it (elements sessions only).
		client_secret: session.clientSecret ?? null,
		collected_information: complete
			? { business_name: null, individual_name: null, shipping_details: shippingDetails }
			: null,
		consent: session.terms?.accepted ? { promotions: null, terms_of_service: "accepted" } : null,
		consent_collection: session.terms
			? {
					payment_method_reuse_agreement: null,
					promotions: "none",
					terms_of_service: "required",
				}
			: null,
		created: session.created,
		currency: session.currency,
		currency_conversion: null,
		custom_fields: [],
		custom_text: {
			after_submit: null,
			shipping_address: null,
			submit: session.submitMessage ? { message: session.submitMessage } : null,
			terms_of_service_acceptance: session.terms?.message
				? { message: session.terms.message }
				: null,
		},
		customer: session.customerId ?? null,
		customer_account: null,
		customer_creation: "if_required",
		// With a Customer, Checkout shows its email from the start.
		customer_details: complete || session.customerId ? renderCustomerDetails(session) : null,
		customer_email: session.customerEmail,
		discounts: session.discount
			? [{ coupon: session.discount.couponId, promotion_code: session.discount.promotionCodeId }]
			: [],
		expires_at: session.expiresAt,
		integration_identifier: null,
		// A subscription session's first invoice, once paid.
		invoice: session.invoiceId ?? null,
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
		mode: session.mode ?? "payment",
		origin_context: null,
		payment_intent: session.paymentIntentId,
		payment_link: null,
		payment_method_collection: setup || subscription ? "always" : "if_required",
		payment_method_configuration_details: null,
		payment_method_options: { card: { request_three_d_secure: "automatic" } },
		// Subscriptions are paid by card here (the emulator offers no bank debit for them).
		payment_method_types:
			setup || subscription ? ["card"] : sessionPaymentMethodTypes(session.currency),
		payment_status: session.paymentStatus,
		permissions: null,
		phone_number_collection: { enabled: session.phoneNumberCollection },
		recovered_from: null,
		saved_payment_method_options: renderSavedPaymentMethodOptions(session),
		setup_intent: session.setupIntentId ?? null,
		shipping_address_collection: session.shippingCountries
			? { allowed_countries: [...session.shippingCountries] }
			: null,
		shipping_cost: totals.shippingCost
			? {
					amount_subtotal: totals.shippingCost.subtotal,
					amount_tax: totals.shippingCost.tax,
					amount_total: totals.shippingCost.total,
					shipping_rate: totals.shippingCost.rateId,
				}
			: null,
		shipping_options: session.shippingRates.map((rate) => ({
			shipping_amount: rate.amount,
			shipping_rate: rate.id,
		})),
		status: session.status,
		submit_type: session.submitType,
		subscription: session.subscriptionId ?? null,
		success_url: elements ? null : session.successUrl,
		return_url: elements ? session.successUrl : null,
		total_details: setup
			? null
			: {
					amount_discount: totals.discount,
					amount_shipping: totals.shipping,
					amount_tax: totals.tax,
				},
		ui_mode: session.uiMode ?? "hosted_page",
		// Stripe only gives the URL while the session can still be paid, and only for its own page.
		url: session.status === "open" && !elements ? `${session.origin}/pay/${session.id}` : null,
		wallet_options: null,
	};
}

function renderSavedPaymentMethodOptions(session: SessionRecord): JsonObject | null {
	const options = session.savedPaymentMethodOptions;
	if (!options) return null;
	return {
		allow_redisplay_filters: options.allowRedisplayFilters
			? [...options.allowRedisplayFilters]
			: null,
		payment_method_remove: options.paymentMethodRemove,
		payment_method_save: options.paymentMethodSave,
	};
}

// Stripe Tax needs a location: until the shopper gives an address, the calculation waits for it.
function renderAutomaticTax(session: SessionRecord): JsonObject {
	if (!session.automaticTax)
		return { enabled: false, liability: null, provider: null, status: null };
	return {
		enabled: true,
		liability: { type: "self" },
		provider: "stripe",
		status: session.shippingDetails ? "complete" : "requires_location_inputs",
	};
}

// The billing address defaults to the shipping address on Stripe's page, so both are the same here.
function renderCustomerDetails(session: SessionRecord): JsonObject {
	return {
		address: renderAddress(session.shippingDetails?.address),
		business_name: null,
		email: session.customerDetailsEmail,
		individual_name: null,
		name: session.shippingDetails?.name ?? null,
		phone: session.customerPhone,
		tax_exempt: "none",
		tax_ids: [],
	};
}
