/**
 * A typed client of the mailbox's JSON API (`/api/messages`), for tests and
 * scripts. Plain `fetch`, so it runs in Node and inside workerd.
 */
import type { MailMessage, MessageFilter } from "./message.ts";

export type { MailMessage, MessageFilter } from "./message.ts";

export type WaitOptions = {
	/** Default 10 000. */
	timeoutMs?: number;
	/** How often to ask again; default 100. */
	intervalMs?: number;
};

export type MailboxClient = ReturnType<typeof mailboxClient>;

/** The mailbox at `baseUrl` (e.g. `http://127.0.0.1:12112`). */
export function mailboxClient(baseUrl: string) {
	const base = baseUrl.replace(/\/$/, "");
	async function call<T>(method: "GET" | "DELETE", path: string): Promise<T> {
		const res = await fetch(`${base}/api/messages${path}`, { method });
		const text = await res.text();
		if (!res.ok) throw new Error(`mailbox ${method} /api/messages${path}: ${res.status} ${text}`);
		return JSON.parse(text) as T;
	}
	const messages = (filter: MessageFilter = {}) => {
		const query = new URLSearchParams();
		if (filter.to) query.set("to", filter.to);
		if (filter.subject) query.set("subject", filter.subject);
		const search = query.size > 0 ? `?${query}` : "";
		return call<{ messages: MailMessage[] }>("GET", search).then((r) => r.messages);
	};
	return {
		url: base,
		/** The messages matching `filter`, newest first. */
		messages,
		message: (id: string) =>
			call<{ message: MailMessage }>("GET", `/${encodeURIComponent(id)}`).then((r) => r.message),
		/**
		 * The newest message matching `filter`, asking every `intervalMs` until
		 * one arrives; throws after `timeoutMs`, saying what the mailbox holds.
		 */
		waitFor: async (filter: MessageFilter, options: WaitOptions = {}): Promise<MailMessage> => {
			const timeoutMs = options.timeoutMs ?? 10_000;
			const intervalMs = options.intervalMs ?? 100;
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const [found] = await messages(filter);
				if (found) return found;
				const left = deadline - Date.now();
				if (left <= 0) break;
				await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
			}
			const held = (await messages()).map((m) => `${m.to.join(", ")}: ${m.subject}`);
			throw new Error(
				`no email matching ${JSON.stringify(filter)} within ${timeoutMs} ms; the mailbox holds ${
					held.length > 0 ? held.join("; ") : "nothing"
				}`,
			);
		},
		/** Forgets every message (and idempotency key); answers how many messages there were. */
		clear: () => call<{ deleted: number }>("DELETE", "").then((r) => r.deleted),
	};
}
