/**
 * The URL, normalised, when it is a web address (http or https); null for
 * anything else (`javascript:`, `data:`, text). What the shopper's pages and
 * e-mails are willing to make a link of.
 */
export function webUrl(url: string): string | null {
	try {
		const parsed = new URL(url);
		return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
	} catch {
		return null;
	}
}
