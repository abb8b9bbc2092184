import { renderAddress } from "../payments/address-object.ts";
import type { JsonObject } from "../state/json.ts";
import type { CustomerRecord } from "../state/store.ts";

/** The `customer` object, with every field of Stripe's fixture (no discount, balance 0, no tax ids). */
export function renderCustomer(customer: CustomerRecord): JsonObject {
	return {
		id: customer.id,
		object: "customer",
		address: customer.address ? renderAddress(customer.address) : null,
		balance: 0,
		created: customer.created,
		currency: null,
		customer_account: null,
		default_source: null,
		delinquent: false,
		description: customer.description,
		discount: null,
		email: customer.email,
		invoice_prefix: customer.invoicePrefix,
		invoice_settings: {
			custom_fields: null,
			default_payment_method: customer.defaultPaymentMethodId,
			footer: null,
			rendering_options: null,
		},
		livemode: false,
		metadata: { ...customer.metadata },
		name: customer.name,
		next_invoice_sequence: customer.nextInvoiceSequence ?? 1,
		phone: customer.phone,
		preferred_locales: [...customer.preferredLocales],
		shipping: customer.shipping
			? {
					address: renderAddress(customer.shipping.address),
					name: customer.shipping.name,
					phone: customer.shipping.phone,
				}
			: null,
		tax_exempt: "none",
		test_clock: null,
	};
}

/**
 * An event's `previous_attributes`: the old values of the fields that changed; for a changed
 * object field (`invoice_settings`, `address`…) only its changed keys, as Stripe sends them.
 * Null when nothing changed.
 */
export function previousAttributes(before: JsonObject, after: JsonObject): JsonObject | null {
	const previous: JsonObject = {};
	for (const [key, old] of Object.entries(before)) {
		const now = after[key];
		if (JSON.stringify(old) === JSON.stringify(now)) continue;
		if (isPlainObject(old) && isPlainObject(now)) {
			const nested: JsonObject = {};
			for (const [inner, value] of Object.entries(old)) {
				if (JSON.stringify(value) !== JSON.stringify(now[inner])) nested[inner] = value;
			}
			previous[key] = nested;
		} else {
			previous[key] = old ?? null;
		}
	}
	return Object.keys(previous).length > 0 ? previous : null;
}

function isPlainObject(value: unknown): value is JsonObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
