import { and, asc, desc, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import {
	downloads,
	emails,
	invoices,
	orderItems,
	orders,
	products,
	signInTokens,
	subscriptions,
} from "../../db/schema.ts";
import { productText } from "../../domain/product.ts";
import type { EmailStatus } from "../../domain/vocabulary.ts";
import {
	type EmailContent,
	type OrderEmailKind,
	renderEmail,
	renderSignInEmail,
	renderSubscriptionEmail,
	type SubscriptionEmailKind,
} from "../../emails/templates/index.ts";
import { isSingleAddress, senderOf } from "../../lib/email-address.ts";
import { AppError, isRefusal } from "../../lib/errors.ts";
import { describeError, errorMessage } from "../../lib/log.ts";
import { sha256Hex } from "../../lib/signed-token.ts";
import { isoTime } from "../../lib/time.ts";
import { nonceOfDedupeKey, signInToken } from "../accounts/sign-in.ts";
import { raiseAlert } from "../alerts/alerts.ts";
import type { Deps, MailDeps } from "../deps.ts";
import { downloadView } from "../orders/delivery.ts";
import type { DownloadRow, OrderItemRow, OrderRow } from "../orders/orders.ts";
import { adminOrder } from "../orders/view.ts";
import { type ShopIdentity, shopIdentity } from "../shop/identity.ts";
import { EmailSendError } from "./providers.ts";

/** Tries of one e-mail before it is `failed` (Queues retry it in between, with our backoff). */
export const MAX_EMAIL_TRIES = 6;
/** A delivery's claim on a try lapses after this (a delivery that died), and another may take it. */
export const EMAIL_CLAIM_TTL_MS = 60_000;
/** An outbox row still pending this long after its cause lost its queue message: reconciliation sends it again. */
export const LOST_EMAIL_AFTER_MS = 10 * 60_000;

export type EmailRow = typeof emails.$inferSelect;

/** What became of one delivery attempt; `retry` asks the queue to try again after `delaySeconds`. */
export type DeliveryOutcome =
	| { outcome: "sent" | "failed" | "gone" }
	| { outcome: "retry"; delaySeconds: number };

/** Seconds before try n+1: 10, 20, 40, 80, 160 (the first retry well within 30 s). */
export function retryDelaySeconds(attempt: number): number {
	return Math.min(10 * 2 ** (attempt - 1), 300);
}

/**
 * Sends one outbox e-mail (the queue consumer's work). A row already sent or
 * failed, or one that does not exist (its cause had written it before), is
 * `gone`. A temporary failure (network, 429, 5xx, a setting missing) is tried
 * again until the last try; a permanent one, or the last try, ends `failed` with
 * an `email_failed` alert.
 */
export async function deliverEmail(
	deps: MailDeps,
	emailId: string,
	attempt: number,
): Promise<DeliveryOutcome> {
	const { db } = deps;
	const now = deps.now();
	const orderOfEmail = sql`(select ${emails.orderId} from ${emails} where ${emails.id} = ${emailId})`;
	// One round trip: claim this try (a second delivery of the same row, as Queues deliver at least
	// once and the Cron may enqueue it again, stands back while the claim holds), and read the
	// row as it is then, its order and the order's items.
	const [claimed, current, orderRows, items, links] = await db.batch([
		db
			.update(emails)
			.set({ attempts: sql`${emails.attempts} + 1`, claimedAt: now })
			.where(
				and(
					eq(emails.id, emailId),
					eq(emails.status, "pending"),
					or(isNull(emails.claimedAt), lt(emails.claimedAt, now - EMAIL_CLAIM_TTL_MS)),
				),
			)
			.returning(),
		db
			.select({ status: emails.status, claimedAt: emails.claimedAt })
			.from(emails)
			.where(eq(emails.id, emailId))
			.limit(1),
		db.select().from(orders).where(eq(orders.id, orderOfEmail)).limit(1),
		// With each product's picture now (the order keeps no copy of it).
		db
			.select({ item: orderItems, imageUrl: products.imageUrl })
			.from(orderItems)
			.leftJoin(products, eq(products.id, orderItems.productId))
			.where(eq(orderItems.orderId, orderOfEmail))
			.orderBy(asc(orderItems.id)),
		// Its download links, for a confirmation (SPEC 17).
		db
			.select({
				token: downloads.token,
				name: orderItems.name,
				expiresAt: downloads.expiresAt,
				used: downloads.used,
			})
			.from(downloads)
			.innerJoin(orderItems, eq(orderItems.id, downloads.orderItemId))
			.where(and(eq(downloads.orderId, orderOfEmail), isNull(downloads.replacedAt)))
			.orderBy(asc(orderItems.id)),
	]);
	const email = claimed[0];
	if (!email) {
		const row = current[0];
		// Another delivery holds this try: ask again once its claim lapses (it has usually sent by then).
		if (row?.status === "pending" && row.claimedAt !== null)
			return {
				outcome: "retry",
				delaySeconds: Math.max(1, Math.ceil((row.claimedAt + EMAIL_CLAIM_TTL_MS - now) / 1000)),
			};
		return { outcome: "gone" };
	}
	const log = deps.log.child({ emailId, orderId: email.orderId, kind: email.kind });
	let subject: string | null = null;
	try {
		if (!isSingleAddress(email.to))
			throw new EmailSendError("its recipient is not one plain e-mail address", false);
		// The shop's name and contact (read once per isolate and kept): a reply reaches the owner.
		const shop = await shopIdentity(deps.db, deps.shopDefaults, deps.now());
		const content =
			email.kind === "sign_in"
				? await signInContent(deps, shop, email)
				: isSubscriptionKind(email.kind)
					? await subscriptionContent(deps, shop, email, email.kind)
					: orderContent(deps, shop, email, orderRows[0], items, links);
		if ("dropped" in content) {
			await settle(deps, email, {
				status: "sent",
				subject,
				lastError: `not sent: ${content.dropped}`,
			});
			log.info("e-mail dropped", { why: content.dropped });
			return { outcome: "sent" };
		}
		const { mailer } = deps;
		subject = content.subject;
		const providerMessageId = await mailer.send({
			idempotencyKey: email.resends === 0 ? email.id : `${email.id}-resend-${email.resends}`,
			from: senderOf(shop.name, mailer.from),
			replyTo: shop.contactEmail,
			to: email.to,
			kind: email.kind,
			...content,
		});
		await settle(deps, email, { status: "sent", subject, providerMessageId, sentAt: deps.now() });
		log.info("e-mail sent", { attempt });
		return { outcome: "sent" };
	} catch (err) {
		const temporary = err instanceof EmailSendError ? err.temporary : !isRefusal(err);
		const lastError = errorMessage(err).slice(0, 500);
		if (temporary && attempt < MAX_EMAIL_TRIES) {
			await settle(deps, email, { status: "pending", subject, lastError });
			log.warn("e-mail not sent yet", { attempt, error: lastError });
			return { outcome: "retry", delaySeconds: retryDelaySeconds(attempt) };
		}
		await settle(deps, email, { status: "failed", subject, lastError });
		log.error("e-mail failed", { attempt, ...describeError(err) });
		await raiseAlert(deps, {
			kind: "email_failed",
			orderId: email.orderId,
			message: `The ${email.kind} e-mail ${email.orderId ? `of order ${email.orderId}` : `to ${email.to}`} could not be sent after ${attempt} ${attempt === 1 ? "try" : "tries"}: ${lastError}`,
			dedupeKey: `email_failed:${email.id}:${email.resends}`,
		});
		return { outcome: "failed" };
	}
}

/**
 * A "payment failed" or "processing" message whose order has since moved on
 * (paid with another card a moment later): sending it would tell the shopper
 * something no longer true, and its Resume link would answer "already paid".
 */
function superseded(email: EmailRow, order: OrderRow): boolean {
	const stillTrue: Partial<Record<EmailRow["kind"], readonly string[]>> = {
		// Declined, then the session ended unpaid: still true, and Resume starts the same items again.
		payment_failed: ["failed", "expired"],
		payment_processing: ["processing"],
	};
	const statuses = stillTrue[email.kind];
	return statuses !== undefined && !statuses.includes(order.status);
}

/** What an order's e-mail says now, or why it is no longer to be sent. */
function orderContent(
	deps: MailDeps,
	shop: ShopIdentity,
	email: EmailRow,
	order: OrderRow | undefined,
	lines: { item: OrderItemRow; imageUrl: string | null }[],
	links: DownloadRow[],
): EmailContent | { dropped: string } {
	if (!order) throw new EmailSendError(`its order ${email.orderId} is gone`, false);
	if (superseded(email, order)) return { dropped: "the order has moved on" };
	const kind = email.kind;
	if (kind === "sign_in" || isSubscriptionKind(kind))
		throw new Error(`a ${kind} e-mail has no order to render`);
	return renderFor(deps, shop, { ...email, kind }, order, lines, links);
}

/**
 * A sign-in link's e-mail (SPEC 14): its token is made again from the
 * request's nonce (the row's dedupe key) and SESSION_SECRET, so neither the
 * outbox nor the queue ever holds it. A link already used, expired, or made
 * under another secret is not sent: it would not work.
 */
async function signInContent(
	deps: MailDeps,
	shop: ShopIdentity,
	email: EmailRow,
): Promise<EmailContent | { dropped: string }> {
	const nonce = nonceOfDedupeKey(email.dedupeKey);
	const secret = deps.sessionSecret;
	if (!nonce) throw new EmailSendError("it is not a sign-in request's e-mail", false);
	if (!secret) return { dropped: "accounts are off (SESSION_SECRET is not set)" };
	const token = await signInToken(secret, nonce);
	const [link] = await deps.db
		.select({
			origin: signInTokens.origin,
			usedAt: signInTokens.usedAt,
			expiresAt: signInTokens.expiresAt,
		})
		.from(signInTokens)
		.where(eq(signInTokens.tokenHash, await sha256Hex(token)))
		.limit(1);
	if (!link || link.usedAt !== null || link.expiresAt <= deps.now())
		return { dropped: "the sign-in link has been used or has expired" };
	const origin = deps.shopOrigin ?? link.origin;
	const lang = email.locale;
	const picture = (url: string | null) => (url && !url.endsWith(".svg") ? `${origin}${url}` : null);
	return renderSignInEmail(lang, `${origin}/account.html?${new URLSearchParams({ token, lang })}`, {
		shopName: shop.name,
		shopUrl: `${origin}/?lang=${lang}`,
		logoUrl: picture(shop.logoUrl),
		accentColor: shop.accentColor,
		pages: shop.pages.map((slug) => ({ slug, url: `${origin}/pages/${slug}?lang=${lang}` })),
	});
}

const SUBSCRIPTION_KINDS: readonly string[] = [
	"subscription_started",
	"subscription_payment_failed",
	"subscription_canceled",
] satisfies SubscriptionEmailKind[];
const isSubscriptionKind = (kind: string): kind is SubscriptionEmailKind =>
	SUBSCRIPTION_KINDS.includes(kind);

/**
 * A subscription's e-mail (SPEC 15), from the subscription as recorded now:
 * its plan in the customer's language, its price per period, when it renews;
 * for a failed payment, what its latest invoice asked. Its links lead to the
 * account page (sign in, fix the card, manage it).
 */
async function subscriptionContent(
	deps: MailDeps,
	shop: ShopIdentity,
	email: EmailRow,
	kind: SubscriptionEmailKind,
): Promise<EmailContent> {
	const id = email.subscriptionId ?? "";
	const [found] = await deps.db
		.select({ sub: subscriptions, product: products, amountDue: invoices.amountDue })
		.from(subscriptions)
		.leftJoin(products, eq(products.id, subscriptions.productId))
		.leftJoin(invoices, eq(invoices.id, subscriptions.latestInvoiceId))
		.where(eq(subscriptions.id, id))
		.limit(1);
	if (!found) throw new EmailSendError(`its subscription ${id} is not recorded`, false);
	const { sub, product } = found;
	const origin = deps.shopOrigin ?? sub.origin;
	if (!origin)
		throw new AppError(
			"config_invalid",
			"Server misconfigured: APP_URL is not set (e-mails link to the shop).",
		);
	const lang = email.locale;
	const picture = (url: string | null) => (url && !url.endsWith(".svg") ? `${origin}${url}` : null);
	return renderSubscriptionEmail(
		kind,
		lang,
		{
			planName: product ? productText(product, lang).name : sub.productId,
			quantity: sub.quantity,
			unitAmount: sub.unitAmount,
			currency: sub.currency,
			interval: sub.interval,
			currentPeriodEnd: sub.currentPeriodEnd,
			amountDue: found.amountDue,
		},
		{
			shopName: shop.name,
			shopUrl: `${origin}/?lang=${lang}`,
			accountUrl: `${origin}/account.html?lang=${lang}`,
			logoUrl: picture(shop.logoUrl),
			accentColor: shop.accentColor,
			pages: shop.pages.map((slug) => ({ slug, url: `${origin}/pages/${slug}?lang=${lang}` })),
		},
	);
}

/** The e-mail's content, rendered from its order now (a resend sends the same kind of message). */
function renderFor(
	deps: MailDeps,
	shop: ShopIdentity,
	email: EmailRow & { kind: OrderEmailKind },
	order: OrderRow,
	lines: { item: OrderItemRow; imageUrl: string | null }[],
	links: DownloadRow[],
) {
	// APP_URL once deployed (checkout requires it there); locally, where the order was placed.
	const origin = deps.shopOrigin ?? order.origin;
	if (!origin)
		throw new AppError(
			"config_invalid",
			"Server misconfigured: APP_URL is not set (e-mails link to the shop).",
		);
	const view = adminOrder(
		order,
		lines.map((l) => l.item),
		deps.now(),
	);
	// The language it was owed in (the order's at the time).
	const lang = email.locale;
	// A subscription's box has no checkout of its own: the account page lists it.
	const statusUrl = order.stripeCheckoutSessionId
		? `${origin}/success.html?${new URLSearchParams({ session_id: order.stripeCheckoutSessionId, lang })}`
		: order.subscriptionId
			? `${origin}/account.html?lang=${lang}`
			: `${origin}/?lang=${lang}`;
	const resumeUrl = order.resumeToken
		? `${origin}/cancel.html?${new URLSearchParams({ order_id: order.id, token: order.resumeToken, lang })}`
		: null;
	// Pictures mail clients show (the seed's SVG drawings are not among them), from the shop's origin.
	const picture = (url: string | null) => (url && !url.endsWith(".svg") ? `${origin}${url}` : null);
	const items = view.items.map((item, i) => ({
		...item,
		imageUrl: picture(lines[i]?.imageUrl ?? null),
	}));
	return renderEmail(
		email.kind,
		{ ...view, items, locale: lang },
		{
			shopName: shop.name,
			statusUrl,
			resumeUrl,
			shopUrl: `${origin}/?lang=${lang}`,
			logoUrl: picture(shop.logoUrl),
			accentColor: shop.accentColor,
			pages: shop.pages.map((slug) => ({ slug, url: `${origin}/pages/${slug}?lang=${lang}` })),
			// Only links that still open their file (a resend after the owner issued new ones shows those).
			downloads: links
				.map((link) => ({ ...downloadView(link, origin, deps.now()), expiresAt: link.expiresAt }))
				.filter((link) => link.usable),
		},
		email.amount === null ? {} : { refundAmount: email.amount },
	);
}

async function settle(
	deps: Deps,
	email: EmailRow,
	change: {
		status: EmailStatus;
		subject: string | null;
		providerMessageId?: string | null;
		sentAt?: number;
		lastError?: string;
	},
): Promise<void> {
	await deps.db
		.update(emails)
		.set({
			status: change.status,
			...(change.subject && { subject: change.subject }),
			...(change.providerMessageId !== undefined && {
				providerMessageId: change.providerMessageId,
			}),
			...(change.sentAt !== undefined && { sentAt: change.sentAt, lastError: null }),
			...(change.lastError !== undefined && { lastError: change.lastError }),
			claimedAt: null,
		})
		// An operator's resend since this try began is its own send: this one does not settle it.
		.where(
			and(eq(emails.id, email.id), eq(emails.status, "pending"), eq(emails.resends, email.resends)),
		);
}

/**
 * Outbox rows still pending 10 minutes after their cause (all tries end within about
 * five): their queue message was lost. Reconciliation sends them again; a delivery
 * still running stands back (each try is claimed).
 */
export async function requeueLostEmails(deps: Deps, limit = 50): Promise<number> {
	const rows = await deps.db
		.select({ id: emails.id })
		.from(emails)
		.where(
			and(eq(emails.status, "pending"), lt(emails.createdAt, deps.now() - LOST_EMAIL_AFTER_MS)),
		)
		.orderBy(asc(emails.createdAt))
		.limit(limit);
	await deps.enqueueEmails(rows.map((row) => row.id));
	return rows.length;
}

/** The operator's view of the outbox (`GET /admin/emails`), newest first. */
export async function listEmails(deps: Deps, query: { status?: EmailStatus; orderId?: string }) {
	const filters: SQL[] = [];
	if (query.status) filters.push(eq(emails.status, query.status));
	if (query.orderId) filters.push(eq(emails.orderId, query.orderId));
	const rows = await deps.db
		.select()
		.from(emails)
		.where(and(...filters))
		.orderBy(desc(emails.createdAt), desc(emails.id))
		.limit(100);
	return { emails: rows.map(adminEmail) };
}

export function adminEmail(email: EmailRow) {
	return {
		id: email.id,
		orderId: email.orderId,
		kind: email.kind,
		to: email.to,
		locale: email.locale,
		subject: email.subject,
		status: email.status,
		// A sent or failed e-mail may go again; a pending one is still on its way (the console's Resend).
		resendable: email.status !== "pending",
		// Sent again to a corrected address: the e-mail it repeats.
		resendOf: email.resendOf,
		attempts: email.attempts,
		lastError: email.lastError,
		createdAt: isoTime(email.createdAt),
		sentAt: isoTime(email.sentAt),
	};
}

/**
 * `POST /admin/emails/:id/resend`: the same message again, through the queue.
 * With `to` (a corrected address, one plain address), a new e-mail of the
 * outbox sends it there, recorded as a resend of this one (`resendOf`); the
 * first one stays as it was, to the address it went to. Throws 404.
 */
export async function resendEmail(deps: Deps, emailId: string, to?: string) {
	const [email] = await deps.db.select().from(emails).where(eq(emails.id, emailId)).limit(1);
	if (!email) throw new AppError("email_not_found", "No such e-mail.");
	if (to !== undefined && to !== email.to) return resendTo(deps, email, to);
	const [updated] = await deps.db
		.update(emails)
		.set({
			status: "pending",
			attempts: 0,
			lastError: null,
			resends: email.resends + 1,
			// The resend's own delivery may claim it at once, whatever an earlier try is doing.
			claimedAt: null,
		})
		.where(eq(emails.id, email.id))
		.returning();
	await deps.enqueueEmails([email.id]);
	return adminEmail(updated ?? email);
}

async function resendTo(deps: Deps, email: EmailRow, to: string) {
	const now = deps.now();
	const [copy] = await deps.db
		.insert(emails)
		.values({
			id: crypto.randomUUID(),
			orderId: email.orderId,
			kind: email.kind,
			to,
			locale: email.locale,
			amount: email.amount,
			resendOf: email.id,
			// Each correction is its own e-mail: never deduplicated against the first or another.
			dedupeKey: `${email.dedupeKey}:resend:${crypto.randomUUID()}`,
			createdAt: now,
		})
		.returning();
	if (!copy) throw new Error(`the resend of e-mail ${email.id} was not written`);
	deps.log.info("e-mail resent to a corrected address", {
		emailId: email.id,
		resendId: copy.id,
		orderId: email.orderId,
	});
	await deps.enqueueEmails([copy.id]);
	return adminEmail(copy);
}
