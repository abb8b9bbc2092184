import { invalidParam, missingParam, resourceMissing, StripeApiError } from "../api/errors.ts";
import {
	metadataParam,
	optionalBoolean,
	optionalInteger,
	optionalObject,
	optionalString,
	type ParamObject,
	rejectUnknown,
	requiredString,
} from "../api/params.ts";
import { parseCurrency } from "../checkout/line-item-params.ts";
import { newId, randomToken } from "../state/ids.ts";
import type { JsonObject } from "../state/json.ts";
import type {
	AppliedDiscountRecord,
	CouponRecord,
	PromotionCodeRecord,
	SessionRecord,
	State,
} from "../state/store.ts";
import { couponValid } from "./coupons.ts";

const PARAMS = [
	"promotion",
	"code",
	"active",
	"expires_at",
	"max_redemptions",
	"metadata",
	"restrictions",
	"expand",
];

/** `POST /v1/promotion_codes` with `promotion[type]=coupon&promotion[coupon]=…` (API 2025-09-30 and later). */
export function createPromotionCode(
	state: State,
	params: ParamObject,
	now: number,
): PromotionCodeRecord {
	rejectUnknown(params, PARAMS);
	const promotion = optionalObject(params.promotion, "promotion");
	if (!promotion) throw missingParam("promotion");
	rejectUnknown(promotion, ["type", "coupon"], "promotion");
	if (requiredString(promotion.type, "promotion[type]") !== "coupon") {
		throw invalidParam("Invalid promotion[type]: must be coupon", "promotion[type]");
	}
	const couponId = requiredString(promotion.coupon, "promotion[coupon]");
	if (!state.coupons.has(couponId)) throw resourceMissing("coupon", couponId, "promotion[coupon]");
	const code = optionalString(params.code, "code") ?? randomToken(8).toUpperCase();
	if (!/^[a-zA-Z0-9-]{1,500}$/.test(code)) {
		throw invalidParam(
			"Promotion codes can only contain letters (a-z, A-Z), digits (0-9) and dashes (-).",
			"code",
		);
	}
	const active = optionalBoolean(params.active, "active") ?? true;
	if (active && activeCode(state, code)) {
		throw new StripeApiError(
			400,
			"invalid_request_error",
			`An active promotion code with \`code: ${code}\` already exists.`,
			{ code: "resource_already_exists", param: "code" },
		);
	}
	const restrictions = optionalObject(params.restrictions, "restrictions") ?? {};
	rejectUnknown(
		restrictions,
		["first_time_transaction", "minimum_amount", "minimum_amount_currency"],
		"restrictions",
	);
	const minimumAmount =
		optionalInteger(restrictions.minimum_amount, "restrictions[minimum_amount]") ?? null;
	const minimumCurrency =
		restrictions.minimum_amount_currency === undefined
			? null
			: parseCurrency(
					restrictions.minimum_amount_currency,
					"restrictions[minimum_amount_currency]",
				);
	if (minimumAmount !== null && minimumCurrency === null) {
		throw missingParam("restrictions[minimum_amount_currency]");
	}
	const record: PromotionCodeRecord = {
		id: newId("promo"),
		created: now,
		code,
		couponId,
		active,
		expiresAt: optionalInteger(params.expires_at, "expires_at") ?? null,
		maxRedemptions: optionalInteger(params.max_redemptions, "max_redemptions") ?? null,
		timesRedeemed: 0,
		firstTimeTransaction:
			optionalBoolean(
				restrictions.first_time_transaction,
				"restrictions[first_time_transaction]",
			) ?? false,
		minimumAmount,
		minimumAmountCurrency: minimumCurrency,
		metadata: metadataParam(params.metadata, "metadata"),
	};
	state.promotionCodes.set(record.id, record);
	return record;
}

/** The active promotion code with this customer-facing code (case-insensitive), if any. */
export function activeCode(state: State, code: string): PromotionCodeRecord | undefined {
	const wanted = code.trim().toLowerCase();
	for (const promo of state.promotionCodes.values()) {
		if (promo.active && promo.code.toLowerCase() === wanted) return promo;
	}
	return undefined;
}

/** A promotion code is active when set so, not expired, not used up, and its coupon is valid. */
export function promotionCodeActive(
	state: State,
	promo: PromotionCodeRecord,
	now: number,
): boolean {
	const coupon = state.coupons.get(promo.couponId);
	if (!promo.active || !coupon || !couponValid(coupon, now)) return false;
	if (promo.expiresAt !== null && promo.expiresAt < now) return false;
	return promo.maxRedemptions === null || promo.timesRedeemed < promo.maxRedemptions;
}

/** Why a code cannot be used on this session (the page says "This code is invalid."), or the discount it gives. */
export type CodeCheck =
	| { ok: true; discount: AppliedDiscountRecord }
	| { ok: false; reason: string };

/** Checks a code the shopper typed against the session, as Checkout does when it is applied. */
export function checkPromotionCode(
	state: State,
	session: SessionRecord,
	code: string,
	subtotal: number,
	now: number,
): CodeCheck {
	const promo = activeCode(state, code);
	if (!promo || !promotionCodeActive(state, promo, now)) {
		return { ok: false, reason: `No active promotion code "${code.trim()}".` };
	}
	const coupon = state.coupons.get(promo.couponId) as CouponRecord;
	if (coupon.amountOff !== null && coupon.currency !== session.currency) {
		return {
			ok: false,
			reason: `Promotion code ${promo.code} takes ${coupon.currency?.toUpperCase()} off; this session is in ${session.currency.toUpperCase()}.`,
		};
	}
	if (
		promo.minimumAmount !== null &&
		promo.minimumAmountCurrency === session.currency &&
		subtotal < promo.minimumAmount
	) {
		return {
			ok: false,
			reason: `Promotion code ${promo.code} needs a subtotal of at least ${promo.minimumAmount} (minor units).`,
		};
	}
	return {
		ok: true,
		discount: {
			couponId: coupon.id,
			promotionCodeId: promo.id,
			percentOff: coupon.percentOff,
			amountOff: coupon.amountOff,
		},
	};
}

/** The `promotion_code` object, with every field of Stripe's fixture (`promotion.coupon` is an id, expandable). */
export function renderPromotionCode(
	state: State,
	promo: PromotionCodeRecord,
	now: number,
): JsonObject {
	return {
		id: promo.id,
		object: "promotion_code",
		active: promotionCodeActive(state, promo, now),
		code: promo.code,
		created: promo.created,
		customer: null,
		customer_account: null,
		expires_at: promo.expiresAt,
		livemode: false,
		max_redemptions: promo.maxRedemptions,
		metadata: { ...promo.metadata },
		promotion: { coupon: promo.couponId, type: "coupon" },
		restrictions: {
			first_time_transaction: promo.firstTimeTransaction,
			minimum_amount: promo.minimumAmount,
			minimum_amount_currency: promo.minimumAmountCurrency,
		},
		times_redeemed: promo.timesRedeemed,
	};
}
