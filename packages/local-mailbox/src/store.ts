import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type MailMessage, type MessageFilter, matches } from "./message.ts";

/** Resend remembers an idempotency key for 24 hours. */
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

type KeyRecord = { fingerprint: string; messageId: string; at: number };
type Snapshot = { messages: MailMessage[]; idempotency: [string, KeyRecord][] };

/** What one `POST /emails` asks to keep, already validated. */
export type NewMessage = Omit<MailMessage, "id" | "receivedAt" | "idempotencyKey">;

/** The result of offering a message: kept, the earlier answer replayed, or a key reused for another message. */
export type Accepted =
	| { kind: "created" | "replayed"; message: MailMessage }
	| { kind: "conflict" };

/**
 * The mailbox's messages (oldest first) and idempotency keys, optionally kept
 * in a JSON file that is rewritten, atomically, after every change.
 */
export class MailStore {
	readonly #messages: MailMessage[] = [];
	readonly #keys = new Map<string, KeyRecord>();
	readonly #path: string | null;
	readonly #now: () => number;

	constructor(path: string | null, now: () => number = Date.now) {
		this.#path = path;
		this.#now = now;
		if (path && existsSync(path)) {
			const snapshot = JSON.parse(readFileSync(path, "utf8")) as Partial<Snapshot>;
			this.#messages.push(...(snapshot.messages ?? []));
			for (const [key, record] of snapshot.idempotency ?? []) this.#keys.set(key, record);
		}
	}

	/** Keeps `input`, unless `idempotencyKey` was seen in the last 24 hours (then the first answer, or a conflict). */
	accept(input: NewMessage, idempotencyKey: string | null): Accepted {
		const fingerprint = JSON.stringify(input);
		if (idempotencyKey !== null) {
			const seen = this.#keys.get(idempotencyKey);
			if (seen && this.#now() - seen.at < IDEMPOTENCY_WINDOW_MS) {
				if (seen.fingerprint !== fingerprint) return { kind: "conflict" };
				const earlier = this.get(seen.messageId);
				if (earlier) return { kind: "replayed", message: earlier };
			}
		}
		const message: MailMessage = {
			id: `em_${randomBytes(12).toString("hex")}`,
			...input,
			receivedAt: new Date(this.#now()).toISOString(),
			idempotencyKey,
		};
		this.#messages.push(message);
		if (idempotencyKey !== null)
			this.#keys.set(idempotencyKey, { fingerprint, messageId: message.id, at: this.#now() });
		this.#save();
		return { kind: "created", message };
	}

	get(id: string): MailMessage | undefined {
		return this.#messages.find((message) => message.id === id);
	}

	/** The messages matching `filter`, newest first. */
	list(filter: MessageFilter = {}): MailMessage[] {
		return this.#messages.filter((message) => matches(message, filter)).reverse();
	}

	/** Forgets every message and idempotency key; answers how many messages there were. */
	clear(): number {
		const count = this.#messages.length;
		this.#messages.length = 0;
		this.#keys.clear();
		this.#save();
		return count;
	}

	#save(): void {
		if (!this.#path) return;
		const cutoff = this.#now() - IDEMPOTENCY_WINDOW_MS;
		for (const [key, record] of this.#keys) if (record.at < cutoff) this.#keys.delete(key);
		const snapshot: Snapshot = { messages: this.#messages, idempotency: [...this.#keys] };
		mkdirSync(dirname(this.#path), { recursive: true });
		writeFileSync(`${this.#path}.tmp`, JSON.stringify(snapshot));
		renameSync(`${this.#path}.tmp`, this.#path);
	}
}
