import { buildModel } from "./build-model.ts";
import { renderHtml } from "./html-body.ts";
import { renderText } from "./text-body.ts";
import type { EmailContent, EmailExtra, EmailKind, EmailLinks, EmailOrder } from "./types.ts";

export type { EmailContent, EmailExtra, EmailKind, EmailLinks, EmailOrder } from "./types.ts";

/**
 * An order email in the order's language: subject, HTML and plain text. Pure:
 * no I/O, no clock, so the same order and links always give the same email
 * (a resend sends what was sent). `extra.refundAmount` is the refund this email
 * is about; without it, everything refunded so far.
 */
export function renderEmail(
	kind: EmailKind,
	order: EmailOrder,
	links: EmailLinks,
	extra: EmailExtra = {},
): EmailContent {
	const model = buildModel(kind, order, links, extra);
	return { subject: model.subject, html: renderHtml(model), text: renderText(model) };
}
