import type { TotalLine } from "../../domain/order-totals.ts";
import type { InfoPage } from "../../domain/vocabulary.ts";
import type { Locale } from "../../i18n/catalogues.ts";
import type { PostalAddress } from "../../lib/postal-address.ts";

export type { EmailKind } from "../../domain/vocabulary.ts";

/** The e-mails about an order (all but an account's sign-in link). */
export type OrderEmailKind =
	| "order_confirmation"
	| "payment_processing"
	| "payment_failed"
	| "refund"
	| "shipped";

export type EmailContent = { subject: string; html: string; text: string };

/** What an email shows of an order; amounts in minor units of `currency` (lowercase ISO 4217). */
export type EmailOrder = {
	id: string;
	/** The short order number shoppers see, e.g. "9599D66E". */
	number: string;
	locale: Locale;
	currency: string;
	/** `imageUrl`: the product's picture, an absolute URL a mail client can fetch; null: none shown. */
	items: { name: string; quantity: number; unitAmount: number; imageUrl?: string | null }[];
	subtotal: number;
	amountDiscount: number;
	/** The promotion code the shopper entered, when there was one. */
	discountCode: string | null;
	amountShipping: number;
	amountTax: number;
	/** What was charged. */
	amount: number;
	/** What the payment page asked on a declined attempt (shipping, tax, discount included), when known. */
	amountAsked: number | null;
	/** The order's status when the e-mail is sent: a checkout that ended is started again, not resumed. */
	status: string;
	amountRefunded: number;
	shipping: null | {
		name: string | null;
		phone: string | null;
		rateName: string | null;
		address: PostalAddress;
	};
	fulfillment: null | {
		carrier: string | null;
		trackingNumber: string | null;
		trackingUrl: string | null;
	};
	/** Stripe's decline code (e.g. "insufficient_funds"); the email says it in our words. */
	failureCode: string | null;
	/** Its totals as every reader shows them (src/domain/order-totals.ts). */
	totals: TotalLine[];
};

/**
 * The shop as the e-mail names it (its name, from the shop's identity) and its
 * absolute URLs: the order's status page, the same checkout again (with its
 * resume token), the shop.
 */
export type EmailLinks = {
	shopName: string;
	statusUrl: string;
	resumeUrl?: string | null;
	shopUrl: string;
	/** The shop's logo, an absolute URL; null (or absent): its name alone. */
	logoUrl?: string | null;
	/** The owner's colour (`#rrggbb`, readable under white text); null (or absent): the e-mails' own. */
	accentColor?: string | null;
	/** The order's download links (absolute), each with its line's name and when it expires. */
	downloads?: { name: string; url: string; expiresAt: number }[];
	/** The information pages with text, each an absolute URL in the e-mail's language (SPEC 17). */
	pages?: { slug: InfoPage; url: string }[];
};

export type EmailExtra = { refundAmount?: number };
