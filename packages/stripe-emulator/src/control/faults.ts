import { StripeApiError } from "../api/errors.ts";

/** A rule making the next matching API requests fail or slow down. */
export type Fault = {
	id: number;
	/** Substring of `"METHOD /path?query"` or of the raw body; null matches every request. */
	match: string | null;
	/** Answer this HTTP status as a Stripe error; null = only delay, then answer normally. */
	status: number | null;
	/** Matching requests still to affect. */
	remaining: number;
	delayMs: number;
	type: string;
	/** `before`: the request never runs; `after`: it runs (and is kept for idempotent replay) but the answer is lost. */
	phase: "before" | "after";
	/** The request waits (at its phase) until `release()`: a slow answer with no clock in the test. */
	hold: boolean;
};

export type FaultInput = {
	phase?: "before" | "after";
	match?: string;
	status?: number;
	count?: number;
	delayMs?: number;
	type?: string;
	hold?: boolean;
};

/** Keeps fault rules; each matching request uses up one of the first matching rule's `count`. */
export class FaultInjector {
	#faults: Fault[] = [];
	#nextId = 1;
	/** Requests waiting at a `hold` fault, by the fault's id. */
	#held = new Map<number, (() => void)[]>();

	/** Adds a rule (count defaults to 1). */
	add(input: FaultInput): Fault {
		const fault: Fault = {
			id: this.#nextId++,
			match: input.match ?? null,
			status: input.status ?? null,
			remaining: input.count ?? 1,
			delayMs: input.delayMs ?? 0,
			type: input.type ?? "api_error",
			phase: input.phase ?? "before",
			hold: input.hold ?? false,
		};
		this.#faults.push(fault);
		return { ...fault };
	}

	/** The rules still active. */
	list(): Fault[] {
		return this.#faults.map((fault) => ({ ...fault }));
	}

	/** Forgets every rule and lets held requests go on. */
	clear(): void {
		this.#faults = [];
		this.release();
	}

	/** Resolves when `release()` is called for its fault: where a `hold` fault's request waits. */
	wait(faultId: number): Promise<void> {
		return new Promise((resolve) => {
			this.#held.set(faultId, [...(this.#held.get(faultId) ?? []), resolve]);
		});
	}

	/**
	 * Lets the requests held by one fault go on (every fault's without an id: a
	 * test sharing the emulator with others names its own); answers how many.
	 */
	release(faultId?: number): number {
		const ids = faultId === undefined ? [...this.#held.keys()] : [faultId];
		let released = 0;
		for (const id of ids) {
			const held = this.#held.get(id) ?? [];
			this.#held.delete(id);
			for (const resolve of held) resolve();
			released += held.length;
		}
		return released;
	}

	/** Requests waiting for `release()`: one fault's, or all. */
	heldCount(faultId?: number): number {
		if (faultId !== undefined) return this.#held.get(faultId)?.length ?? 0;
		return [...this.#held.values()].reduce((sum, held) => sum + held.length, 0);
	}

	/** Consumes the first rule matching this request, if any. */
	take(requestLine: string, rawBody: string): Fault | null {
		const decodedBody = safeDecode(rawBody);
		const fault = this.#faults.find(
			(rule) =>
				rule.match === null ||
				requestLine.includes(rule.match) ||
				rawBody.includes(rule.match) ||
				decodedBody.includes(rule.match),
		);
		if (!fault) return null;
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.#faults = this.#faults.filter((rule) => rule !== fault);
		return { ...fault };
	}
}

/** The Stripe error a fault answers with. */
export function faultError(fault: Fault): StripeApiError {
	const message =
		fault.status !== null && fault.status >= 500
			? "An unknown error occurred (injected by the emulator)."
			: "Request failed (injected by the emulator).";
	return new StripeApiError(fault.status ?? 500, fault.type, message);
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text.replaceAll("+", " "));
	} catch {
		return text;
	}
}
