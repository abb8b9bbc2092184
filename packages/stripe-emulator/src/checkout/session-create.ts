import { invalidParam } from "../api/errors.ts";
import {
	metadataParam,
	optionalBoolean,
	optionalInteger,
	optionalObject,
	optionalString,
	type ParamObject,
	rejectUnknown,
	requiredString,
} from "../api/params.ts";
import { newSessionId } from "../state/ids.ts";
import type { SessionRecord } from "../state/store.ts";
import { MAX_AMOUNT, parseLineItems } from "./line-item-params.ts";

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
	"ui_mode",
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
	params: ParamObject,
	now: number,
	origin: string,
): SessionRecord {
	// This also refuses payment_method_types, removed in API 2026-09-30.endive.
	rejectUnknown(params, SESSION_PARAMS);
	const mode = requiredString(params.mode, "mode");
	if (mode !== "payment") {
		throw invalidParam(`The emulator only supports mode=payment (got ${mode}).`, "mode");
	}
	const uiMode = optionalString(params.ui_mode, "ui_mode");
	if (uiMode !== undefined && uiMode !== "hosted_page") {
		throw invalidParam(`Invalid ui_mode: the emulator only supports hosted_page.`, "ui_mode");
	}
	const lineItems = parseLineItems(params.line_items, now);
	const currency = lineItems[0]?.currency ?? "usd";
	const amountTotal = lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
	if (amountTotal < 1 || amountTotal > MAX_AMOUNT) {
		throw invalidParam(
			`The Checkout Session's total amount due must be between 1 and ${MAX_AMOUNT} ${currency} (minor units).`,
			"line_items",
		);
	}
	return {
		id: newSessionId(),
		created: now,
		expiresAt: parseExpiresAt(params.expires_at, now),
		status: "open",
		paymentStatus: "unpaid",
		currency,
		amountTotal,
		lineItems,
		successUrl: parseUrl(requiredString(params.success_url, "success_url"), "success_url"),
		cancelUrl: optionalUrl(params.cancel_url, "cancel_url"),
		clientReferenceId: parseClientReferenceId(params.client_reference_id),
		customerEmail: optionalEmail(params.customer_email, "customer_email"),
		locale: optionalString(params.locale, "locale") ?? null,
		submitType: optionalEnum(params.submit_type, "submit_type", ["auto", "pay", "book", "donate"]),
		billingAddressCollection: optionalEnum(
			params.billing_address_collection,
			"billing_address_collection",
			["auto", "required"],
		),
		allowPromotionCodes:
			optionalBoolean(params.allow_promotion_codes, "allow_promotion_codes") ?? null,
		metadata: metadataParam(params.metadata, "metadata"),
		paymentIntentData: parsePaymentIntentData(params.payment_intent_data),
		paymentIntentId: null,
		customerDetailsEmail: null,
		origin,
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
