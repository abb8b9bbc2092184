import { invalidParam, missingParam, resourceMissing } from "../api/errors.ts";
import {
	metadataParam,
	optionalArray,
	optionalBoolean,
	optionalEnumParam,
	optionalInteger,
	optionalObject,
	optionalString,
	optionalStringArray,
	type ParamObject,
	rejectUnknown,
	requiredString,
} from "../api/params.ts";
import { couponValid } from "../discounts/coupons.ts";
import { checkPromotionCode } from "../discounts/promotion-codes.ts";
import { newSessionId, randomToken } from "../state/ids.ts";
import type { LineItemRecord, SessionRecord, State } from "../state/store.ts";
import { MAX_AMOUNT, parseLineItems } from "./line-item-params.ts";
import {
	parseEnabledFlag,
	parseShippingCountries,
	parseShippingOptions,
} from "./shipping-params.ts";

const SESSION_PARAMS = [
	"mode",
	"line_items",
	"success_url",
	"cancel_url",
	"client_reference_id",
	"metadata",
	"payment_intent_data",
	"expires_at",
	"customer_email",
	"expand",
	"locale",
	"submit_type",
	"billing_address_collection",
	"allow_promotion_codes",
	"discounts",
	"ui_mode",
	"return_url",
	"shipping_address_collection",
	"shipping_options",
	"phone_number_collection",
	"automatic_tax",
	"branding_settings",
	"custom_text",
	"consent_collection",
	"customer",
	"customer_update",
	"saved_payment_method_options",
	"currency",
	"setup_intent_data",
	"subscription_data",
];
// What a setup session takes (`ui_mode` hosted_page only); the rest of SESSION_PARAMS are payment-mode only.
const SETUP_SESSION_PARAMS = [
	"mode",
	"currency",
	"customer",
	"customer_email",
	"success_url",
	"cancel_url",
	"client_reference_id",
	"metadata",
	"expires_at",
	"expand",
	"locale",
	"ui_mode",
	"branding_settings",
	"setup_intent_data",
	"saved_payment_method_options",
];
// The pinned API version's `locale` values.
const LOCALES = [
	..."auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hi-IN hr hu id it ja ko lt lv ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW".split(
		" ",
	),
];
const PAYMENT_INTENT_DATA_PARAMS = [
	"metadata",
	"description",
	"receipt_email",
	"capture_method",
	"statement_descriptor",
	"statement_descriptor_suffix",
];
const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;
// The client computes `expires_at` a moment before we see it; Stripe allows for that too.
const EXPIRY_SLACK_SECONDS = 30;

/**
 * Validates `POST /v1/checkout/sessions` params the way Stripe does for a payment-mode hosted
 * session and builds the new session. Throws a Stripe 400 naming the offending param.
 */
export function createSessionRecord(
	state: State,
	params: ParamObject,
	now: number,
	origin: string,
): SessionRecord {
	// This also refuses payment_method_types, removed in API 2026-09-30.endive.
	rejectUnknown(params, SESSION_PARAMS);
	const mode = requiredString(params.mode, "mode");
	if (mode === "setup") return createSetupSessionRecord(state, params, now, origin);
	if (mode !== "payment" && mode !== "subscription") {
		throw invalidParam(
			`Invalid mode: must be one of payment, setup or subscription (got ${mode}).`,
			"mode",
		);
	}
	if (params.setup_intent_data !== undefined) {
		throw invalidParam("setup_intent_data can only be used in setup mode.", "setup_intent_data");
	}
	const subscription = mode === "subscription";
	if (subscription) refuseInSubscriptionMode(params);
	else if (params.subscription_data !== undefined) {
		throw invalidParam(
			"You can not pass `subscription_data` in `payment` mode.",
			"subscription_data",
		);
	}
	// The pinned API's names: the old ones (hosted, embedded, custom) are refused, as Stripe does.
	const uiMode = (optionalEnum(params.ui_mode, "ui_mode", ["hosted_page", "elements"]) ??
		"hosted_page") as "hosted_page" | "elements";
	const elements = uiMode === "elements";
	if (elements && (params.success_url !== undefined || params.cancel_url !== undefined))
		throw invalidParam(
			"success_url and cancel_url cannot be used with ui_mode=elements: use return_url.",
			params.success_url !== undefined ? "success_url" : "cancel_url",
		);
	if (!elements && params.return_url !== undefined)
		throw invalidParam("return_url can only be used with ui_mode=elements.", "return_url");
	const lineItems = parseLineItems(params.line_items, now);
	checkRecurringPrices(lineItems, subscription);
	const currency = lineItems[0]?.currency ?? "usd";
	const givenCurrency = optionalCurrency(params.currency);
	if (givenCurrency !== undefined && givenCurrency !== currency) {
		throw invalidParam(
			`currency (${givenCurrency}) must be the line items' currency (${currency}).`,
			"currency",
		);
	}
	const customer = parseCustomerParams(state, params);
	const subtotal = lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
	if (subtotal < 1 || subtotal > MAX_AMOUNT) {
		throw invalidParam(
			`The Checkout Session's total amount due must be between 1 and ${MAX_AMOUNT} ${currency} (minor units).`,
			"line_items",
		);
	}
	const allowPromotionCodes =
		optionalBoolean(params.allow_promotion_codes, "allow_promotion_codes") ?? null;
	if (allowPromotionCodes !== null && params.discounts !== undefined) {
		throw invalidParam(
			"You may only specify one of these parameters: allow_promotion_codes, discounts.",
			"discounts",
		);
	}
	const shippingRates = parseShippingOptions(params.shipping_options, currency, now);
	const session: SessionRecord = {
		id: newSessionId(),
		created: now,
		mode: subscription ? "subscription" : "payment",
		subscriptionData: subscription ? parseSubscriptionData(params.subscription_data) : null,
		subscriptionId: null,
		invoiceId: null,
		...customer,
		setupIntentId: null,
		expiresAt: parseExpiresAt(params.expires_at, now),
		status: "open",
		paymentStatus: "unpaid",
		currency,
		lineItems,
		shippingCountries: parseShippingCountries(params.shipping_address_collection),
		shippingRates,
		shippingRateId: shippingRates[0]?.id ?? null,
		phoneNumberCollection: parseEnabledFlag(
			params.phone_number_collection,
			"phone_number_collection",
		),
		automaticTax: parseEnabledFlag(params.automatic_tax, "automatic_tax"),
		discount: null,
		shippingDetails: null,
		customerPhone: null,
		successUrl: elements
			? parseUrl(requiredString(params.return_url, "return_url"), "return_url")
			: parseUrl(requiredString(params.success_url, "success_url"), "success_url"),
		cancelUrl: elements ? null : optionalUrl(params.cancel_url, "cancel_url"),
		uiMode,
		clientSecret: null,
		clientReferenceId: parseClientReferenceId(params.client_reference_id),
		customerEmail: optionalEmail(params.customer_email, "customer_email"),
		locale: optionalEnum(params.locale, "locale", LOCALES),
		submitType: optionalEnum(params.submit_type, "submit_type", ["auto", "pay", "book", "donate"]),
		billingAddressCollection: optionalEnum(
			params.billing_address_collection,
			"billing_address_collection",
			["auto", "required"],
		),
		allowPromotionCodes,
		metadata: metadataParam(params.metadata, "metadata"),
		paymentIntentData: parsePaymentIntentData(params.payment_intent_data),
		paymentIntentId: null,
		customerDetailsEmail: null,
		origin,
		branding: parseBranding(params.branding_settings),
		...sessionTexts(params),
	};
	session.discount = parseDiscounts(state, session, params.discounts, now);
	session.customerDetailsEmail = customerEmailOf(state, session);
	if (elements) session.clientSecret = `${session.id}_secret_${randomToken(24)}`;
	return session;
}

/**
 * What Stripe refuses in `mode=subscription` (`payment_intent_data`, `shipping_options`), and
 * what the emulator does not do there: a session without `customer` (Stripe would make
 * one), `ui_mode=elements` (the Stripe.js stand-in pays payment sessions only).
 */
function refuseInSubscriptionMode(params: ParamObject): void {
	if (params.payment_intent_data !== undefined) {
		throw invalidParam(
			"You can not pass `payment_intent_data` in `subscription` mode.",
			"payment_intent_data",
		);
	}
	if (params.shipping_options !== undefined) {
		throw invalidParam(
			"You can only pass `shipping_options` in `payment` mode.",
			"shipping_options",
		);
	}
	if (params.customer === undefined || params.customer === "") {
		throw invalidParam(
			"The emulator needs `customer` in `subscription` mode (it does not create Customers in Checkout).",
			"customer",
		);
	}
	if (params.ui_mode === "elements") {
		throw invalidParam(
			"The emulator supports mode=subscription with ui_mode=hosted_page only.",
			"ui_mode",
		);
	}
}

/**
 * A subscription session needs a recurring price, all on one billing interval (one-time prices
 * may come with them: they are billed once, on the first invoice); a payment session takes
 * one-time prices only.
 */
function checkRecurringPrices(lineItems: LineItemRecord[], subscription: boolean): void {
	const recurring = lineItems.filter((item) => item.recurring);
	if (!subscription) {
		if (recurring.length > 0) {
			throw invalidParam(
				"You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
				"line_items",
			);
		}
		return;
	}
	const first = recurring[0]?.recurring;
	if (!first) {
		throw invalidParam(
			"You must provide at least one recurring price in `subscription` mode when using prices.",
			"line_items",
		);
	}
	const other = recurring.find(
		(item) =>
			item.recurring?.interval !== first.interval ||
			item.recurring?.intervalCount !== first.intervalCount,
	);
	if (other) {
		throw invalidParam(
			"The emulator bills one interval per subscription: all recurring prices must have the same interval and interval_count.",
			"line_items",
		);
	}
}

// Stripe's `subscription_data` fields the emulator does not model.
const UNSUPPORTED_SUBSCRIPTION_DATA = [
	"application_fee_percent",
	"billing_cycle_anchor",
	"billing_cycle_anchor_config",
	"billing_mode",
	"default_tax_rates",
	"invoice_settings",
	"on_behalf_of",
	"pending_invoice_item_interval",
	"proration_behavior",
	"transfer_data",
	"trial_end",
	"trial_period_days",
	"trial_settings",
];

/** `subscription_data[metadata|description]`: what the Subscription is made with. */
function parseSubscriptionData(
	value: ParamObject[string] | undefined,
): NonNullable<SessionRecord["subscriptionData"]> {
	const data = optionalObject(value, "subscription_data") ?? {};
	for (const key of Object.keys(data)) {
		if (UNSUPPORTED_SUBSCRIPTION_DATA.includes(key)) {
			throw invalidParam(
				`The emulator does not support subscription_data[${key}] (no trials, anchors or prorations).`,
				`subscription_data[${key}]`,
			);
		}
	}
	rejectUnknown(data, ["metadata", "description"], "subscription_data");
	const description = optionalString(data.description, "subscription_data[description]") ?? null;
	if (description !== null && description.length > 500) {
		throw invalidParam(
			"subscription_data[description] can have up to 500 characters.",
			"subscription_data[description]",
		);
	}
	return {
		metadata: metadataParam(data.metadata, "subscription_data[metadata]"),
		description,
	};
}

/** `discounts[0][coupon]` or `discounts[0][promotion_code]`: one discount applied from the start. */
function parseDiscounts(
	state: State,
	session: SessionRecord,
	value: ParamObject[string] | undefined,
	now: number,
): SessionRecord["discount"] {
	const items = optionalArray(value, "discounts");
	if (!items || items.length === 0) return null;
	if (items.length > 1) {
		throw invalidParam("You can only apply one discount to a Checkout Session.", "discounts");
	}
	const item = optionalObject(items[0], "discounts[0]") ?? {};
	rejectUnknown(item, ["coupon", "promotion_code"], "discounts[0]");
	const couponId = optionalString(item.coupon, "discounts[0][coupon]");
	const promoId = optionalString(item.promotion_code, "discounts[0][promotion_code]");
	if ((couponId === undefined) === (promoId === undefined)) {
		throw invalidParam(
			"You may only specify one of these parameters: coupon, promotion_code.",
			"discounts[0]",
		);
	}
	const subtotal = session.lineItems.reduce(
		(sum, line) => sum + line.unitAmount * line.quantity,
		0,
	);
	if (promoId !== undefined) {
		const promo = state.promotionCodes.get(promoId);
		if (!promo) throw resourceMissing("promotion_code", promoId, "discounts[0][promotion_code]");
		const check = checkPromotionCode(state, session, promo.code, subtotal, now);
		if (!check.ok) throw invalidParam(check.reason, "discounts[0][promotion_code]");
		return check.discount;
	}
	const coupon = state.coupons.get(couponId ?? "");
	if (!coupon) throw resourceMissing("coupon", couponId ?? "", "discounts[0][coupon]");
	if (!couponValid(coupon, now)) {
		throw invalidParam(`Coupon ${coupon.id} is no longer valid.`, "discounts[0][coupon]");
	}
	if (coupon.amountOff !== null && coupon.currency !== session.currency) {
		throw invalidParam(
			`Coupon ${coupon.id} takes ${coupon.currency} off; this session is in ${session.currency}.`,
			"discounts[0][coupon]",
		);
	}
	return {
		couponId: coupon.id,
		promotionCodeId: null,
		percentOff: coupon.percentOff,
		amountOff: coupon.amountOff,
	};
}

function parseExpiresAt(value: ParamObject[string] | undefined, now: number): number {
	const expiresAt = optionalInteger(value, "expires_at");
	if (expiresAt === undefined) return now + MAX_EXPIRY_SECONDS;
	if (expiresAt < now + MIN_EXPIRY_SECONDS - EXPIRY_SLACK_SECONDS) {
		throw invalidParam(
			"The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
			"expires_at",
		);
	}
	if (expiresAt > now + MAX_EXPIRY_SECONDS + EXPIRY_SLACK_SECONDS) {
		throw invalidParam(
			"The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
			"expires_at",
		);
	}
	return expiresAt;
}

function parsePaymentIntentData(
	value: ParamObject[string] | undefined,
): SessionRecord["paymentIntentData"] {
	const data = optionalObject(value, "payment_intent_data") ?? {};
	rejectUnknown(data, PAYMENT_INTENT_DATA_PARAMS, "payment_intent_data");
	const capture = optionalString(data.capture_method, "payment_intent_data[capture_method]");
	if (capture !== undefined && capture !== "automatic" && capture !== "automatic_async") {
		throw invalidParam(
			"The emulator only supports automatic capture.",
			"payment_intent_data[capture_method]",
		);
	}
	return {
		metadata: metadataParam(data.metadata, "payment_intent_data[metadata]"),
		description: optionalString(data.description, "payment_intent_data[description]") ?? null,
		receiptEmail: optionalEmail(data.receipt_email, "payment_intent_data[receipt_email]"),
	};
}

function parseClientReferenceId(value: ParamObject[string] | undefined): string | null {
	const id = optionalString(value, "client_reference_id");
	if (id !== undefined && id.length > 200) {
		throw invalidParam("client_reference_id can have up to 200 characters.", "client_reference_id");
	}
	return id ?? null;
}

function parseUrl(url: string, name: string): string {
	// Stripe keeps the URL as given, including the literal {CHECKOUT_SESSION_ID}.
	if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
		throw invalidParam("Not a valid URL", name, "url_invalid");
	}
	return url;
}

function optionalUrl(value: ParamObject[string] | undefined, name: string): string | null {
	const url = optionalString(value, name);
	return url === undefined ? null : parseUrl(url, name);
}

function optionalEmail(value: ParamObject[string] | undefined, name: string): string | null {
	const email = optionalString(value, name);
	if (email === undefined) return null;
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
		throw invalidParam(`Invalid email address: ${email}`, name, "email_invalid");
	}
	return email;
}

function optionalEnum(
	value: ParamObject[string] | undefined,
	name: string,
	allowed: string[],
): string | null {
	const text = optionalString(value, name);
	if (text === undefined) return null;
	if (!allowed.includes(text)) {
		throw invalidParam(`Invalid ${name}: must be one of ${allowed.join(", ")}`, name);
	}
	return text;
}

const HEX_COLOR = /^#[0-9a-f]{6}$/i;
const BRANDING_PARAMS = [
	"display_name",
	"button_color",
	"background_color",
	"border_style",
	"font_family",
	"icon",
	"logo",
];

/** `branding_settings`: what the page shows of the business (its name, its button's colour). */
function parseBranding(value: ParamObject[string] | undefined): SessionRecord["branding"] {
	const branding = optionalObject(value, "branding_settings");
	if (!branding) return { displayName: null, buttonColor: null };
	rejectUnknown(branding, BRANDING_PARAMS, "branding_settings");
	const displayName = optionalString(branding.display_name, "branding_settings[display_name]");
	if (displayName !== undefined && (displayName.trim() === "" || displayName.length > 100)) {
		throw invalidParam(
			"branding_settings[display_name] must be 1 to 100 characters.",
			"branding_settings[display_name]",
		);
	}
	for (const name of ["button_color", "background_color"]) {
		const color = optionalString(branding[name], `branding_settings[${name}]`);
		if (color !== undefined && color !== "" && !HEX_COLOR.test(color)) {
			throw invalidParam(
				`Invalid hex color: branding_settings[${name}] must look like #1f6f4a.`,
				`branding_settings[${name}]`,
			);
		}
	}
	const buttonColor = optionalString(branding.button_color, "branding_settings[button_color]");
	return { displayName: displayName ?? null, buttonColor: buttonColor || null };
}

const CUSTOM_TEXT_PARAMS = [
	"after_submit",
	"shipping_address",
	"submit",
	"terms_of_service_acceptance",
];

/** `custom_text`: each `{message}` at most 1200 characters; the emulator's page shows `submit`'s and the terms'. */
function parseCustomText(value: ParamObject[string] | undefined): Record<string, string> {
	const text = optionalObject(value, "custom_text");
	if (!text) return {};
	rejectUnknown(text, CUSTOM_TEXT_PARAMS, "custom_text");
	const messages: Record<string, string> = {};
	for (const name of CUSTOM_TEXT_PARAMS) {
		const part = optionalObject(text[name], `custom_text[${name}]`);
		if (!part) continue;
		rejectUnknown(part, ["message"], `custom_text[${name}]`);
		const message = requiredString(part.message, `custom_text[${name}][message]`);
		if (message.length > 1200) {
			throw invalidParam(
				`custom_text[${name}][message] must be at most 1200 characters.`,
				`custom_text[${name}][message]`,
			);
		}
		messages[name] = message;
	}
	return messages;
}

/**
 * `consent_collection` (`terms_of_service`: `none` or `required`; `promotions`:
 * `auto` or `none`) with `custom_text`: the line under Pay and the box to
 * accept the terms. As Stripe, the terms' words need the box asked for.
 */
function sessionTexts(params: ParamObject): Pick<SessionRecord, "submitMessage" | "terms"> {
	const texts = parseCustomText(params.custom_text);
	const consent = optionalObject(params.consent_collection, "consent_collection");
	if (consent)
		rejectUnknown(
			consent,
			["terms_of_service", "promotions", "payment_method_reuse_agreement"],
			"consent_collection",
		);
	const terms = consent
		? optionalEnum(consent.terms_of_service, "consent_collection[terms_of_service]", [
				"none",
				"required",
			])
		: undefined;
	if (consent) optionalEnum(consent.promotions, "consent_collection[promotions]", ["auto", "none"]);
	const termsMessage = texts.terms_of_service_acceptance ?? null;
	if (termsMessage !== null && terms !== "required")
		throw invalidParam(
			"custom_text[terms_of_service_acceptance] can only be set when consent_collection[terms_of_service] is required.",
			"custom_text[terms_of_service_acceptance]",
		);
	return {
		submitMessage: texts.submit ?? null,
		...(terms === "required" && { terms: { message: termsMessage, accepted: false } }),
	};
}

/**
 * A `mode=setup` session: no line items and no amount, a card saved for later (a SetupIntent)
 * on Stripe's hosted page. Payment-mode params are refused.
 */
function createSetupSessionRecord(
	state: State,
	params: ParamObject,
	now: number,
	origin: string,
): SessionRecord {
	for (const name of Object.keys(params)) {
		if (!SETUP_SESSION_PARAMS.includes(name)) {
			throw invalidParam(`${name} cannot be used in setup mode.`, name);
		}
	}
	const uiMode = optionalEnum(params.ui_mode, "ui_mode", ["hosted_page", "elements"]);
	if (uiMode === "elements") {
		throw invalidParam(
			"The emulator supports mode=setup with ui_mode=hosted_page only.",
			"ui_mode",
		);
	}
	const currency = optionalCurrency(params.currency);
	if (currency === undefined) throw missingParam("currency");
	const data = optionalObject(params.setup_intent_data, "setup_intent_data") ?? {};
	rejectUnknown(data, ["description", "metadata", "on_behalf_of"], "setup_intent_data");
	if (data.on_behalf_of !== undefined) {
		throw invalidParam(
			"The emulator has no connected accounts.",
			"setup_intent_data[on_behalf_of]",
		);
	}
	const session: SessionRecord = {
		id: newSessionId(),
		created: now,
		mode: "setup",
		...parseCustomerParams(state, params),
		setupIntentId: null,
		setupIntentData: {
			description: optionalString(data.description, "setup_intent_data[description]") ?? null,
			metadata: metadataParam(data.metadata, "setup_intent_data[metadata]"),
		},
		expiresAt: parseExpiresAt(params.expires_at, now),
		status: "open",
		paymentStatus: "no_payment_required",
		currency,
		lineItems: [],
		shippingCountries: null,
		shippingRates: [],
		shippingRateId: null,
		phoneNumberCollection: false,
		automaticTax: false,
		discount: null,
		shippingDetails: null,
		customerPhone: null,
		successUrl: parseUrl(requiredString(params.success_url, "success_url"), "success_url"),
		cancelUrl: optionalUrl(params.cancel_url, "cancel_url"),
		uiMode: "hosted_page",
		clientSecret: null,
		clientReferenceId: parseClientReferenceId(params.client_reference_id),
		customerEmail: optionalEmail(params.customer_email, "customer_email"),
		locale: optionalEnum(params.locale, "locale", LOCALES),
		submitType: null,
		billingAddressCollection: null,
		allowPromotionCodes: null,
		metadata: metadataParam(params.metadata, "metadata"),
		paymentIntentData: { metadata: {}, description: null, receiptEmail: null },
		paymentIntentId: null,
		customerDetailsEmail: null,
		origin,
		branding: parseBranding(params.branding_settings),
		submitMessage: null,
	};
	session.customerDetailsEmail = customerEmailOf(state, session);
	return session;
}

// A session made for a Customer shows its email (`customer_details.email`) from the start.
function customerEmailOf(state: State, session: SessionRecord): string | null {
	return session.customerId ? (state.customers.get(session.customerId)?.email ?? null) : null;
}

function optionalCurrency(value: ParamObject[string] | undefined): string | undefined {
	const currency = optionalString(value, "currency");
	if (currency === undefined) return undefined;
	if (!/^[a-zA-Z]{3}$/.test(currency)) {
		throw invalidParam(`Invalid currency: ${currency}.`, "currency");
	}
	return currency.toLowerCase();
}

const REDISPLAY_FILTERS = ["always", "limited", "unspecified"] as const;
const ENABLED = ["enabled", "disabled"] as const;
const AUTO = ["auto", "never"] as const;

/**
 * `customer`, `customer_update` and `saved_payment_method_options`, as Stripe checks them:
 * the Customer must exist, `customer_email` cannot come with it, and `customer_update`
 * needs it.
 */
function parseCustomerParams(
	state: State,
	params: ParamObject,
): Pick<SessionRecord, "customerId" | "customerUpdate" | "savedPaymentMethodOptions"> {
	const customerId = optionalString(params.customer, "customer") ?? null;
	if (customerId !== null && params.customer_email !== undefined) {
		throw invalidParam(
			"You may only specify one of these parameters: customer, customer_email.",
			"customer_email",
		);
	}
	if (customerId !== null && !state.customers.has(customerId)) {
		throw invalidParam(`No such customer: '${customerId}'`, "customer", "resource_missing");
	}
	const update = optionalObject(params.customer_update, "customer_update");
	if (update && customerId === null) {
		throw invalidParam("customer_update can only be used with customer.", "customer_update");
	}
	if (update) rejectUnknown(update, ["address", "name", "shipping"], "customer_update");
	const choice = (name: "address" | "name" | "shipping") =>
		(update && optionalEnumParam(update[name], `customer_update[${name}]`, AUTO)) ?? "never";
	const saved = optionalObject(params.saved_payment_method_options, "saved_payment_method_options");
	if (saved) {
		rejectUnknown(
			saved,
			["allow_redisplay_filters", "payment_method_remove", "payment_method_save"],
			"saved_payment_method_options",
		);
	}
	const filters = saved
		? optionalStringArray(
				saved.allow_redisplay_filters,
				"saved_payment_method_options[allow_redisplay_filters]",
			)
		: undefined;
	return {
		customerId,
		customerUpdate: update
			? { address: choice("address"), name: choice("name"), shipping: choice("shipping") }
			: null,
		savedPaymentMethodOptions: saved
			? {
					allowRedisplayFilters:
						filters?.map((filter, index) => {
							const found = REDISPLAY_FILTERS.find((allowed) => allowed === filter);
							if (!found) {
								throw invalidParam(
									`Invalid allow_redisplay_filters: must be one of ${REDISPLAY_FILTERS.join(", ")}`,
									`saved_payment_method_options[allow_redisplay_filters][${index}]`,
								);
							}
							return found;
						}) ?? null,
					paymentMethodRemove:
						optionalEnumParam(
							saved.payment_method_remove,
							"saved_payment_method_options[payment_method_remove]",
							ENABLED,
						) ?? null,
					paymentMethodSave:
						optionalEnumParam(
							saved.payment_method_save,
							"saved_payment_method_options[payment_method_save]",
							ENABLED,
						) ?? null,
				}
			: null,
	};
}
