/** Waits between tries of a write D1 refused (briefly unavailable): about 8 s in all. */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];

/**
 * Tries a write again with back-off, quietly giving up after about 8 s: for
 * work handed to `waitUntil` once the answer is sent (a D1 blip is short; what
 * still fails is left to the Cron).
 */
export async function retried(write: () => Promise<unknown>): Promise<void> {
	for (const ms of RETRY_DELAYS_MS) {
		await new Promise((resolve) => setTimeout(resolve, ms));
		try {
			await write();
			return;
		} catch {
			// D1 still down: wait longer.
		}
	}
}
