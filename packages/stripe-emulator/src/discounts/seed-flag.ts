import { minorUnitDigits } from "shop-money";
import type { PromotionCodeSeed } from "./seed.ts";

/**
 * Reads the CLI's `--promotion-code` values: `CODE=10%` (10 % off) or `CODE=5.00usd`
 * (5.00 USD off, in major units of the currency).
 */
export function parsePromotionCodeFlag(text: string): PromotionCodeSeed {
	const match = /^([A-Za-z0-9-]+)=(?:(\d+(?:\.\d+)?)%|(\d+(?:\.\d+)?)([A-Za-z]{3}))$/.exec(
		text.trim(),
	);
	if (!match?.[1]) {
		throw new Error(`Invalid --promotion-code ${text}: use CODE=10% or CODE=5.00usd`);
	}
	const [, code, percent, amount, currency] = match;
	if (percent !== undefined) return { code, percentOff: Number(percent) };
	const unit = (currency ?? "").toLowerCase();
	const amountOff = Math.round(Number(amount) * 10 ** minorUnitDigits(unit));
	return { code, amountOff, currency: unit };
}
