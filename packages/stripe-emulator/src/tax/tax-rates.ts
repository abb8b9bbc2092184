/**
 * The emulator's stand-in for Stripe Tax: one rate per shipping country, in basis points
 * (2000 = 20 %). Countries not listed, and sessions without an address, get 0 %. US sales
 * tax (which varies by state and city) is not modelled: 0 %.
 */
export const TAX_RATES_BASIS_POINTS: Readonly<Record<string, number>> = {
	AT: 2000,
	AU: 1000,
	BE: 2100,
	CA: 500,
	CH: 810,
	DE: 1900,
	DK: 2500,
	ES: 2100,
	FR: 2000,
	GB: 2000,
	IE: 2300,
	IT: 2200,
	JP: 1000,
	NL: 2100,
	NZ: 1500,
	PT: 2300,
	SE: 2500,
	US: 0,
};

/** The rate for a country (ISO 3166 alpha-2), 0 when unknown or absent. */
export function taxRateFor(country: string | null): number {
	return country ? (TAX_RATES_BASIS_POINTS[country] ?? 0) : 0;
}

/** `amount × rate`, rounded half up to a whole minor unit (amounts are never negative). */
export function taxOn(amount: number, basisPoints: number): number {
	return Math.floor((amount * basisPoints + 5000) / 10000);
}

/** The tax inside a tax-inclusive amount: `amount − amount / (1 + rate)`, rounded half up. */
export function taxWithin(amount: number, basisPoints: number): number {
	return amount - Math.floor((amount * 10000 + (10000 + basisPoints) / 2) / (10000 + basisPoints));
}
