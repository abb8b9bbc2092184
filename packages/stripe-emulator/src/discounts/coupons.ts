import { invalidParam, StripeApiError } from "../api/errors.ts";
import {
	metadataParam,
	optionalDecimal,
	optionalEnumParam,
	optionalInteger,
	optionalString,
	type ParamObject,
	rejectUnknown,
} from "../api/params.ts";
import { MAX_AMOUNT, parseCurrency } from "../checkout/line-item-params.ts";
import { randomToken } from "../state/ids.ts";
import type { JsonObject } from "../state/json.ts";
import type { CouponRecord, State } from "../state/store.ts";

const COUPON_PARAMS = [
	"id",
	"name",
	"percent_off",
	"amount_off",
	"currency",
	"duration",
	"duration_in_months",
	"max_redemptions",
	"redeem_by",
	"metadata",
	"expand",
];

/** `POST /v1/coupons`: `percent_off`, or `amount_off` with `currency`; `duration` once (default), forever or repeating. */
export function createCoupon(state: State, params: ParamObject, now: number): CouponRecord {
	rejectUnknown(params, COUPON_PARAMS);
	const percentOff = optionalDecimal(params.percent_off, "percent_off");
	const amountOff = optionalInteger(params.amount_off, "amount_off");
	if (percentOff !== undefined && amountOff !== undefined) {
		throw invalidParam(
			"You may only specify one of these parameters: amount_off, percent_off.",
			"amount_off",
		);
	}
	if (percentOff === undefined && amountOff === undefined) {
		throw invalidParam("You must specify either amount_off or percent_off.", "percent_off");
	}
	if (percentOff !== undefined && (percentOff <= 0 || percentOff > 100)) {
		throw invalidParam(
			"percent_off must be greater than 0 and less than or equal to 100.",
			"percent_off",
		);
	}
	if (amountOff !== undefined && (amountOff < 1 || amountOff > MAX_AMOUNT)) {
		throw invalidParam("Invalid positive integer", "amount_off");
	}
	if (amountOff !== undefined && params.currency === undefined) {
		throw invalidParam("You must pass currency when passing amount_off.", "currency");
	}
	const currency =
		params.currency === undefined ? null : parseCurrency(params.currency, "currency");
	const duration =
		optionalEnumParam(params.duration, "duration", ["once", "forever", "repeating"] as const) ??
		"once";
	const months = optionalInteger(params.duration_in_months, "duration_in_months") ?? null;
	if (duration === "repeating" && (months === null || months < 1)) {
		throw invalidParam(
			"duration_in_months must be a positive integer when duration is repeating.",
			"duration_in_months",
		);
	}
	const id = optionalString(params.id, "id") ?? randomToken(8);
	if (state.coupons.has(id)) {
		throw new StripeApiError(400, "invalid_request_error", "Coupon already exists.", {
			code: "resource_already_exists",
			param: "id",
		});
	}
	const coupon: CouponRecord = {
		id,
		created: now,
		name: optionalString(params.name, "name") ?? null,
		percentOff: percentOff ?? null,
		amountOff: amountOff ?? null,
		currency: amountOff === undefined ? null : currency,
		duration,
		durationInMonths: duration === "repeating" ? months : null,
		maxRedemptions: optionalInteger(params.max_redemptions, "max_redemptions") ?? null,
		redeemBy: optionalInteger(params.redeem_by, "redeem_by") ?? null,
		timesRedeemed: 0,
		metadata: metadataParam(params.metadata, "metadata"),
	};
	state.coupons.set(id, coupon);
	return coupon;
}

/** Whether a coupon can still be applied: not past `redeem_by`, not used up. */
export function couponValid(coupon: CouponRecord, now: number): boolean {
	if (coupon.redeemBy !== null && coupon.redeemBy < now) return false;
	return coupon.maxRedemptions === null || coupon.timesRedeemed < coupon.maxRedemptions;
}

/** The `coupon` object, with every field of Stripe's fixture. */
export function renderCoupon(coupon: CouponRecord, now: number): JsonObject {
	return {
		id: coupon.id,
		object: "coupon",
		amount_off: coupon.amountOff,
		created: coupon.created,
		currency: coupon.currency,
		duration: coupon.duration,
		duration_in_months: coupon.durationInMonths,
		livemode: false,
		max_redemptions: coupon.maxRedemptions,
		metadata: { ...coupon.metadata },
		name: coupon.name,
		percent_off: coupon.percentOff,
		redeem_by: coupon.redeemBy,
		times_redeemed: coupon.timesRedeemed,
		valid: couponValid(coupon, now),
	};
}
