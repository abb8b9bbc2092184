import type { PageLanguage } from "../checkout/page-labels.ts";

const EN = {
	title: "Billing",
	heading: "Manage your billing",
	returnTo: (business: string) => `← Return to ${business}`,
	back: "← Back",
	billingInformation: "Billing information",
	email: "Email",
	noEmail: "No email address on file",
	paymentMethods: "Payment methods",
	defaultBadge: "Default",
	expires: (expiry: string) => `Expires ${expiry}`,
	makeDefault: "Make default",
	makeDefaultFor: (card: string) => `Make default: ${card}`,
	remove: "Remove",
	removeFor: (card: string) => `Remove: ${card}`,
	noCards: "No saved cards.",
	addCard: "Add a card",
	addCardButton: "Add card",
	notices: {
		make_default: "Your default card has been updated.",
		remove: "The card has been removed.",
		add_card: "Your card has been added.",
	} as Record<string, string>,
	cardNotFound: "This card is not on your account.",
	notFoundTitle: "Billing portal link not valid",
	notFoundText: "This link is not valid, or the emulator was restarted or reset.",
};

export type PortalLabels = typeof EN;

const FR: PortalLabels = {
	title: "Facturation",
	heading: "Gérer votre facturation",
	returnTo: (business) => `← Retour à ${business}`,
	back: "← Retour",
	billingInformation: "Informations de facturation",
	email: "E-mail",
	noEmail: "Aucune adresse e-mail enregistrée",
	paymentMethods: "Moyens de paiement",
	defaultBadge: "Par défaut",
	expires: (expiry) => `Expire fin ${expiry}`,
	makeDefault: "Définir par défaut",
	makeDefaultFor: (card) => `Définir par défaut : ${card}`,
	remove: "Supprimer",
	removeFor: (card) => `Supprimer : ${card}`,
	noCards: "Aucune carte enregistrée.",
	addCard: "Ajouter une carte",
	addCardButton: "Ajouter la carte",
	notices: {
		make_default: "Votre carte par défaut a été mise à jour.",
		remove: "La carte a été supprimée.",
		add_card: "Votre carte a été ajoutée.",
	},
	cardNotFound: "Cette carte ne figure pas sur votre compte.",
	notFoundTitle: "Lien du portail de facturation non valide",
	notFoundText: "Ce lien n'est pas valide, ou l'émulateur a été redémarré ou réinitialisé.",
};

/** The portal's words in its session's language. */
export function portalLabels(lang: PageLanguage): PortalLabels {
	return lang === "fr" ? FR : EN;
}
