import { formatMoney } from "shop-money";
import type { ParamObject } from "../api/params.ts";
import type { State } from "../state/store.ts";
import { createCoupon } from "./coupons.ts";
import { activeCode, createPromotionCode } from "./promotion-codes.ts";

/** A promotion code to create at start: a percentage off any currency, or a fixed amount off one currency. */
export type PromotionCodeSeed =
	| { code: string; percentOff: number; name?: string }
	| { code: string; amountOff: number; currency: string; name?: string };

/** The demo codes `npm run dev` seeds and prints: 10 % off anything, and 5.00 USD off a USD order. */
export const DEMO_PROMOTION_CODES: readonly PromotionCodeSeed[] = [
	{ code: "WELCOME10", percentOff: 10, name: "Welcome: 10 % off" },
	{ code: "BEANS5", amountOff: 500, currency: "usd", name: "5.00 USD off" },
];

/**
 * Creates each seed's coupon (id = the code) and promotion code, through the same
 * validation as the API; a code that is already active (a restart with kept state) is left alone.
 */
export function seedPromotionCodes(
	state: State,
	seeds: readonly PromotionCodeSeed[],
	now: number,
): void {
	for (const seed of seeds) {
		if (activeCode(state, seed.code)) continue;
		const off: ParamObject =
			"percentOff" in seed
				? { percent_off: String(seed.percentOff) }
				: { amount_off: String(seed.amountOff), currency: seed.currency };
		if (!state.coupons.has(seed.code)) {
			createCoupon(
				state,
				{ id: seed.code, duration: "forever", ...off, ...(seed.name ? { name: seed.name } : {}) },
				now,
			);
		}
		createPromotionCode(
			state,
			{ code: seed.code, promotion: { type: "coupon", coupon: seed.code } },
			now,
		);
	}
}

/** "WELCOME10 (10 % off)", "BEANS5 ($5.00 off)": for the CLI and dev script to print. */
export function describeSeed(seed: PromotionCodeSeed): string {
	const off =
		"percentOff" in seed ? `${seed.percentOff} %` : formatMoney(seed.amountOff, seed.currency);
	return `${seed.code} (${off} off)`;
}
