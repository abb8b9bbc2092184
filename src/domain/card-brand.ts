/** Stripe's card brand codes (`visa`, `amex`…) as people write them, for every reader of an order. */
const BRANDS: Record<string, string> = {
	visa: "Visa",
	mastercard: "Mastercard",
	amex: "American Express",
	discover: "Discover",
	jcb: "JCB",
	unionpay: "UnionPay",
	diners: "Diners Club",
};

/** The brand's name, or null when Stripe did not say (each reader then says "card" in its language). */
export function cardBrandName(brand: string | null): string | null {
	if (!brand) return null;
	return BRANDS[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}
