export const DAY_MS = 24 * 60 * 60 * 1000;

/** Milliseconds since the epoch as the API shows times: ISO 8601 UTC (`2026-12-01T12:00:00.000Z`). */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
	return ms === null ? null : new Date(ms).toISOString();
}
