import { minorUnitDigits } from "shop-money";
import { declineMessage } from "../checkout/cards.ts";
import { labelsFor, type PageLanguage, pageMoney } from "../checkout/page-labels.ts";
import { sessionCustomer, sessionWallet } from "../checkout/saved-cards.ts";
import { sessionTotals } from "../checkout/totals.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord, ShippingRateRecord } from "../state/store.ts";

/** An amount as the SDK gives it: minor units, and formatted in the SDK's language. */
export type AmountView = { minorUnitsAmount: number; amount: string };

export type LineItemView = {
	id: string;
	name: string;
	description: string | null;
	quantity: number;
	unitAmount: AmountView;
	unitAmountDecimal: null;
	unitLabel: null;
	subtotal: AmountView;
	discount: AmountView;
	taxExclusive: AmountView;
	taxInclusive: AmountView;
	total: AmountView;
	discountAmounts: null;
	taxAmounts: null;
	recurring: null;
	adjustableQuantity: null;
	images: string[];
	priceId: string;
	isRemovable: false;
	pricing: null;
	transformQuantity: null;
};

export type ShippingOptionView = AmountView & {
	id: string;
	displayName: string;
	currency: string;
	deliveryEstimate: ShippingRateRecord["deliveryEstimate"];
};

export type DiscountAmountView = AmountView & {
	displayName: string;
	promotionCode: string | null;
	percentOff: number | null;
	recurring: null;
};

export type TaxAmountView = AmountView & {
	inclusive: boolean;
	displayName: string;
	percentage: number;
};

/** A saved card as Stripe.js hands it to the page (`StripeCheckoutSavedPaymentMethod`): no number. */
export type SavedPaymentMethodView = {
	id: string;
	type: "card";
	card: { brand: string; expMonth: number; expYear: number; last4: string };
	billingDetails: { email: string | null; name: null; phone: null; address: null };
};

/** The subset of `StripeCheckoutSession` (@stripe/stripe-js 10) the stand-in fills. */
export type SessionView = {
	id: string;
	status:
		| { type: "open" | "expired" }
		| { type: "complete"; paymentStatus: SessionRecord["paymentStatus"] };
	canConfirm: boolean;
	currency: string;
	currencyOptions: null;
	email: string | null;
	phoneNumber: string | null;
	billingAddress: null;
	businessName: null;
	nameCollection: null;
	livemode: false;
	minorUnitsAmountDivisor: number;
	lineItems: LineItemView[];
	shippingOptions: ShippingOptionView[];
	shipping: { shippingOption: ShippingOptionView; taxAmounts: null } | null;
	shippingAddress: {
		name: string;
		address: {
			country: string;
			line1: string;
			line2: string | null;
			city: string;
			postal_code: string;
			state: string | null;
		};
	} | null;
	discountAmounts: DiscountAmountView[];
	lastPaymentError: { message: string } | null;
	tax: { status: "ready" | "requires_shipping_address" };
	taxAmounts: TaxAmountView[] | null;
	taxIdInfo: null;
	total: {
		subtotal: AmountView;
		discount: AmountView;
		shippingRate: AmountView;
		taxExclusive: AmountView;
		taxInclusive: AmountView;
		total: AmountView;
		appliedBalance: AmountView;
		surcharge: AmountView;
		balanceAppliedToNextInvoice: false;
	};
	surcharge: null;
	/** The Customer's saved cards the session offers (null without a Customer). */
	savedPaymentMethods: SavedPaymentMethodView[] | null;
	recurring: null;
	optionalItems: null;
};

/**
 * The session as Stripe.js' Checkout Elements SDK hands it to the shop's page
 * (`StripeCheckoutSession` of @stripe/stripe-js): amounts as `{minorUnitsAmount, amount}`,
 * `amount` formatted in the SDK's language as the hosted page formats it. Fields this
 * emulator has nothing for (recurring, tax ids, optional items…) are null.
 */
export function checkoutSessionView(
	ctx: EmulatorContext,
	session: SessionRecord,
	lang: PageLanguage,
): SessionView {
	const totals = sessionTotals(session);
	const money = (minorUnitsAmount: number): AmountView => ({
		minorUnitsAmount,
		amount: pageMoney(minorUnitsAmount, session.currency, lang),
	});
	let taxExclusive = 0;
	let taxInclusive = 0;
	const lineItems = session.lineItems.map((item, index): LineItemView => {
		const line = totals.lines[index] ?? { subtotal: 0, discount: 0, tax: 0, total: 0 };
		const inclusive = item.taxBehavior === "inclusive";
		if (inclusive) taxInclusive += line.tax;
		else taxExclusive += line.tax;
		return {
			id: item.id,
			name: item.name,
			description: item.description,
			quantity: item.quantity,
			unitAmount: money(item.unitAmount),
			unitAmountDecimal: null,
			unitLabel: null,
			subtotal: money(line.subtotal),
			discount: money(line.discount),
			taxExclusive: money(inclusive ? 0 : line.tax),
			taxInclusive: money(inclusive ? line.tax : 0),
			total: money(line.total),
			discountAmounts: null,
			taxAmounts: null,
			recurring: null,
			adjustableQuantity: null,
			images: [...(item.images ?? [])],
			priceId: item.priceId,
			isRemovable: false,
			pricing: null,
			transformQuantity: null,
		};
	});
	const chosen = session.shippingRates.find((rate) => rate.id === totals.shippingCost?.rateId);
	if (chosen && totals.shippingCost) {
		if (chosen.taxBehavior === "inclusive") taxInclusive += totals.shippingCost.tax;
		else taxExclusive += totals.shippingCost.tax;
	}
	const shippingOptions = session.shippingRates.map(
		(rate): ShippingOptionView => ({
			id: rate.id,
			displayName: rate.displayName,
			currency: rate.currency,
			...money(rate.amount),
			deliveryEstimate: rate.deliveryEstimate
				? { minimum: rate.deliveryEstimate.minimum, maximum: rate.deliveryEstimate.maximum }
				: null,
		}),
	);
	const chosenOption = shippingOptions.find((option) => option.id === chosen?.id);
	const needsAddress =
		session.automaticTax && session.shippingCountries !== null && !session.shippingDetails;
	const taxEntry = (amount: number, inclusive: boolean): TaxAmountView => ({
		...money(amount),
		inclusive,
		displayName: labelsFor(lang).tax,
		percentage: totals.taxRate / 100,
	});
	const taxAmounts = session.automaticTax
		? [
				...(taxExclusive > 0 ? [taxEntry(taxExclusive, false)] : []),
				...(taxInclusive > 0 ? [taxEntry(taxInclusive, true)] : []),
			]
		: null;
	const details = session.shippingDetails;
	return {
		id: session.id,
		status:
			session.status === "complete"
				? { type: "complete", paymentStatus: session.paymentStatus }
				: { type: session.status },
		canConfirm: session.status === "open",
		currency: session.currency,
		currencyOptions: null,
		email: session.customerDetailsEmail ?? session.customerEmail ?? null,
		phoneNumber: session.customerPhone ?? null,
		billingAddress: null,
		businessName: null,
		nameCollection: null,
		livemode: false,
		minorUnitsAmountDivisor: 10 ** minorUnitDigits(session.currency),
		lineItems,
		shippingOptions,
		shipping: chosenOption ? { shippingOption: chosenOption, taxAmounts: null } : null,
		shippingAddress: details
			? {
					name: details.name,
					address: {
						country: details.address.country,
						line1: details.address.line1,
						line2: details.address.line2,
						city: details.address.city,
						postal_code: details.address.postal_code,
						state: details.address.state,
					},
				}
			: null,
		discountAmounts: discountAmounts(ctx, session, totals.discount, money),
		lastPaymentError: lastPaymentError(ctx, session, lang),
		tax: { status: needsAddress ? "requires_shipping_address" : "ready" },
		taxAmounts,
		taxIdInfo: null,
		total: {
			subtotal: money(totals.subtotal),
			discount: money(totals.discount),
			shippingRate: money(totals.shipping),
			taxExclusive: money(taxExclusive),
			taxInclusive: money(taxInclusive),
			total: money(totals.total),
			appliedBalance: money(0),
			surcharge: money(0),
			balanceAppliedToNextInvoice: false,
		},
		surcharge: null,
		savedPaymentMethods: savedPaymentMethods(ctx, session),
		recurring: null,
		optionalItems: null,
	};
}

// The saved cards the frame offers, as the page may read them (brand, last four, expiry).
function savedPaymentMethods(
	ctx: EmulatorContext,
	session: SessionRecord,
): SavedPaymentMethodView[] | null {
	if (!sessionCustomer(ctx, session)) return null;
	return sessionWallet(ctx, session).cards.flatMap((choice) => {
		const card = ctx.state.paymentMethods.get(choice.id)?.card;
		if (!card) return [];
		return [
			{
				id: choice.id,
				type: "card" as const,
				card: {
					brand: card.brand,
					expMonth: card.expMonth,
					expYear: card.expYear,
					last4: card.last4,
				},
				billingDetails: {
					email: ctx.state.paymentMethods.get(choice.id)?.email ?? null,
					name: null,
					phone: null,
					address: null,
				},
			},
		];
	});
}

// The applied coupon, named as Checkout names it: the coupon's name, else the code, else its id.
function discountAmounts(
	ctx: EmulatorContext,
	session: SessionRecord,
	amount: number,
	money: (minor: number) => AmountView,
): DiscountAmountView[] {
	const { discount } = session;
	if (!discount) return [];
	const coupon = ctx.state.coupons.get(discount.couponId);
	const promo = discount.promotionCodeId
		? ctx.state.promotionCodes.get(discount.promotionCodeId)
		: undefined;
	return [
		{
			...money(amount),
			displayName: coupon?.name ?? promo?.code ?? discount.couponId,
			promotionCode: promo?.code ?? null,
			percentOff: discount.percentOff,
			recurring: null,
		},
	];
}

// The last decline of the session's PaymentIntent, while it waits for another attempt.
function lastPaymentError(
	ctx: EmulatorContext,
	session: SessionRecord,
	lang: PageLanguage,
): { message: string } | null {
	const intent = session.paymentIntentId
		? ctx.state.paymentIntents.get(session.paymentIntentId)
		: undefined;
	const error = intent?.status === "requires_payment_method" ? intent.lastPaymentError : null;
	return error ? { message: declineMessage(error, lang) } : null;
}
