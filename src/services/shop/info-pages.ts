import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { infoPages } from "../../db/schema.ts";
import { hasText } from "../../domain/info-text.ts";
import { INFO_PAGES, type InfoPage } from "../../domain/vocabulary.ts";
import type { Locale } from "../../i18n/catalogues.ts";
import { isoTime } from "../../lib/time.ts";
import { shopSaved } from "./identity.ts";

/** One information page as the console edits it (`GET /admin/pages`). */
export type InfoPageView = {
	slug: InfoPage;
	en: string;
	fr: string;
	/** It has text in some language: served at `/pages/<slug>` and linked from the footer and e-mails. */
	published: boolean;
	updatedAt: string | null;
	updatedBy: string | null;
};

export function isInfoPage(slug: string): slug is InfoPage {
	return (INFO_PAGES as readonly string[]).includes(slug);
}

/** Every page, in the footer's order, those never saved as empty ones. */
export async function allInfoPages(db: Db): Promise<InfoPageView[]> {
	const rows = await db.select().from(infoPages);
	return INFO_PAGES.map((slug) => {
		const row = rows.find((r) => r.slug === slug);
		return row ? view(row) : { ...view({ slug, en: "", fr: "" }), updatedAt: null };
	});
}

/**
 * A page's text for a shopper reading `locale`: theirs, or the default
 * language's where the owner wrote none in theirs; null: not published.
 */
export async function infoPageText(
	db: Db,
	slug: InfoPage,
	locale: Locale,
): Promise<{ text: string; locale: Locale } | null> {
	const [row] = await db.select().from(infoPages).where(eq(infoPages.slug, slug)).limit(1);
	if (!row) return null;
	if (hasText(row[locale])) return { text: row[locale], locale };
	if (hasText(row.en)) return { text: row.en, locale: "en" };
	if (hasText(row.fr)) return { text: row.fr, locale: "fr" };
	return null;
}

/** `PUT /admin/pages/<slug>`: both languages' texts; an empty text takes the page down in that language. */
export async function saveInfoPage(
	db: Db,
	slug: InfoPage,
	texts: { en: string; fr: string },
	actor: string,
	nowMs: number,
): Promise<InfoPageView> {
	const values = { ...texts, updatedBy: actor, updatedAt: nowMs };
	await db
		.insert(infoPages)
		.values({ slug, ...values })
		.onConflictDoUpdate({ target: infoPages.slug, set: values });
	// The footers and e-mails of this isolate link it (or stop linking it) from now on.
	shopSaved();
	return view({ slug, ...values });
}

function view(row: {
	slug: InfoPage;
	en: string;
	fr: string;
	updatedAt?: number;
	updatedBy?: string;
}): InfoPageView {
	return {
		slug: row.slug,
		en: row.en,
		fr: row.fr,
		published: hasText(row.en) || hasText(row.fr),
		updatedAt: row.updatedAt === undefined ? null : isoTime(row.updatedAt),
		updatedBy: row.updatedBy ?? null,
	};
}
