/** Stripe's card brand codes (`visa`, `amex`…) as people write them. */
const BRANDS = {
	visa: "Visa",
	mastercard: "Mastercard",
	amex: "American Express",
	discover: "Discover",
	jcb: "JCB",
	unionpay: "UnionPay",
	diners: "Diners Club",
};

export function cardBrand(brand) {
	if (!brand) return "Card";
	return BRANDS[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}
