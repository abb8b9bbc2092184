import { invalidParam } from "../api/errors.ts";
import {
	mergeMetadata,
	metadataParam,
	optionalObject,
	optionalString,
	optionalStringArray,
	type Param,
	type ParamObject,
	rejectUnknown,
	requiredString,
} from "../api/params.ts";
import { newId, randomToken } from "../state/ids.ts";
import type { CustomerRecord, LooseAddressRecord, State } from "../state/store.ts";

const CUSTOMER_PARAMS = [
	"address",
	"description",
	"email",
	"expand",
	"invoice_settings",
	"metadata",
	"name",
	"phone",
	"preferred_locales",
	"shipping",
];
const ADDRESS_PARAMS = ["city", "country", "line1", "line2", "postal_code", "state"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** `POST /v1/customers`: a new Customer from the params (no `default_payment_method`: nothing is attached yet). */
export function createCustomerRecord(params: ParamObject, now: number): CustomerRecord {
	rejectUnknown(params, CUSTOMER_PARAMS);
	const settings = invoiceSettings(params.invoice_settings);
	if (settings?.defaultPaymentMethod) {
		throw notAttached(settings.defaultPaymentMethod);
	}
	return {
		id: newId("cus", 14),
		created: now,
		email: email(params.email) ?? null,
		name: text(params.name, "name") ?? null,
		phone: text(params.phone, "phone") ?? null,
		description: text(params.description, "description") ?? null,
		preferredLocales: preferredLocales(params.preferred_locales) ?? [],
		metadata: metadataParam(params.metadata, "metadata"),
		address: address(params.address, "address") ?? null,
		shipping: shipping(params.shipping) ?? null,
		invoicePrefix: randomToken(8)
			.toUpperCase()
			.replace(/[^0-9A-Z]/g, "0"),
		defaultPaymentMethodId: null,
	};
}

/**
 * `POST /v1/customers/:id`: the change the params ask for, checked whole before anything is
 * applied. Empty values (`address=`, `shipping=`, `preferred_locales=`) clear a field.
 */
export function customerChange(
	state: State,
	customer: CustomerRecord,
	params: ParamObject,
): Partial<CustomerRecord> {
	rejectUnknown(params, CUSTOMER_PARAMS);
	const change: Partial<CustomerRecord> = {};
	if (params.email !== undefined) change.email = email(params.email) ?? null;
	if (params.name !== undefined) change.name = text(params.name, "name") ?? null;
	if (params.phone !== undefined) change.phone = text(params.phone, "phone") ?? null;
	if (params.description !== undefined) {
		change.description = text(params.description, "description") ?? null;
	}
	if (params.preferred_locales !== undefined) {
		change.preferredLocales = preferredLocales(params.preferred_locales) ?? [];
	}
	if (params.metadata !== undefined) {
		change.metadata =
			params.metadata === "" ? {} : mergeMetadata(customer.metadata, params.metadata, "metadata");
	}
	if (params.address !== undefined) change.address = address(params.address, "address") ?? null;
	if (params.shipping !== undefined) change.shipping = shipping(params.shipping) ?? null;
	const settings = invoiceSettings(params.invoice_settings);
	if (settings && settings.defaultPaymentMethod !== undefined) {
		const id = settings.defaultPaymentMethod;
		if (id !== null && state.paymentMethods.get(id)?.customerId !== customer.id) {
			throw notAttached(id);
		}
		change.defaultPaymentMethodId = id;
	}
	return change;
}

function notAttached(id: string) {
	return invalidParam(
		`The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
		"invoice_settings[default_payment_method]",
		"resource_missing",
	);
}

// `invoice_settings[default_payment_method]`: an id, or empty to clear it.
function invoiceSettings(
	value: Param | undefined,
): { defaultPaymentMethod: string | null | undefined } | undefined {
	const settings = optionalObject(value, "invoice_settings");
	if (!settings) return undefined;
	rejectUnknown(settings, ["default_payment_method"], "invoice_settings");
	const given = settings.default_payment_method;
	if (given === undefined) return { defaultPaymentMethod: undefined };
	return {
		defaultPaymentMethod: optionalString(given, "invoice_settings[default_payment_method]") ?? null,
	};
}

function text(value: Param | undefined, name: string): string | undefined {
	const result = optionalString(value, name);
	if (result !== undefined && result.length > 5000) {
		throw invalidParam(`${name} can have up to 5000 characters.`, name);
	}
	return result;
}

function email(value: Param | undefined): string | undefined {
	const given = optionalString(value, "email");
	if (given === undefined) return undefined;
	if (given.length > 512 || !EMAIL.test(given)) {
		throw invalidParam(`Invalid email address: ${given}`, "email", "email_invalid");
	}
	return given;
}

function preferredLocales(value: Param | undefined): string[] | undefined {
	const locales = optionalStringArray(value, "preferred_locales");
	if (!locales) return undefined;
	locales.forEach((locale, index) => {
		if (!LOCALE.test(locale)) {
			throw invalidParam(
				`Invalid locale: ${locale}. Use an IETF language tag such as en or fr-FR.`,
				`preferred_locales[${index}]`,
			);
		}
	});
	return locales;
}

function address(value: Param | undefined, name: string): LooseAddressRecord | undefined {
	const given = optionalObject(value, name);
	if (!given) return undefined;
	rejectUnknown(given, ADDRESS_PARAMS, name);
	const field = (key: string) => optionalString(given[key], `${name}[${key}]`) ?? null;
	const country = field("country");
	if (country !== null && !/^[A-Za-z]{2}$/.test(country)) {
		throw invalidParam(
			`Country '${country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`,
			`${name}[country]`,
		);
	}
	return {
		line1: field("line1"),
		line2: field("line2"),
		city: field("city"),
		postal_code: field("postal_code"),
		state: field("state"),
		country: country?.toUpperCase() ?? null,
	};
}

function shipping(value: Param | undefined): CustomerRecord["shipping"] | undefined {
	const given = optionalObject(value, "shipping");
	if (!given) return undefined;
	rejectUnknown(given, ["address", "name", "phone"], "shipping");
	const name = requiredString(given.name, "shipping[name]");
	const where = address(given.address, "shipping[address]");
	if (!where) throw invalidParam("Missing required param: shipping[address].", "shipping[address]");
	return { name, address: where, phone: optionalString(given.phone, "shipping[phone]") ?? null };
}
