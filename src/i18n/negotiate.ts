import { isLocale, type Locale } from "./catalogues.ts";

/** Where the shopper's language can come from, in the order they count. */
export type LocaleHints = {
	/** `?lang=` on this request. */
	query?: string | null;
	/** The `lang` cookie: an earlier choice. */
	cookie?: string | null;
	acceptLanguage?: string | null;
	/** `DEFAULT_LOCALE`. */
	fallback: Locale;
};

/**
 * The page's language: `?lang=`, then the shopper's earlier choice (cookie), then
 * the browser's preferences (`Accept-Language`, by quality, `fr-CA` counting as
 * `fr`), then the shop's default.
 */
export function negotiateLocale(hints: LocaleHints): Locale {
	for (const given of [hints.query, hints.cookie]) {
		const value = given?.trim().toLowerCase();
		if (isLocale(value)) return value;
	}
	return fromAcceptLanguage(hints.acceptLanguage) ?? hints.fallback;
}

function fromAcceptLanguage(header: string | null | undefined): Locale | null {
	if (!header) return null;
	const ranges = header
		.split(",")
		.map((part, index) => {
			const [tag = "", ...params] = part.trim().split(";");
			const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
			const quality = q ? Number(q.slice(2)) : 1;
			return {
				tag: tag.trim().toLowerCase(),
				quality: Number.isFinite(quality) ? quality : 0,
				index,
			};
		})
		.filter((range) => range.tag !== "" && range.quality > 0)
		.sort((a, b) => b.quality - a.quality || a.index - b.index);
	for (const { tag } of ranges) {
		const primary = tag.split("-")[0];
		if (isLocale(primary)) return primary;
	}
	return null;
}
