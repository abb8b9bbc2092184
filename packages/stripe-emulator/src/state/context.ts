import type { PromotionCodeSeed } from "../discounts/seed.ts";
import { DelayedPayments } from "../payments/delayed-payments.ts";
import { settleDelayedPayment } from "../payments/delayed-settlement.ts";
import { WebhookDispatcher } from "../webhooks/dispatcher.ts";
import { type RequestSource, renderEvent } from "../webhooks/event-object.ts";
import type { WebhookTarget } from "../webhooks/types.ts";
import { newId } from "./ids.ts";
import type { JsonObject } from "./json.ts";
import { createState, type State } from "./store.ts";

/** Everything a handler needs: state, time, event emission and delivery. */
export type EmulatorContext = {
	state: State;
	clock: Clock;
	webhooks: WebhookDispatcher;
	delayed: DelayedPayments;
	/** Promotion codes created at start and again after a reset. */
	promotionCodeSeeds: readonly PromotionCodeSeed[];
	/** Subscription billing settings (what happens when an invoice's retries run out). */
	billing: BillingSettings;
	/** Where the emulator is reachable, for session `url`s; set once listening. */
	origin: string;
	log: (line: string) => void;
	/** Records an event (snapshotting `object`) and hands it to webhook delivery. */
	emit: (
		type: string,
		object: JsonObject,
		source: RequestSource,
		previousAttributes?: JsonObject,
	) => JsonObject;
};

/** What the account's Billing settings say about failed subscription payments. */
export type BillingSettings = {
	/** After the last failed attempt: cancel the subscription (Stripe's default) or leave it `unpaid`. */
	afterRetries: "cancel" | "unpaid";
	/** The start option, restored by a reset. */
	readonly startAfterRetries: "cancel" | "unpaid";
};

type ContextOptions = {
	webhookUrl: string | null;
	webhookEvents: readonly string[] | null;
	webhookSecret: string;
	retryBaseMs: number;
	delayedMs: number;
	promotionCodeSeeds: readonly PromotionCodeSeed[];
	afterRetries?: "cancel" | "unpaid";
	log: (line: string) => void;
};

/** Wires state, clock, delayed payments and webhook delivery together. */
export function createContext(options: ContextOptions): EmulatorContext {
	const state = createState();
	const clock = createClock();
	const webhooks = new WebhookDispatcher({
		config: {
			url: options.webhookUrl,
			events: options.webhookEvents,
			secret: options.webhookSecret,
			mode: "normal",
			delayMs: 0,
		},
		retryBaseMs: options.retryBaseMs,
		endpointsFor: (eventType) => endpointTargets(state, eventType),
		onDelivered: (eventId) => {
			const event = state.events.get(eventId);
			if (event && typeof event.pending_webhooks === "number" && event.pending_webhooks > 0) {
				event.pending_webhooks -= 1;
			}
		},
		log: options.log,
	});
	const context: EmulatorContext = {
		state,
		clock,
		webhooks,
		delayed: new DelayedPayments(options.delayedMs, (paymentIntentId, outcome) =>
			settleDelayedPayment(context, paymentIntentId, outcome),
		),
		promotionCodeSeeds: options.promotionCodeSeeds,
		billing: {
			afterRetries: options.afterRetries ?? "cancel",
			startAfterRetries: options.afterRetries ?? "cancel",
		},
		origin: "",
		log: options.log,
		emit(type, object, source, previousAttributes) {
			const event = renderEvent({
				id: newId("evt"),
				type,
				created: clock.now(),
				object,
				source,
				pendingWebhooks: webhooks.targetsFor(type).length,
				previousAttributes,
			});
			state.events.set(String(event.id), event);
			webhooks.dispatch(event);
			return event;
		},
	};
	return context;
}

function endpointTargets(state: State, eventType: string): WebhookTarget[] {
	const targets: WebhookTarget[] = [];
	for (const endpoint of state.webhookEndpoints.values()) {
		if (endpoint.status !== "enabled") continue;
		if (!endpoint.enabledEvents.includes("*") && !endpoint.enabledEvents.includes(eventType))
			continue;
		targets.push({ url: endpoint.url, secret: endpoint.secret, endpointId: endpoint.id });
	}
	return targets;
}

/** The emulator's own time: wall time plus an offset that tests can advance. */
export type Clock = {
	/** Unix seconds, as Stripe's `created` fields. */
	now(): number;
	/** Seconds added to wall time so far. */
	offsetSeconds(): number;
	advance(seconds: number): void;
	reset(): void;
};

/** Creates a clock that starts at wall time. */
export function createClock(): Clock {
	let offset = 0;
	return {
		now: () => Math.floor(Date.now() / 1000) + offset,
		offsetSeconds: () => offset,
		advance(seconds) {
			offset += seconds;
		},
		reset() {
			offset = 0;
		},
	};
}
