import { type Locale, translate } from "../../i18n/catalogues.ts";

/** A link; the renderers make it clickable only when `url` is http(s). */
export type Link = { label: string; url: string };
export type Row = { label: string; value: string; strong?: boolean; image?: string | null };

/**
 * One email as data, before it is HTML or text: both versions are written from
 * the same model, so they say the same things.
 */
export type EmailModel = {
	locale: Locale;
	brand: string;
	/** The shop's logo above the e-mail (its name as the alt text); null: the name written out. */
	logoUrl: string | null;
	/** The colour of the name, buttons and links. */
	accent: string;
	subject: string;
	/** The line mail clients show after the subject. */
	preheader: string;
	heading: string;
	greeting: string;
	paragraphs: string[];
	/** Set apart from the paragraphs: why a payment failed. */
	notice: string | null;
	/** The one button, e.g. "Resume payment". */
	action: Link | null;
	shipment: { heading: string; rows: Row[]; link: Link | null } | null;
	/** A paid order's files (SPEC 17): a button each, and how long and how often they work. */
	downloads: { heading: string; links: Link[]; note: string } | null;
	/** The order it is about; null: an account's e-mail (a sign-in link) is about none. */
	order: { label: string; itemsHeading: string; items: Row[]; totals: Row[] } | null;
	address: { heading: string; lines: string[] } | null;
	/** The order's status page; null without an order. */
	status: Link | null;
	shop: Link;
	footer: string;
	/** The shop's information pages (terms, returns, privacy…), in the footer. */
	pages: Link[];
};

/** "Label: value", with the language's spacing ("Total : 12,00 €" in French). */
export function labelled(locale: Locale, label: string, value: string): string {
	return translate(locale, "email.labelValue", { label, value });
}
