import type { Messages } from "./en.ts";

/** Every text a shopper reads, in French (keys and placeholders as in en.ts). */
export const fr = {
	"layout.skip": "Aller au contenu",
	"layout.brand": "Bean & Leaf",
	"layout.footer": "Bean & Leaf · une démo de Stripe Checkout sur Cloudflare Workers",
	"layout.languageName": "Français",
	"layout.language": "Langue",
	"layout.backToShop": "Retour à la boutique",

	"shop.title": "Bean & Leaf — boutique",
	"shop.description": "Café et thé, payés en toute sécurité avec Stripe Checkout.",
	"shop.heading": "Café & thé",
	"shop.lede":
		"Grains fraîchement torréfiés, matériel d'infusion et matcha. Paiement sécurisé par Stripe.",
	"shop.loading": "Chargement des produits…",
	"shop.noProducts": "Aucun produit n'est en vente pour le moment.",
	"shop.loadFailed": "Les produits n'ont pas pu être chargés. Veuillez réessayer.",
	"shop.tryAgain": "Réessayer",
	"shop.noScript": "Sans JavaScript, pas de panier, mais vous pouvez acheter un produit à la fois.",
	"shop.quantity": "Quantité",
	"shop.buyNow": "Acheter",
	"shop.buyNamed": "Acheter {name} maintenant",
	"shop.addNamed": "Ajouter {name} au panier",
	"shop.add": "Ajouter au panier",
	"shop.inCart": "{count} dans le panier",
	"shop.otherCurrency":
		"Votre panier est en {cart}. Réglez-le ou videz-le avant d'acheter des articles en {other}.",
	"shop.maxQuantity": "Vous avez déjà le maximum de {max} dans votre panier.",
	"shop.maxLines": "Un panier contient au plus {max} produits différents.",
	"shop.added": "{name} ajouté à votre panier ({count} dans le panier).",
	"shop.digital": "Numérique : rien à expédier",
	"cart.link": "Panier",
	"cart.items.one": "{count} article",
	"cart.items.other": "{count} articles",
	"cart.heading": "Votre panier",
	"cart.empty": "Votre panier est vide.",
	"cart.total": "Total",
	"cart.pay": "Payer",
	"cart.finePrint":
		"Vous payez sur la page de paiement sécurisée de Stripe. Vos données de carte ne passent jamais par ce site.",
	"cart.remove": "Retirer",
	"cart.removeNamed": "Retirer {name} du panier",
	"cart.quantityOf": "Quantité de {name}",
	"cart.currency": "Prix en {currency}.",
	"cart.mixedCurrencies":
		"Votre panier contient des prix en {currencies} : un paiement ne se fait que dans une devise. Retirez les articles de l'autre devise pour payer.",
	"cart.removeOdd": "Retirer les articles en {currency}",
	"cart.unavailable": "{name} n'est plus en vente et a été retiré de votre panier.",
	"cart.redirecting": "Redirection vers Stripe…",
	"cart.preparing": "Préparation de votre paiement…",
	"cart.stillPreparing": "Préparation de votre paiement… (nouvel essai dans {seconds} s)",

	"success.title": "Votre commande — Bean & Leaf",
	"success.heading": "Votre commande",
	"success.loading": "Chargement de votre commande…",
	"success.pending": "Confirmation de votre paiement…",
	"success.pendingDetail": "Cela prend en général quelques secondes.",
	"success.processing": "Votre paiement est en cours de traitement.",
	"success.processingDetail":
		"Un paiement bancaire peut prendre quelques jours. Cette page montre l'état de la commande à chaque visite.",
	"success.paid": "Paiement reçu — merci !",
	"success.paidDetail": "Votre commande est confirmée.",
	"success.fulfilled": "Votre commande est en route.",
	"success.fulfilledDetail": "Elle a été expédiée : suivez-la avec le suivi ci-dessous.",
	"success.failed": "Votre paiement n'a pas abouti.",
	"success.failedDetail": "{reason} Vous pouvez réessayer ; rien ne vous a été débité.",
	"success.expired": "Ce paiement a expiré.",
	"success.expiredDetail": "Rien ne vous a été débité. Votre panier vous attend dans la boutique.",
	"success.canceled": "Ce paiement a été annulé.",
	"success.canceledDetail":
		"Il a été remplacé par un paiement plus récent ou n'a pas pu démarrer. Rien ne vous a été débité.",
	"success.refunded": "Cette commande a été remboursée.",
	"success.refundedDetail":
		"L'argent revient sur votre moyen de paiement d'origine ; cela peut prendre quelques jours ouvrés.",
	"success.underReview":
		"Nous avons reçu un paiement pour cette commande et le vérifions. Nous revenons vers vous rapidement.",
	"success.notFound": "Nous n'avons pas trouvé cette commande.",
	"success.notFoundDetail": "Vérifiez le lien, ou contactez-nous si vous avez été débité.",
	"success.noSession": "Cette page a besoin du lien par lequel Stripe vous renvoie ici.",
	"success.slow": "Nous confirmons toujours votre paiement.",
	"success.slowDetail":
		"Cela prend plus de temps que d'habitude. Actualisez cette page dans quelques minutes.",
	"success.unreachable": "La boutique est difficile à joindre. Nouvel essai en cours…",
	"success.checkAgain": "Vérifier à nouveau",
	"success.checking": "Nouvelle vérification…",
	"success.retry": "Réessayer",
	"success.refresh": "Actualiser cette page",
	"success.alreadyPaid": "Cette commande est déjà payée : inutile de payer à nouveau.",
	"success.summary": "Récapitulatif de la commande",
	"success.orderNumber": "Numéro de commande",
	"success.itemsCaption": "Articles de cette commande",
	"success.item": "Article",
	"success.qty": "Qté",
	"success.price": "Prix",
	"success.lineTotal": "Total",
	"success.subtotal": "Sous-total",
	"success.discount": "Remise",
	"success.shipping": "Livraison",
	"success.shippingRate": "Livraison ({rate})",
	"success.tax": "Taxes",
	"success.total": "Total de la commande",
	"success.shipTo": "Livraison à",
	"success.emailFor": "Confirmation pour",
	"success.paidWith": "Payé avec",
	"success.cardEnding": "{brand} se terminant par {last4}",
	"success.card": "Carte",
	"success.receipt": "Reçu",
	"success.viewReceipt": "Voir le reçu Stripe",
	"success.tracking": "Suivi",
	"success.shipped": "Expédiée",

	"cancel.title": "Paiement non terminé — Bean & Leaf",
	"cancel.heading": "Vous avez quitté la page de paiement — rien n'a été débité.",
	"cancel.detail":
		"Votre panier est conservé. Reprenez là où vous en étiez, ou modifiez d'abord votre panier.",
	"cancel.summary": "{count} × articles · {total}",
	"cancel.resume": "Reprendre le paiement",
	"cancel.backToCart": "Retour au panier",
	"cancel.home": "Aller à l'accueil",
	"cancel.nothingToResume":
		"Il n'y a pas de paiement à reprendre. Retournez à votre panier pour en commencer un.",
	"cancel.reopening": "Réouverture de votre paiement…",

	"notFound.title": "Page introuvable — Bean & Leaf",
	"notFound.heading": "Page introuvable",
	"notFound.detail":
		"La page demandée n'est pas ici. Elle a peut-être été déplacée, ou le lien est erroné.",

	"errorPage.title": "Un point demande votre attention — Bean & Leaf",
	"errorPage.heading": "Nous n'avons pas pu démarrer votre paiement",
	"error.invalid_cart":
		"Un élément de ce panier ne peut pas être acheté tel quel : vérifiez les produits et les quantités, puis réessayez.",
	"error.network_error":
		"Impossible de joindre la boutique. Vérifiez votre connexion et réessayez.",
	"error.bad_response": "La boutique a envoyé une réponse inattendue. Veuillez réessayer.",
	"error.invalid_json": "La boutique n'a pas pu lire la demande. Rechargez la page et réessayez.",
	"error.forbidden_origin":
		"Ce formulaire doit être envoyé depuis la page de la boutique. Retournez à la boutique et réessayez.",
	"error.payload_too_large":
		"Cette demande était trop volumineuse. Réessayez avec un panier plus petit.",
	"error.unsupported_media_type":
		"La boutique n'a pas pu lire la demande. Rechargez la page et réessayez.",
	"error.rate_limited":
		"Trop de tentatives de paiement depuis votre connexion. Patientez une minute puis réessayez.",
	"error.order_already_paid": "Cette commande est déjà payée : il n'y a plus rien à régler.",
	"error.order_not_found":
		"Nous n'avons pas trouvé cette commande. Retournez à votre panier pour commencer un nouveau paiement.",
	"error.request_in_progress": "Votre paiement est encore en préparation. Patientez un instant.",
	"error.idempotency_key_reused": "Ce paiement a changé pendant son envoi. Veuillez réessayer.",
	"error.stripe_unavailable":
		"Le service de paiement est injoignable pour le moment. Rien ne vous a été débité ; réessayez dans un instant.",
	"error.config_invalid": "La boutique n'est pas correctement configurée. Réessayez plus tard.",
	"error.generic": "Une erreur s'est produite. Veuillez réessayer.",

	"decline.generic": "Votre banque a refusé le paiement.",
	"decline.insufficient_funds": "Le solde de votre carte est insuffisant. Essayez une autre carte.",
	"decline.lost_card": "Cette carte ne peut pas être utilisée. Essayez une autre carte.",
	"decline.stolen_card": "Cette carte ne peut pas être utilisée. Essayez une autre carte.",
	"decline.expired_card": "Votre carte a expiré. Essayez une autre carte.",
	"decline.incorrect_cvc": "Le code de sécurité (CVC) est incorrect.",
	"decline.processing_error": "Votre paiement n'a pas pu être traité. Veuillez réessayer.",
	"decline.authentication_required":
		"Votre banque demande de confirmer le paiement. Réessayez et validez-le.",
	"decline.async_payment_failed": "Votre paiement bancaire n'a pas abouti.",
	"decline.amount_mismatch":
		"Nous avons reçu un paiement pour cette commande et le vérifions. Nous revenons vers vous rapidement.",
} satisfies Messages;
