import { formatMoney } from "shop-money";
import { DOWNLOAD_LIMIT, linkEnds } from "../../domain/downloads.ts";
import {
	declineText,
	infoPageTitle,
	type Locale,
	type MessageKey,
	translate,
} from "../../i18n/catalogues.ts";
import { webUrl } from "../../lib/web-url.ts";
import type { EmailModel, Link, Row } from "./model.ts";
import { addressLines, itemRows, totalRows } from "./order-parts.ts";
import type { EmailExtra, EmailLinks, EmailOrder, OrderEmailKind } from "./types.ts";

/** What only one kind says: its subject, headline, lines and, for some, a button or the parcel. */
type KindParts = Pick<EmailModel, "subject" | "heading" | "paragraphs" | "notice" | "action"> &
	Partial<Pick<EmailModel, "shipment">> & { refundedNow?: number };

/** The email as data, in the order's language: the same model becomes the HTML and the text. */
export function buildModel(
	kind: OrderEmailKind,
	order: EmailOrder,
	links: EmailLinks,
	extra: EmailExtra = {},
): EmailModel {
	const { locale } = order;
	const brand = links.shopName;
	const parts = kindParts(kind, order, links, extra, brand);
	const address = addressLines(order);
	return {
		locale,
		brand,
		logoUrl: links.logoUrl ?? null,
		accent: links.accentColor ?? DEFAULT_ACCENT,
		subject: parts.subject,
		preheader: parts.paragraphs[0] ?? parts.heading,
		heading: parts.heading,
		greeting: translate(locale, "email.hello"),
		paragraphs: parts.paragraphs,
		notice: parts.notice,
		action: parts.action,
		shipment: parts.shipment ?? null,
		downloads: kind === "order_confirmation" ? downloads(order, links) : null,
		order: {
			label: translate(locale, "email.order", { number: order.number }),
			itemsHeading: translate(locale, "email.items"),
			items: itemRows(order),
			totals: totalRows(order, {
				refundedNow: parts.refundedNow,
				asked: kind === "payment_failed",
			}),
		},
		address: address ? { heading: translate(locale, "email.shipTo"), lines: address } : null,
		status: { label: translate(locale, "email.viewOrder"), url: links.statusUrl },
		shop: { label: translate(locale, "email.visitShop"), url: links.shopUrl },
		footer: translate(locale, "email.footer", { brand }),
		pages: (links.pages ?? []).map(({ slug, url }) => ({
			label: translate(locale, infoPageTitle(slug)),
			url,
		})),
	};
}

/** The e-mails' colour when the owner chose none. */
export const DEFAULT_ACCENT = "#7a4a22";

function kindParts(
	kind: OrderEmailKind,
	order: EmailOrder,
	links: EmailLinks,
	extra: EmailExtra,
	brand: string,
): KindParts {
	const { locale, number } = order;
	const t = (key: MessageKey, params: Record<string, string> = {}) =>
		translate(locale, key, { brand, number, ...params });
	const plain = { notice: null, action: null };
	switch (kind) {
		case "order_confirmation":
			return {
				...plain,
				subject: t("email.order_confirmation.subject"),
				heading: t("email.order_confirmation.heading"),
				paragraphs: [
					t("email.order_confirmation.intro"),
					...(order.shipping ? [t("email.order_confirmation.next")] : []),
				],
			};
		case "payment_processing":
			return {
				...plain,
				subject: t("email.payment_processing.subject"),
				heading: t("email.payment_processing.heading"),
				paragraphs: [t("email.payment_processing.intro"), t("email.payment_processing.next")],
			};
		case "payment_failed": {
			const resume = links.resumeUrl;
			// Its checkout ended (the shopper left): the link starts the same items again.
			const ended = order.status === "expired" || order.status === "canceled";
			return {
				subject: t("email.payment_failed.subject"),
				heading: t("email.payment_failed.heading"),
				paragraphs: [
					t("email.payment_failed.intro"),
					t(
						!resume
							? "email.payment_failed.noResume"
							: ended
								? "email.payment_failed.startAgain"
								: "email.payment_failed.resume",
					),
				],
				notice: declineText(order.failureCode, locale),
				action: resume
					? {
							label: t(
								ended
									? "email.payment_failed.startAgainButton"
									: "email.payment_failed.resumeButton",
							),
							url: resume,
						}
					: null,
			};
		}
		case "refund": {
			const refundedNow = extra.refundAmount ?? order.amountRefunded;
			const amount = formatMoney(refundedNow, order.currency, locale);
			const full = order.amount > 0 && order.amountRefunded >= order.amount;
			return {
				...plain,
				subject: t("email.refund.subject", { amount }),
				heading: t("email.refund.heading"),
				paragraphs: [
					t("email.refund.intro", { amount }),
					...(full ? [t("email.refund.full")] : []),
					// Links that still worked until now: refused from the full refund on.
					...(full && (links.downloads?.length ?? 0) > 0 ? [t("email.refund.downloadsEnded")] : []),
					t("email.refund.delay"),
				],
				refundedNow,
			};
		}
		case "shipped":
			return {
				...plain,
				subject: t("email.shipped.subject"),
				heading: t("email.shipped.heading"),
				paragraphs: [t("email.shipped.intro")],
				shipment: shipment(order, t),
			};
	}
}

/** The files a paid order delivers; none once it is refunded (its links are refused then). */
function downloads(order: EmailOrder, links: EmailLinks): EmailModel["downloads"] {
	const files = links.downloads ?? [];
	const first = files[0];
	if (!first || (order.status !== "paid" && order.status !== "fulfilled")) return null;
	const { locale } = order;
	const date = linkEnds(first.expiresAt, locale);
	return {
		heading: translate(locale, "email.downloads"),
		links: files.map((f) => ({
			label: translate(locale, "email.download", { name: f.name }),
			url: f.url,
		})),
		note: translate(locale, "email.downloadNote", { count: String(DOWNLOAD_LIMIT), date }),
	};
}

function shipment(
	order: EmailOrder,
	t: (key: MessageKey) => string,
): NonNullable<EmailModel["shipment"]> | null {
	const f = order.fulfillment;
	if (!f) return null;
	const rows: Row[] = [];
	if (f.carrier) rows.push({ label: t("email.shipped.carrier"), value: f.carrier });
	if (f.trackingNumber)
		rows.push({ label: t("email.shipped.trackingNumber"), value: f.trackingNumber });
	let link: Link | null = null;
	if (f.trackingUrl && webUrl(f.trackingUrl))
		link = { label: t("email.shipped.track"), url: f.trackingUrl };
	// Not a web address: the shopper still reads it, nobody can click it.
	else if (f.trackingUrl)
		rows.push({ label: t("email.shipped.trackingLink"), value: f.trackingUrl });
	if (rows.length === 0 && !link) return null;
	return { heading: t("email.shipped.details"), rows, link };
}

/**
 * A sign-in link's e-mail (SPEC 14), in the language it was asked in: the
 * button, how long it works, and what to do when it was not you. No order.
 */
export function buildSignInModel(
	locale: Locale,
	signInUrl: string,
	links: Pick<EmailLinks, "shopName" | "shopUrl" | "logoUrl" | "accentColor" | "pages">,
): EmailModel {
	const brand = links.shopName;
	const t = (key: MessageKey) => translate(locale, key, { brand });
	return withoutOrder(locale, links, {
		subject: t("email.sign_in.subject"),
		heading: t("email.sign_in.heading"),
		paragraphs: [t("email.sign_in.intro"), t("email.sign_in.notYou")],
		action: { label: t("email.sign_in.button"), url: signInUrl },
		footer: t("email.sign_in.footer"),
	});
}

/** An account's e-mail, about no order: its own words in the shop's frame. */
function withoutOrder(
	locale: Locale,
	links: Pick<EmailLinks, "shopName" | "shopUrl" | "logoUrl" | "accentColor" | "pages">,
	parts: Pick<EmailModel, "subject" | "heading" | "paragraphs" | "action" | "footer">,
): EmailModel {
	return {
		...parts,
		locale,
		brand: links.shopName,
		logoUrl: links.logoUrl ?? null,
		accent: links.accentColor ?? DEFAULT_ACCENT,
		preheader: parts.paragraphs[0] ?? parts.heading,
		greeting: translate(locale, "email.hello"),
		notice: null,
		shipment: null,
		downloads: null,
		order: null,
		address: null,
		status: null,
		shop: { label: translate(locale, "email.visitShop"), url: links.shopUrl },
		pages: (links.pages ?? []).map(({ slug, url }) => ({
			label: translate(locale, infoPageTitle(slug)),
			url,
		})),
	};
}

/** What a subscription's e-mail says of it (SPEC 15). */
export type EmailSubscription = {
	planName: string;
	quantity: number;
	/** Per period, in minor units of `currency`. */
	unitAmount: number;
	currency: string;
	interval: "month" | "year";
	/** When it renews next (ms); null: not known. */
	currentPeriodEnd: number | null;
	/** What the failed invoice asked, for a failed payment. */
	amountDue?: number | null;
};

export type SubscriptionEmailKind =
	| "subscription_started"
	| "subscription_payment_failed"
	| "subscription_canceled";

/**
 * A subscription's e-mail: it started (its price per period, when it renews,
 * where to manage it), its payment failed (what was asked, and the account
 * page where the card is fixed), it ended. No order.
 */
export function buildSubscriptionModel(
	kind: SubscriptionEmailKind,
	locale: Locale,
	sub: EmailSubscription,
	links: Pick<EmailLinks, "shopName" | "shopUrl" | "logoUrl" | "accentColor" | "pages"> & {
		accountUrl: string;
	},
): EmailModel {
	const brand = links.shopName;
	const plan = sub.quantity > 1 ? `${sub.planName} × ${sub.quantity}` : sub.planName;
	const price = translate(locale, sub.interval === "year" ? "shop.perYear" : "shop.perMonth", {
		price: formatMoney(sub.unitAmount * sub.quantity, sub.currency, locale),
	});
	const date = sub.currentPeriodEnd
		? new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(
				new Date(sub.currentPeriodEnd),
			)
		: null;
	const t = (key: MessageKey, params: Record<string, string> = {}) =>
		translate(locale, key, { brand, plan, price, ...params });
	const account = (key: MessageKey) => ({ label: t(key), url: links.accountUrl });
	const parts: Pick<EmailModel, "subject" | "heading" | "paragraphs" | "action"> =
		kind === "subscription_started"
			? {
					subject: t("email.subscription_started.subject"),
					heading: t("email.subscription_started.heading"),
					paragraphs: [
						t("email.subscription_started.intro"),
						...(date ? [t("email.subscription_started.renews", { date })] : []),
					],
					action: account("email.subscription.manage"),
				}
			: kind === "subscription_payment_failed"
				? {
						subject: t("email.subscription_payment_failed.subject"),
						heading: t("email.subscription_payment_failed.heading"),
						paragraphs: [
							t("email.subscription_payment_failed.intro", {
								amount: formatMoney(
									sub.amountDue ?? sub.unitAmount * sub.quantity,
									sub.currency,
									locale,
								),
							}),
							t("email.subscription_payment_failed.fix"),
						],
						action: account("email.subscription_payment_failed.button"),
					}
				: {
						subject: t("email.subscription_canceled.subject"),
						heading: t("email.subscription_canceled.heading"),
						paragraphs: [t("email.subscription_canceled.intro")],
						action: null,
					};
	return withoutOrder(locale, links, { ...parts, footer: t("email.subscription.footer") });
}
