import { formatMoney, minorUnitDigits } from "shop-money";
import type { RecurringRecord, ShippingRateRecord } from "../state/store.ts";

const EN = {
	pay: "Pay",
	completeOrder: "Complete order",
	back: "← Back",
	testMode: "Test mode · Stripe emulator",
	orderSummary: "Order summary",
	subtotal: "Subtotal",
	discount: "Discount",
	shipping: "Shipping",
	tax: "Tax",
	total: "Total",
	email: "Email",
	phone: "Phone number",
	shippingAddress: "Shipping address",
	fullName: "Full name",
	line1: "Address line 1",
	line2: "Address line 2 (optional)",
	city: "City",
	postalCode: "Postal code",
	state: "State or province",
	required: "(required)",
	country: "Country",
	shippingMethod: "Shipping method",
	promotionCode: "Promotion code",
	apply: "Apply",
	remove: "Remove",
	applied: "applied",
	updateTotal: "Update total",
	paymentMethod: "Payment method",
	card: "Card",
	delayedSuccess: "Bank debit (test): succeeds after a delay",
	delayedFailure: "Bank debit (test): fails after a delay",
	cardDetails: "Card details",
	cardNumber: "Card number",
	expiry: "Expiry (MM / YY)",
	cvc: "CVC",
	noPayment: "Nothing to pay: your discount covers the whole order.",
	codeInvalid: "This code is invalid.",
	totalChanged: "Your total changed with your choices: check it, then press Pay.",
	acceptTerms: "I agree to the Terms of Service.",
	termsRequired: "Please agree to the terms to continue.",
	free: "Free",
	securityCode: "Security code",
	testCardHint: "Test mode: use 4242 4242 4242 4242",
	frameTitle: "Card details",
	emailLocked: "This checkout's email address cannot be changed.",
	noShippingAddress: "This checkout does not collect a shipping address.",
	shippingOptionUnknown: "This shipping option is not available.",
	sessionNotOpen: "This checkout is no longer open.",
	sessionNotFound: "This checkout could not be found.",
	codeNotRemovable: "This discount cannot be removed.",
	useNewCard: "Use a new card",
	saveCard: "Save my card for future purchases",
	savedCards: "Saved cards",
	savedCardUnavailable: "This saved card can no longer be used. Choose another card.",
	saveACard: "Save a card",
	saveCardButton: "Save card",
	setupIntro: "Your card is saved for later payments. Nothing is charged now.",
	cardSaved: "Card saved",
	cardSavedText: "Your card has been saved. Nothing more to do here.",
	testCards:
		"Test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds. Any future expiry and any CVC.",
	subscribe: "Subscribe",
	subscribeTo: (name: string) => `Subscribe to ${name}`,
	totalDueToday: "Total due today",
	subscriptionNotice: (price: string) =>
		`You will be charged ${price} until you cancel. Your card is saved for these payments.`,
};

export type Labels = typeof EN;

const FR: Labels = {
	pay: "Payer",
	completeOrder: "Valider la commande",
	back: "← Retour",
	testMode: "Mode test · émulateur Stripe",
	orderSummary: "Récapitulatif de la commande",
	subtotal: "Sous-total",
	discount: "Remise",
	shipping: "Livraison",
	tax: "Taxes",
	total: "Total",
	email: "E-mail",
	phone: "Numéro de téléphone",
	shippingAddress: "Adresse de livraison",
	fullName: "Nom complet",
	line1: "Adresse (ligne 1)",
	line2: "Adresse (ligne 2, facultatif)",
	city: "Ville",
	postalCode: "Code postal",
	state: "État ou province",
	required: "(obligatoire)",
	country: "Pays",
	shippingMethod: "Mode de livraison",
	promotionCode: "Code promotionnel",
	apply: "Appliquer",
	remove: "Retirer",
	applied: "appliqué",
	updateTotal: "Mettre à jour le total",
	paymentMethod: "Moyen de paiement",
	card: "Carte",
	delayedSuccess: "Prélèvement bancaire (test) : réussit après un délai",
	delayedFailure: "Prélèvement bancaire (test) : échoue après un délai",
	cardDetails: "Informations de la carte",
	cardNumber: "Numéro de carte",
	expiry: "Date d'expiration (MM / AA)",
	cvc: "CVC",
	noPayment: "Rien à payer : votre remise couvre toute la commande.",
	codeInvalid: "Ce code n'est pas valide.",
	totalChanged: "Votre total a changé avec vos choix : vérifiez-le, puis appuyez sur Payer.",
	acceptTerms: "J'accepte les conditions d'utilisation.",
	termsRequired: "Veuillez accepter les conditions pour continuer.",
	free: "Gratuit",
	securityCode: "Code de sécurité",
	testCardHint: "Mode test : utilisez 4242 4242 4242 4242",
	frameTitle: "Informations de la carte",
	emailLocked: "L'adresse e-mail de ce paiement ne peut pas être modifiée.",
	noShippingAddress: "Ce paiement ne demande pas d'adresse de livraison.",
	shippingOptionUnknown: "Ce mode de livraison n'est pas disponible.",
	sessionNotOpen: "Ce paiement n'est plus ouvert.",
	sessionNotFound: "Ce paiement est introuvable.",
	codeNotRemovable: "Cette remise ne peut pas être retirée.",
	useNewCard: "Utiliser une nouvelle carte",
	saveCard: "Enregistrer ma carte pour mes prochains achats",
	savedCards: "Cartes enregistrées",
	savedCardUnavailable:
		"Cette carte enregistrée ne peut plus être utilisée. Choisissez une autre carte.",
	saveACard: "Enregistrer une carte",
	saveCardButton: "Enregistrer la carte",
	setupIntro:
		"Votre carte est enregistrée pour de prochains paiements. Rien n'est débité maintenant.",
	cardSaved: "Carte enregistrée",
	cardSavedText: "Votre carte a été enregistrée. Plus rien à faire ici.",
	testCards:
		"Cartes de test : 4242 4242 4242 4242 réussit ; 4000 0000 0000 0002 est refusée ; 4000 0000 0000 9995 n'a pas assez de fonds. N'importe quelle date future et n'importe quel CVC.",
	subscribe: "S'abonner",
	subscribeTo: (name) => `S'abonner à ${name}`,
	totalDueToday: "Total dû aujourd'hui",
	subscriptionNotice: (price) =>
		`Vous serez débité de ${price} jusqu'à résiliation. Votre carte est enregistrée pour ces paiements.`,
};

/** The two languages the pages (and the Stripe.js stand-in) speak. */
export type PageLanguage = "en" | "fr";

/** The page's language: French for `fr` and `fr-CA`, English otherwise (including `auto`). */
export function pageLanguage(locale: string | null): PageLanguage {
	return locale?.startsWith("fr") ? "fr" : "en";
}

/** The page's labels in its language. */
export function labelsFor(lang: "en" | "fr"): Labels {
	return lang === "fr" ? FR : EN;
}

/** An amount as the page shows it: `$30.00` in English (the shop's format), `30,00 €` in French. */
export function pageMoney(amount: number, currency: string, lang: "en" | "fr"): string {
	if (lang === "en") return formatMoney(amount, currency);
	const digits = minorUnitDigits(currency);
	try {
		return new Intl.NumberFormat("fr-FR", {
			style: "currency",
			currency: currency.toUpperCase(),
			minimumFractionDigits: digits,
			maximumFractionDigits: digits,
		}).format(amount / 10 ** digits);
	} catch {
		return formatMoney(amount, currency);
	}
}

/** A country's name in the page's language. */
export function countryName(code: string, lang: "en" | "fr"): string {
	return new Intl.DisplayNames([lang], { type: "region" }).of(code) ?? code;
}

const UNITS: Record<"en" | "fr", Record<string, [string, string]>> = {
	en: {
		business_day: ["business day", "business days"],
		day: ["day", "days"],
		hour: ["hour", "hours"],
		week: ["week", "weeks"],
		month: ["month", "months"],
	},
	fr: {
		business_day: ["jour ouvré", "jours ouvrés"],
		day: ["jour", "jours"],
		hour: ["heure", "heures"],
		week: ["semaine", "semaines"],
		month: ["mois", "mois"],
	},
};

/** "3–5 business days", "At least 2 days", "Up to 1 week"; empty without an estimate. */
export function deliveryEstimateText(rate: ShippingRateRecord, lang: "en" | "fr"): string {
	const estimate = rate.deliveryEstimate;
	const unit = (bound: { unit: string; value: number }) => {
		const [one, many] = UNITS[lang][bound.unit] ?? [bound.unit, bound.unit];
		return bound.value === 1 ? one : many;
	};
	const { minimum, maximum } = estimate ?? { minimum: null, maximum: null };
	if (minimum && maximum) {
		if (minimum.unit === maximum.unit) {
			const range =
				lang === "fr" ? `${minimum.value} à ${maximum.value}` : `${minimum.value}–${maximum.value}`;
			return minimum.value === maximum.value
				? `${minimum.value} ${unit(minimum)}`
				: `${range} ${unit(maximum)}`;
		}
		const join = lang === "fr" ? " à " : " – ";
		return `${minimum.value} ${unit(minimum)}${join}${maximum.value} ${unit(maximum)}`;
	}
	if (minimum)
		return `${lang === "fr" ? "Au moins" : "At least"} ${minimum.value} ${unit(minimum)}`;
	if (maximum) return `${lang === "fr" ? "Jusqu'à" : "Up to"} ${maximum.value} ${unit(maximum)}`;
	return "";
}

const INTERVALS: Record<"en" | "fr", Record<RecurringRecord["interval"], [string, string]>> = {
	en: {
		day: ["day", "days"],
		week: ["week", "weeks"],
		month: ["month", "months"],
		year: ["year", "years"],
	},
	fr: {
		day: ["jour", "jours"],
		week: ["semaine", "semaines"],
		month: ["mois", "mois"],
		year: ["an", "ans"],
	},
};

/** A price per period: "$30.00 / month", "$30.00 every 3 months"; "30,00 $US / mois". */
export function periodPrice(amount: string, recurring: RecurringRecord, lang: "en" | "fr"): string {
	const [one, many] = INTERVALS[lang][recurring.interval];
	if (recurring.intervalCount === 1) return `${amount} / ${one}`;
	const every =
		lang === "fr" ? (recurring.interval === "week" ? "toutes les" : "tous les") : "every";
	return `${amount} ${every} ${recurring.intervalCount} ${many}`;
}
