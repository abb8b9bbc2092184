import { renderList } from "../api/pagination.ts";
import { ACCOUNT_NAME } from "../checkout/session-object.ts";
import { renderAddress } from "../payments/address-object.ts";
import type { JsonObject } from "../state/json.ts";
import type { InvoiceLineRecord, InvoicePaymentRecord, InvoiceRecord } from "../state/store.ts";
import { TAX_RATES_BASIS_POINTS } from "../tax/tax-rates.ts";

/** Where an invoice's hosted page is (`hosted_invoice_url`). */
export function hostedInvoiceUrl(invoice: InvoiceRecord): string {
	return `${invoice.origin}/i/${invoice.id}`;
}

/**
 * The `invoice` object, with every field of Stripe's fixture and of the pinned API's type:
 * the subscription is in `parent.subscription_details` (there is no top-level `subscription`
 * or `payment_intent` any more). `payments` is an includable field, as on Stripe: only with
 * `expand[]=payments`.
 */
export function renderInvoice(invoice: InvoiceRecord): JsonObject {
	const finalized = invoice.status !== "draft";
	const inclusiveTax = invoice.lines
		.filter((line) => line.taxBehavior === "inclusive")
		.reduce((sum, line) => sum + line.tax, 0);
	const taxes = renderTaxes(invoice, invoice.tax, invoice.subtotal - invoice.discount);
	return {
		id: invoice.id,
		object: "invoice",
		account_country: "US",
		account_name: ACCOUNT_NAME,
		account_tax_ids: null,
		amount_due: invoice.total,
		amount_overpaid: 0,
		amount_paid: invoice.amountPaid,
		amount_remaining: invoice.status === "void" ? 0 : invoice.total - invoice.amountPaid,
		amount_shipping: 0,
		application: null,
		attempt_count: invoice.attemptCount,
		attempted: invoice.attemptCount > 0 || invoice.status === "paid",
		auto_advance: invoice.status === "draft" || invoice.status === "open",
		automatic_tax: invoice.automaticTax
			? {
					disabled_reason: null,
					enabled: true,
					liability: { type: "self" },
					provider: "stripe",
					status: "complete",
				}
			: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
		automatically_finalizes_at: null,
		billing_reason: invoice.billingReason,
		collection_method: "charge_automatically",
		created: invoice.created,
		currency: invoice.currency,
		custom_fields: null,
		customer: invoice.customerId,
		customer_account: null,
		customer_address: invoice.customerAddress ? renderAddress(invoice.customerAddress) : null,
		customer_email: invoice.customerEmail,
		customer_name: invoice.customerName,
		customer_phone: invoice.customerPhone,
		customer_shipping: invoice.customerShipping
			? {
					address: renderAddress(invoice.customerShipping.address),
					carrier: null,
					name: invoice.customerShipping.name,
					phone: invoice.customerShipping.phone,
					tracking_number: null,
				}
			: null,
		customer_tax_exempt: "none",
		customer_tax_ids: [],
		default_payment_method: null,
		default_source: null,
		default_tax_rates: [],
		description: null,
		discounts: invoice.discountId ? [invoice.discountId] : [],
		due_date: null,
		effective_at: invoice.finalizedAt,
		ending_balance: finalized ? 0 : null,
		footer: null,
		from_invoice: null,
		hosted_invoice_url: finalized ? hostedInvoiceUrl(invoice) : null,
		invoice_pdf: null,
		issuer: { type: "self" },
		last_finalization_error: null,
		latest_revision: null,
		lines: renderList(
			invoice.lines.map((line) => renderInvoiceLine(invoice, line)),
			`/v1/invoices/${invoice.id}/lines`,
		),
		livemode: false,
		metadata: {},
		next_payment_attempt: invoice.nextPaymentAttempt,
		number: invoice.number,
		on_behalf_of: null,
		parent: {
			quote_details: null,
			subscription_details: {
				metadata: { ...invoice.subscriptionMetadata },
				subscription: invoice.subscriptionId,
			},
			type: "subscription_details",
		},
		payment_settings: {
			default_mandate: null,
			payment_method_options: null,
			payment_method_types: null,
		},
		period_end: invoice.periodEnd,
		period_start: invoice.periodStart,
		post_payment_credit_notes_amount: 0,
		pre_payment_credit_notes_amount: 0,
		receipt_number: null,
		rendering: {
			amount_tax_display: null,
			pdf: { page_size: "auto" },
			template: null,
			template_version: null,
		},
		shipping_cost: null,
		shipping_details: null,
		starting_balance: 0,
		statement_descriptor: null,
		status: invoice.status,
		status_transitions: {
			finalized_at: invoice.finalizedAt,
			marked_uncollectible_at: invoice.markedUncollectibleAt,
			paid_at: invoice.paidAt,
			voided_at: invoice.voidedAt,
		},
		subtotal: invoice.subtotal,
		subtotal_excluding_tax: invoice.subtotal - inclusiveTax,
		test_clock: null,
		total: invoice.total,
		total_discount_amounts: invoice.discountId
			? [{ amount: invoice.discount, discount: invoice.discountId }]
			: [],
		total_excluding_tax: invoice.total - invoice.tax,
		total_pretax_credit_amounts: [],
		total_taxes: taxes,
		webhooks_delivered_at: finalized ? invoice.finalizedAt : null,
	};
}

/** An invoice's `line_item`: a subscription item for its period (or a one-time item). */
export function renderInvoiceLine(invoice: InvoiceRecord, line: InvoiceLineRecord): JsonObject {
	const item = line.subscriptionItemId;
	return {
		id: line.id,
		object: "line_item",
		amount: line.amount,
		currency: invoice.currency,
		description: line.description,
		discount_amounts:
			invoice.discountId && line.discount > 0
				? [{ amount: line.discount, discount: invoice.discountId }]
				: [],
		discountable: true,
		discounts: [],
		invoice: invoice.id,
		livemode: false,
		metadata: {},
		parent: item
			? {
					invoice_item_details: null,
					subscription_item_details: {
						invoice_item: null,
						proration: false,
						proration_details: { credited_items: null },
						subscription: invoice.subscriptionId,
						subscription_item: item,
					},
					type: "subscription_item_details",
				}
			: {
					invoice_item_details: {
						invoice_item: `ii_${line.id.slice(3)}`,
						proration: false,
						proration_details: { credited_items: null },
						subscription: invoice.subscriptionId,
					},
					subscription_item_details: null,
					type: "invoice_item_details",
				},
		period: { end: line.periodEnd, start: line.periodStart },
		pretax_credit_amounts: [],
		pricing: {
			price_details: { price: line.priceId, product: line.productId },
			type: "price_details",
			unit_amount_decimal: String(line.unitAmount),
		},
		quantity: line.quantity,
		quantity_decimal: String(line.quantity),
		subscription: invoice.subscriptionId,
		subtotal: line.amount,
		taxes: renderTaxes(
			invoice,
			line.tax,
			line.amount - line.discount,
			line.taxBehavior === "inclusive" ? "inclusive" : "exclusive",
		),
	};
}

// `total_taxes` and a line's `taxes`: the emulator's one rate for the invoice's country.
function renderTaxes(
	invoice: InvoiceRecord,
	amount: number,
	taxable: number,
	behavior: "exclusive" | "inclusive" = "exclusive",
): JsonObject[] {
	const country = invoice.taxCountry;
	if (!invoice.automaticTax || !country || !(country in TAX_RATES_BASIS_POINTS)) return [];
	return [
		{
			amount,
			tax_behavior: behavior,
			tax_rate_details: { tax_rate: `txr_emulator_${country}` },
			taxability_reason:
				(TAX_RATES_BASIS_POINTS[country] ?? 0) > 0 ? "standard_rated" : "not_collecting",
			taxable_amount: taxable,
			type: "tax_rate_details",
		},
	];
}

/** The `invoice_payment` object: the invoice's PaymentIntent, and whether it paid. */
export function renderInvoicePayment(
	invoice: InvoiceRecord,
	payment: InvoicePaymentRecord,
): JsonObject {
	return {
		id: payment.id,
		object: "invoice_payment",
		amount_paid: payment.amountPaid,
		amount_requested: payment.amountRequested,
		created: payment.created,
		currency: invoice.currency,
		invoice: invoice.id,
		is_default: true,
		livemode: false,
		payment: { payment_intent: payment.paymentIntentId, type: "payment_intent" },
		status: payment.status,
		status_transitions: { canceled_at: payment.canceledAt, paid_at: payment.paidAt },
	};
}

/** `payments` (when expanded): the invoice's payments as a list. */
export function renderInvoicePayments(invoice: InvoiceRecord): JsonObject {
	return renderList(
		invoice.payments.map((payment) => renderInvoicePayment(invoice, payment)),
		`/v1/invoice_payments?invoice=${invoice.id}`,
	);
}
