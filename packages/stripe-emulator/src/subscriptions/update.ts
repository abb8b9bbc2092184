import { invalidParam, invalidState } from "../api/errors.ts";
import {
	mergeMetadata,
	optionalArray,
	optionalBoolean,
	optionalEnumParam,
	optionalInteger,
	optionalObject,
	optionalString,
	type Param,
	type ParamObject,
	rejectUnknown,
	requiredString,
} from "../api/params.ts";
import type { EmulatorContext } from "../state/context.ts";
import { patch, type SubscriptionRecord } from "../state/store.ts";
import type { RequestSource } from "../webhooks/event-object.ts";
import { changeSubscription, subscriptionNow } from "./billing.ts";

/*
 * What can change on a subscription: the cancellation at the period's end (or at a date),
 * an item's quantity (never prorated: the next renewal bills the new quantity), the default
 * card, metadata. The API, the Billing Portal and the control API all change it here.
 */

const UPDATE_PARAMS = [
	"cancel_at_period_end",
	"cancel_at",
	"cancellation_details",
	"items",
	"metadata",
	"default_payment_method",
	"description",
	"proration_behavior",
	"payment_behavior",
	"off_session",
	"expand",
];
const FEEDBACK = [
	"customer_service",
	"low_quality",
	"missing_features",
	"other",
	"switched_service",
	"too_complex",
	"too_expensive",
	"unused",
] as const;
const PRORATION = ["always_invoice", "create_prorations", "none"] as const;
const PAYMENT_BEHAVIOR = [
	"allow_incomplete",
	"default_incomplete",
	"error_if_incomplete",
	"pending_if_incomplete",
] as const;

type Change = (sub: SubscriptionRecord) => void;

/**
 * `POST /v1/subscriptions/:id`: every param checked before anything changes, then one
 * `customer.subscription.updated` (with `previous_attributes`) when something shows.
 */
export function updateSubscription(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	params: ParamObject,
	source: RequestSource,
): void {
	rejectUnknown(params, UPDATE_PARAMS);
	const ended = sub.status === "canceled" || sub.status === "incomplete_expired";
	if (ended) {
		const other = Object.keys(params).find(
			(key) => !["metadata", "cancellation_details", "expand"].includes(key),
		);
		if (other) {
			throw invalidState(
				"A canceled subscription can only update its cancellation_details and metadata.",
				undefined,
				other,
			);
		}
	}
	optionalEnumParam(params.proration_behavior, "proration_behavior", PRORATION);
	optionalEnumParam(params.payment_behavior, "payment_behavior", PAYMENT_BEHAVIOR);
	optionalBoolean(params.off_session, "off_session");
	const changes: Change[] = [
		cancellationChange(ctx, sub, params),
		detailsChange(params.cancellation_details),
		itemsChange(sub, params.items),
		defaultPaymentMethodChange(ctx, sub, params.default_payment_method),
	];
	const description = params.description;
	if (description !== undefined) {
		const text = description === "" ? null : requiredString(description, "description");
		changes.push((s) => {
			s.description = text;
		});
	}
	if (params.metadata !== undefined) {
		const metadata =
			params.metadata === "" ? {} : mergeMetadata(sub.metadata, params.metadata, "metadata");
		changes.push((s) => {
			s.metadata = metadata;
		});
	}
	changeSubscription(
		ctx,
		sub,
		(s) => {
			for (const change of changes) change(s);
		},
		source,
	);
}

/** Cancels at the end of the current period, or takes that back (`cancel_at_period_end`). */
export function setCancelAtPeriodEnd(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	cancel: boolean,
	source: RequestSource,
): void {
	requireCurrent(sub);
	const now = subscriptionNow(ctx, sub);
	changeSubscription(
		ctx,
		sub,
		(s) => applyCancellation(s, cancel ? "period_end" : null, now),
		source,
	);
}

/** Sets an item's quantity (the first item unless told); no proration, as `proration_behavior=none`. */
export function setQuantity(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	quantity: number,
	source: RequestSource,
	itemId = sub.items[0]?.id,
): void {
	requireCurrent(sub);
	const item = sub.items.find((candidate) => candidate.id === itemId);
	if (!item) throw invalidParam(`No such subscription item: '${itemId}'`, "items[0][id]");
	changeSubscription(
		ctx,
		sub,
		(s) => {
			const target = s.items.find((candidate) => candidate.id === item.id);
			if (target) target.quantity = quantity;
		},
		source,
	);
}

/** Makes a card the subscription's `default_payment_method` (it must be its Customer's). */
export function setSubscriptionDefault(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	paymentMethodId: string,
	source: RequestSource,
): void {
	changeSubscription(
		ctx,
		sub,
		(s) => {
			s.defaultPaymentMethodId = paymentMethodId;
		},
		source,
	);
}

function requireCurrent(sub: SubscriptionRecord): void {
	if (sub.status === "canceled" || sub.status === "incomplete_expired") {
		throw invalidState(`Subscription ${sub.id} has ended and cannot be changed.`);
	}
}

// `period_end`: at the end of the current period; a number: then; null: no cancellation.
function applyCancellation(
	sub: SubscriptionRecord,
	when: "period_end" | number | null,
	now: number,
): void {
	if (when === null) {
		patch(sub, { cancelAtPeriodEnd: false, cancelAt: null, canceledAt: null });
		sub.cancellationDetails = { ...sub.cancellationDetails, reason: null };
		return;
	}
	patch(sub, {
		cancelAtPeriodEnd: when === "period_end",
		cancelAt: when === "period_end" ? sub.currentPeriodEnd : when,
		canceledAt: now,
	});
	sub.cancellationDetails = { ...sub.cancellationDetails, reason: "cancellation_requested" };
}

function cancellationChange(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	params: ParamObject,
): Change {
	const atPeriodEnd = optionalBoolean(params.cancel_at_period_end, "cancel_at_period_end");
	const cancelAt = params.cancel_at;
	const clear = cancelAt === "";
	const at = clear ? undefined : optionalInteger(cancelAt, "cancel_at");
	if (at !== undefined && atPeriodEnd === true) {
		throw invalidParam(
			"You may only specify one of these parameters: cancel_at, cancel_at_period_end.",
			"cancel_at",
		);
	}
	const now = subscriptionNow(ctx, sub);
	if (at !== undefined && at <= now) {
		throw invalidParam("cancel_at must be in the future.", "cancel_at");
	}
	if (at !== undefined) return (s) => applyCancellation(s, at, now);
	if (atPeriodEnd === true) return (s) => applyCancellation(s, "period_end", now);
	if (atPeriodEnd === false || clear) return (s) => applyCancellation(s, null, now);
	return () => {};
}

function detailsChange(value: Param | undefined): Change {
	const details = parseCancellationDetails(value);
	return (s) => {
		s.cancellationDetails = { ...s.cancellationDetails, ...details };
	};
}

/** `cancellation_details[comment|feedback]` (empty clears); only what was given. */
export function parseCancellationDetails(
	value: Param | undefined,
): Partial<Pick<SubscriptionRecord["cancellationDetails"], "comment" | "feedback">> {
	const details = optionalObject(value, "cancellation_details");
	if (!details) return {};
	rejectUnknown(details, ["comment", "feedback"], "cancellation_details");
	const comment =
		details.comment === undefined
			? undefined
			: details.comment === ""
				? null
				: requiredString(details.comment, "cancellation_details[comment]");
	const feedback =
		details.feedback === ""
			? null
			: optionalEnumParam(details.feedback, "cancellation_details[feedback]", FEEDBACK);
	return {
		...(comment !== undefined && { comment }),
		...(feedback !== undefined && { feedback }),
	};
}

function itemsChange(sub: SubscriptionRecord, value: Param | undefined): Change {
	const items = optionalArray(value, "items");
	if (!items) return () => {};
	const updates = items.map((entry, index) => {
		const name = `items[${index}]`;
		const item = optionalObject(entry, name) ?? {};
		for (const key of ["price", "price_data", "deleted", "plan", "discounts", "tax_rates"]) {
			if (item[key] !== undefined) {
				throw invalidParam(
					"The emulator changes a subscription item's quantity and metadata only, not its price.",
					`${name}[${key}]`,
				);
			}
		}
		rejectUnknown(item, ["id", "quantity", "metadata", "clear_usage"], name);
		const id = requiredString(item.id, `${name}[id]`);
		const existing = sub.items.find((candidate) => candidate.id === id);
		if (!existing) throw invalidParam(`No such subscription item: '${id}'`, `${name}[id]`);
		const quantity = optionalInteger(item.quantity, `${name}[quantity]`);
		if (quantity !== undefined && quantity < 0) {
			throw invalidParam("This value must be greater than or equal to 0.", `${name}[quantity]`);
		}
		const metadata =
			item.metadata === undefined
				? undefined
				: mergeMetadata(existing.metadata, item.metadata, `${name}[metadata]`);
		return { id, quantity, metadata };
	});
	return (s) => {
		for (const update of updates) {
			const target = s.items.find((candidate) => candidate.id === update.id);
			if (!target) continue;
			if (update.quantity !== undefined) target.quantity = update.quantity;
			if (update.metadata !== undefined) target.metadata = update.metadata;
		}
	};
}

function defaultPaymentMethodChange(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	value: Param | undefined,
): Change {
	const id = optionalString(value, "default_payment_method");
	if (id === undefined) return () => {};
	const method = ctx.state.paymentMethods.get(id);
	if (!method || method.customerId !== sub.customerId) {
		throw invalidParam(
			`The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
			"default_payment_method",
			"resource_missing",
		);
	}
	return (s) => {
		s.defaultPaymentMethodId = id;
	};
}
