/**
 * Every text a shopper reads, in English: the worker's pages (filled in before
 * they are sent), their scripts (given this catalogue as a JSON block), the
 * error page of a refused form post. `{name}` is a placeholder; keys ending in
 * `.one` / `.other` are plural forms (Intl.PluralRules). French is in fr.ts;
 * another language is one more file like it and a line in catalogues.ts.
 */
export const en = {
	// The layout of every shopper page.
	"layout.skip": "Skip to content",
	"layout.brand": "Bean & Leaf",
	"layout.footer": "Bean & Leaf · a Stripe Checkout demo on Cloudflare Workers",
	"layout.languageName": "English",
	"layout.language": "Language",
	"layout.backToShop": "Back to the shop",

	// The storefront (index.html, storefront.js, cart.js).
	"shop.title": "Bean & Leaf — shop",
	"shop.description": "Coffee and tea, paid securely with Stripe Checkout.",
	"shop.heading": "Coffee & tea",
	"shop.lede": "Freshly roasted beans, brewing gear and matcha. Pay securely on Stripe.",
	"shop.loading": "Loading products…",
	"shop.noProducts": "No products are for sale right now.",
	"shop.loadFailed": "We couldn't load the products. Please try again.",
	"shop.tryAgain": "Try again",
	"shop.noScript": "Without JavaScript there is no cart, but you can buy one product at a time.",
	"shop.quantity": "Quantity",
	"shop.buyNow": "Buy now",
	"shop.buyNamed": "Buy {name} now",
	"shop.addNamed": "Add {name} to cart",
	"shop.add": "Add to cart",
	"shop.inCart": "{count} in cart",
	"shop.otherCurrency":
		"Your cart is in {cart}. Pay for it or empty it first to buy items priced in {other}.",
	"shop.maxQuantity": "You have the maximum of {max} in your cart.",
	"shop.maxLines": "A cart holds at most {max} different products.",
	"shop.added": "Added {name} to your cart ({count} in cart).",
	"shop.digital": "Digital: nothing to ship",
	"shop.soldOut": "Sold out",
	"shop.onlyLeft.one": "Only {count} left",
	"shop.onlyLeft.other": "Only {count} left",
	"shop.maxStock.one": "Only {count} is left, and it is in your cart.",
	"shop.maxStock.other": "Only {count} are left, and all of them are in your cart.",
	"shop.maxPerOrder": "A limited item: at most {max} per order, and you have {max} in your cart.",
	"cart.link": "Cart",
	"cart.items.one": "{count} item",
	"cart.items.other": "{count} items",
	"cart.heading": "Your cart",
	"cart.empty": "Your cart is empty.",
	"cart.total": "Total",
	"cart.pay": "Pay",
	"cart.finePrint": "You pay on Stripe's secure checkout page. Card details never touch this site.",
	"cart.remove": "Remove",
	"cart.removeNamed": "Remove {name} from your cart",
	"cart.quantityOf": "Quantity of {name}",
	"cart.currency": "Prices in {currency}.",
	"cart.mixedCurrencies":
		"Your cart holds prices in {currencies}: one checkout takes one currency. Remove the lines in the other currency to pay.",
	"cart.removeOdd": "Remove the {currency} items",
	"cart.unavailable": "{name} is no longer for sale and was removed from your cart.",
	"cart.redirecting": "Redirecting to Stripe…",
	"cart.preparing": "Preparing your checkout…",
	"cart.stillPreparing": "Still preparing your checkout… (retrying in {seconds} s)",
	"cart.previousPaid":
		"Your previous checkout has already been paid, so nothing new was charged. Press Pay again only if you want to place another order.",
	"cart.each": "{price} each",
	"cart.decrease": "Decrease quantity of {name}",
	"cart.increase": "Increase quantity of {name}",
	"cart.quantitySet": "{name}: quantity {quantity}.",
	"cart.quantityInvalid": "Quantity must be a whole number from 1 to {max}.",
	"cart.removed": "Removed {name} from your cart.",
	"cart.removedOdd": "Removed the {currency} items from your cart.",
	"cart.unavailableUnnamed.one": "An item that is no longer for sale was removed from your cart.",
	"cart.unavailableUnnamed.other":
		"{count} items that are no longer for sale were removed from your cart.",
	"cart.view": "View cart ({count})",
	"cart.stockChanged":
		"Not enough left of {names}: someone was quicker. Your cart now holds what is still available; check it and pay again.",
	"cart.soldOutNow":
		"There is no {names} left: someone was quicker. Your cart is empty now; the shop shows what is still for sale.",
	"cart.viewTotal": "View cart ({count}) · {total}",

	// The success page.
	"success.title": "Your order — Bean & Leaf",
	"success.heading": "Your order",
	"success.loading": "Loading your order…",
	"success.pending": "Confirming your payment…",
	"success.pendingDetail": "This usually takes a few seconds.",
	"success.processing": "Your payment is processing.",
	"success.processingDetail":
		"Bank payments can take a few days. This page shows the order's state whenever you come back.",
	"success.paid": "Payment received — thank you!",
	"success.paidDetail": "Your order is confirmed.",
	"success.fulfilled": "Your order is on its way.",
	"success.fulfilledDetail": "It has shipped: follow it with the tracking below.",
	"success.failed": "Your payment didn't go through.",
	"success.failedDetail": "{reason} You can try again; you have not been charged.",
	"success.expired": "This checkout expired.",
	"success.expiredDetail": "You have not been charged. Your cart is still in the shop.",
	"success.canceled": "This checkout was canceled.",
	"success.canceledDetail":
		"It was replaced by a newer checkout or could not be started. You have not been charged for it.",
	"success.refunded": "This order has been refunded.",
	"success.refundedDetail":
		"The money goes back to your original payment method; it can take a few business days to appear.",
	"success.underReview":
		"We received a payment for this order and are checking it. We will get back to you shortly.",
	"success.returned": "Payment refunded",
	"success.returnedDetail":
		"We could not match your payment to this order, so we refunded it in full. The refund can take a few days to reach your account.",
	"success.notFound": "We couldn't find this order.",
	"success.notFoundDetail": "Check the link, or contact us if you were charged.",
	"success.noSession": "This page needs the link Stripe sends you back with.",
	"success.slow": "We're still confirming your payment.",
	"success.slowDetail": "This is taking longer than usual. Refresh this page in a few minutes.",
	"success.unreachable": "We're having trouble reaching the shop. Still trying…",
	"success.checkAgain": "Check again",
	"success.checking": "Checking again…",
	"success.retry": "Try again",
	"success.refresh": "Refresh this page",
	"success.alreadyPaid": "This order is already paid — no need to pay again.",
	"success.summary": "Order summary",
	"success.orderNumber": "Order number",
	"success.itemsCaption": "Items in this order",
	"success.item": "Item",
	"success.qty": "Qty",
	"success.price": "Price",
	"success.lineTotal": "Total",
	"success.subtotal": "Subtotal",
	"success.discount": "Discount",
	"success.discountCode": "Discount ({code})",
	"success.shipping": "Shipping",
	"success.shippingRate": "Shipping ({rate})",
	"success.tax": "Tax",
	"success.total": "Order total",
	"success.refundedAmount": "Refunded",
	"success.shipTo": "Shipping to",
	"success.emailFor": "Confirmation for",
	"success.paidWith": "Paid with",
	"success.cardEnding": "{brand} ending in {last4}",
	"success.card": "Card",
	"success.receipt": "Receipt",
	"success.viewReceipt": "View Stripe's receipt",
	"success.tracking": "Tracking",
	"success.shipped": "Shipped",

	// The cancel page.
	"cancel.title": "Payment not finished — Bean & Leaf",
	"cancel.unknown.heading": "There is no checkout to resume here.",
	"cancel.unknown.detail": "Your cart is kept in this browser: go back to it to pay.",
	"cancel.pending.heading": "You left the payment page — nothing was charged.",
	"cancel.pending.detail": "Your checkout is kept: resume it, or change your cart first.",
	"cancel.failed.heading": "Your payment did not go through — nothing was charged.",
	"cancel.failed.detail": "Try again in the same checkout, or change your cart first.",
	"cancel.ended.heading": "This checkout has ended — nothing was charged for it.",
	"cancel.ended.detail": "Start again with the same items, or change your cart first.",
	"cancel.processing.heading": "Your payment is being processed.",
	"cancel.processing.detail":
		"A bank payment can take a few days. There is nothing more to pay: we will write to you when it completes.",
	"cancel.paid.heading": "This order is paid.",
	"cancel.paid.detail": "There is nothing more to pay. Your order's page shows where it is.",
	"cancel.refunded.heading": "This order was paid, then refunded.",
	"cancel.refunded.detail": "There is nothing to pay. Your order's page shows the refund.",
	"cancel.review.heading": "We received a payment for this order and are checking it.",
	"cancel.review.detail": "There is nothing more to pay. We will get back to you shortly.",
	"cancel.returned.heading": "Your payment for this order was refunded.",
	"cancel.returned.detail":
		"We could not match it to this order, so we refunded it in full. Nothing more will be charged.",
	"cancel.viewOrder": "See your order",
	"cancel.retry": "Try again",
	"cancel.startAgain": "Start again with the same items",
	"cancel.summary": "{count} × items · {total}",
	"cancel.resume": "Resume payment",
	"cancel.backToCart": "Back to cart",
	"cancel.reopening": "Reopening your checkout…",

	// The page for a missing page.
	"notFound.title": "Page not found — Bean & Leaf",
	"notFound.heading": "Page not found",
	"notFound.detail":
		"The page you asked for isn't here. It may have moved, or the link may be wrong.",

	// A refused form post (HTML for a browser), and the scripts' messages for API error codes.
	"errorPage.title": "Something needs your attention — Bean & Leaf",
	"errorPage.heading": "We couldn't start your checkout",
	"error.invalid_cart":
		"Something in this cart can't be bought as it is: check the products and quantities, then try again.",
	"error.network_error": "We couldn't reach the shop. Check your connection and try again.",
	"error.bad_response": "The shop sent an unexpected answer. Please try again.",
	"error.invalid_json":
		"The shop could not read the request. Please reload the page and try again.",
	"error.forbidden_origin":
		"This form must be sent from the shop's own page. Go back to the shop and try again.",
	"error.payload_too_large": "That request was too large. Please try again with a smaller cart.",
	"error.unsupported_media_type":
		"The shop could not read the request. Please reload the page and try again.",
	"error.rate_limited":
		"Too many checkout attempts from your connection. Please wait a minute and try again.",
	"error.order_already_paid": "This order is already paid — there's nothing more to pay.",
	"error.order_not_found":
		"We couldn't find this order. Go back to your cart to start a new checkout.",
	"error.out_of_stock":
		"Some items sold out, or fewer are left than you asked for. Go back to the shop to choose again.",
	"error.hold_limit":
		"You already have as many limited items as one shopper may hold in checkouts that are not paid yet. Pay for those first, or wait: an unpaid checkout gives its items back an hour after it started.",
	"error.request_in_progress": "Your checkout is still being prepared. Please wait a moment.",
	"error.idempotency_key_reused":
		"This checkout changed while it was being sent. Please try again.",
	"error.stripe_unavailable":
		"The payment service can't be reached right now. You have not been charged; please try again in a moment.",
	"error.config_invalid": "The shop is not set up correctly. Please try again later.",
	"error.generic": "Something went wrong. Please try again.",

	// Why a payment failed, by Stripe's `decline_code` or `code`, for the shopper.
	"decline.generic": "Your bank declined the payment.",
	"decline.insufficient_funds": "Your card has insufficient funds. Try another card.",
	"decline.lost_card": "This card can't be used. Try another card.",
	"decline.stolen_card": "This card can't be used. Try another card.",
	"decline.expired_card": "Your card has expired. Try another card.",
	"decline.incorrect_cvc": "The security code (CVC) is incorrect.",
	"decline.processing_error": "Your payment couldn't be processed. Please try again.",
	"decline.authentication_required":
		"Your bank asked to confirm the payment. Please try again and approve it.",
	"decline.async_payment_failed": "Your bank payment did not go through.",
	"decline.amount_mismatch":
		"We received a payment for this order and are checking it. We will get back to you shortly.",

	// The order emails (src/emails/templates/), one block per kind after the shared parts.
	"email.hello": "Hello,",
	"email.labelValue": "{label}: {value}",
	"email.order": "Order {number}",
	"email.items": "Your items",
	"email.itemLine": "{name} × {quantity}",
	"email.subtotal": "Subtotal",
	"email.discount": "Discount",
	"email.discountCode": "Discount ({code})",
	"email.shipping": "Shipping",
	"email.shippingRate": "Shipping ({rate})",
	"email.tax": "Tax",
	"email.askedTotal": "Total on the payment page",
	"email.total": "Total",
	"email.refunded": "Refunded",
	"email.refundedNow": "This refund",
	"email.refundedTotal": "Refunded in all",
	"email.shipTo": "Shipping address",
	"email.viewOrder": "View your order",
	"email.visitShop": "Visit the shop",
	"email.footer": "You are receiving this email because you placed an order at {brand}.",
	"email.order_confirmation.subject": "Your {brand} order {number} is confirmed",
	"email.order_confirmation.heading": "Thank you for your order",
	"email.order_confirmation.intro":
		"We have received your payment for order {number}. Here are the details.",
	"email.order_confirmation.next": "We will email you again when it ships.",
	"email.payment_processing.subject": "Your {brand} order {number}: payment in progress",
	"email.payment_processing.heading": "Your payment is being processed",
	"email.payment_processing.intro":
		"The bank payment for order {number} has been started and your bank is processing it.",
	"email.payment_processing.next":
		"You don't need to do anything. We will email you as soon as the payment is confirmed.",
	"email.payment_failed.subject": "Your {brand} order {number}: the payment did not go through",
	"email.payment_failed.heading": "Your payment did not go through",
	"email.payment_failed.intro": "We could not take the payment for order {number}.",
	"email.payment_failed.resume":
		"Your order is saved: you can resume the payment for the same items.",
	"email.payment_failed.resumeButton": "Resume payment",
	"email.payment_failed.startAgain": "Your cart is kept: you can start again with the same items.",
	"email.payment_failed.startAgainButton": "Start again with the same items",
	"email.payment_failed.noResume": "You can order the same items again from the shop.",
	"email.refund.subject": "Your {brand} order {number}: {amount} refunded",
	"email.refund.heading": "Your refund",
	"email.refund.intro": "We have refunded {amount} for order {number}.",
	"email.refund.full": "The order is now refunded in full.",
	"email.refund.delay":
		"The money goes back to the payment method you used; when it appears on your statement depends on your bank.",
	"email.shipped.subject": "Your {brand} order {number} is on its way",
	"email.shipped.heading": "Your order is on its way",
	"email.shipped.intro": "Order {number} has shipped.",
	"email.shipped.details": "Your parcel",
	"email.shipped.carrier": "Carrier",
	"email.shipped.trackingNumber": "Tracking number",
	"email.shipped.trackingLink": "Tracking link",
	"email.shipped.track": "Track your parcel",
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
