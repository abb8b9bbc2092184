import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { SessionRecord, State } from "./store.ts";

/** The parts of the state that outlive a restart: Stripe's objects, not logs or requests in flight. */
const KEPT = [
	"sessions",
	"paymentIntents",
	"charges",
	"refunds",
	"events",
	"webhookEndpoints",
	"coupons",
	"promotionCodes",
	"shippingRates",
	"customers",
	"paymentMethods",
	"setupIntents",
	"portalSessions",
	"products",
	"prices",
	"subscriptions",
	"invoices",
	"idempotency",
] as const;

type Snapshot = { [K in (typeof KEPT)[number]]: [string, unknown][] };

function serialize(state: State): string {
	const snapshot = {} as Snapshot;
	for (const key of KEPT) snapshot[key] = [...state[key].entries()];
	return JSON.stringify(snapshot);
}

/** Loads a snapshot written by `persistState` into `state` (in place); a missing file is an empty start. */
export function loadState(state: State, path: string): void {
	if (!existsSync(path)) return;
	const snapshot = JSON.parse(readFileSync(path, "utf8")) as Partial<Snapshot>;
	for (const key of KEPT) {
		const map = state[key] as Map<string, unknown>;
		for (const [id, record] of snapshot[key] ?? []) map.set(id, record);
	}
	for (const session of state.sessions.values()) upgradeSession(session);
}

// Sessions kept by an emulator from before shipping, discounts and tax get those fields empty.
function upgradeSession(session: SessionRecord): void {
	const defaults: Partial<SessionRecord> = {
		shippingCountries: null,
		shippingRates: [],
		shippingRateId: null,
		phoneNumberCollection: false,
		automaticTax: false,
		discount: null,
		shippingDetails: null,
		customerPhone: null,
	};
	for (const [key, value] of Object.entries(defaults)) {
		if (!(key in session)) Object.assign(session, { [key]: value });
	}
	for (const item of session.lineItems) {
		item.taxBehavior ??= "unspecified";
		item.taxCode ??= null;
	}
}

/**
 * Keeps `state` in a JSON file, so that a restart of `npm run dev` finds the
 * sessions and payments the local D1 still refers to. Written when it changed,
 * at most once a second, and on `flush()`. The file is replaced atomically.
 */
export function persistState(state: State, path: string): { flush(): void; stop(): void } {
	mkdirSync(dirname(path), { recursive: true });
	let written = "";
	const flush = () => {
		const text = serialize(state);
		if (text === written) return;
		writeFileSync(`${path}.tmp`, text);
		renameSync(`${path}.tmp`, path);
		written = text;
	};
	const timer = setInterval(flush, 1000);
	timer.unref();
	return {
		flush,
		stop: () => {
			clearInterval(timer);
			flush();
		},
	};
}
