/** How a bank debit ends once it settles. */
export type DelayedOutcome = "success" | "failure";

type Pending = { sessionId: string; outcome: DelayedOutcome; timer: NodeJS.Timeout };

/** Bank debits waiting to settle: each completes on its own after `delayMs`, or now on request. */
export class DelayedPayments {
	#pending = new Map<string, Pending>();
	#delayMs: number;
	#defaultDelayMs: number;
	#settle: (paymentIntentId: string, outcome: DelayedOutcome) => void;

	constructor(delayMs: number, settle: (paymentIntentId: string, outcome: DelayedOutcome) => void) {
		this.#delayMs = delayMs;
		this.#defaultDelayMs = delayMs;
		this.#settle = settle;
	}

	/** The wait before new bank debits settle. */
	delayMs(): number {
		return this.#delayMs;
	}

	/** Changes the wait for bank debits started from now on. */
	setDelayMs(delayMs: number): void {
		this.#delayMs = delayMs;
	}

	/** Starts the countdown for one PaymentIntent. */
	schedule(paymentIntentId: string, sessionId: string, outcome: DelayedOutcome): void {
		const timer = setTimeout(() => this.#complete(paymentIntentId), this.#delayMs);
		// A pending bank debit must not keep a CLI or test process alive.
		timer.unref();
		this.#pending.set(paymentIntentId, { sessionId, outcome, timer });
	}

	/** Settles pending debits now (only the session's when given); returns their session ids. */
	settleNow(sessionId?: string): string[] {
		const settled: string[] = [];
		for (const [paymentIntentId, pending] of [...this.#pending]) {
			if (sessionId && pending.sessionId !== sessionId) continue;
			settled.push(pending.sessionId);
			this.#complete(paymentIntentId);
		}
		return settled;
	}

	/** Forgets every pending debit without settling it. */
	clear(): void {
		for (const pending of this.#pending.values()) clearTimeout(pending.timer);
		this.#pending.clear();
		this.#delayMs = this.#defaultDelayMs;
	}

	#complete(paymentIntentId: string): void {
		const pending = this.#pending.get(paymentIntentId);
		if (!pending) return;
		clearTimeout(pending.timer);
		this.#pending.delete(paymentIntentId);
		this.#settle(paymentIntentId, pending.outcome);
	}
}
