/** A download link's life (SPEC 17): this many days from its issue, this many downloads. */
export const DOWNLOAD_DAYS = 7;
export const DOWNLOAD_LIMIT = 5;

/**
 * Until when a link works, as its reader reads it: the day and the time, in
 * UTC and saying so (a day alone would be a day early or late somewhere).
 */
export function linkEnds(expiresAt: number, locale: string): string {
	const when = new Intl.DateTimeFormat(locale, {
		dateStyle: "long",
		timeStyle: "short",
		timeZone: "UTC",
	}).format(expiresAt);
	return `${when} UTC`;
}

export type ProductFile = { key: string; name: string; type: string; size: number };

/** The file a product's `file` column names, or null. */
export function fileOf(column: string | null): ProductFile | null {
	if (!column) return null;
	const parsed = JSON.parse(column) as ProductFile;
	return typeof parsed.key === "string" ? parsed : null;
}
