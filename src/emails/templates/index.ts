import type { Locale } from "../../i18n/catalogues.ts";
import {
	buildModel,
	buildSignInModel,
	buildSubscriptionModel,
	type EmailSubscription,
	type SubscriptionEmailKind,
} from "./build-model.ts";

export type { EmailSubscription, SubscriptionEmailKind } from "./build-model.ts";

import { renderHtml } from "./html-body.ts";
import { renderText } from "./text-body.ts";
import type { EmailContent, EmailExtra, EmailLinks, EmailOrder, OrderEmailKind } from "./types.ts";

export type {
	EmailContent,
	EmailExtra,
	EmailKind,
	EmailLinks,
	EmailOrder,
	OrderEmailKind,
} from "./types.ts";

/**
 * An order email in the order's language: subject, HTML and plain text. Pure:
 * no I/O, no clock, so the same order and links always give the same email
 * (a resend sends what was sent). `extra.refundAmount` is the refund this email
 * is about; without it, everything refunded so far.
 */
export function renderEmail(
	kind: OrderEmailKind,
	order: EmailOrder,
	links: EmailLinks,
	extra: EmailExtra = {},
): EmailContent {
	const model = buildModel(kind, order, links, extra);
	return { subject: model.subject, html: renderHtml(model), text: renderText(model) };
}

/** A sign-in link's e-mail (SPEC 14): subject, HTML and plain text. Pure, like `renderEmail`. */
export function renderSignInEmail(
	locale: Locale,
	signInUrl: string,
	links: Parameters<typeof buildSignInModel>[2],
): EmailContent {
	const model = buildSignInModel(locale, signInUrl, links);
	return { subject: model.subject, html: renderHtml(model), text: renderText(model) };
}

/** A subscription's e-mail (SPEC 15): subject, HTML and plain text. Pure, like `renderEmail`. */
export function renderSubscriptionEmail(
	kind: SubscriptionEmailKind,
	locale: Locale,
	sub: EmailSubscription,
	links: Parameters<typeof buildSubscriptionModel>[3],
): EmailContent {
	const model = buildSubscriptionModel(kind, locale, sub, links);
	return { subject: model.subject, html: renderHtml(model), text: renderText(model) };
}
