/** A download link's life (SPEC 17): this many days from its issue, this many downloads. */
export const DOWNLOAD_DAYS = 7;
export const DOWNLOAD_LIMIT = 5;

export type ProductFile = { key: string; name: string; type: string; size: number };

/** The file a product's `file` column names, or null. */
export function fileOf(column: string | null): ProductFile | null {
	if (!column) return null;
	const parsed = JSON.parse(column) as ProductFile;
	return typeof parsed.key === "string" ? parsed : null;
}
