/**
 * The Stripe events the worker handles: one list for the webhook route, the
 * endpoint set-up script, `stripe:listen` and the local emulator's forwarding.
 * No imports, so Node scripts can load it as is.
 */
export const HANDLED_EVENT_TYPES = [
	"checkout.session.completed",
	"checkout.session.async_payment_succeeded",
	"checkout.session.async_payment_failed",
	"checkout.session.expired",
	"payment_intent.succeeded",
	"payment_intent.payment_failed",
	"charge.refunded",
	// Subscriptions (SPEC 15): applied from Stripe's snapshot of the subscription.
	"customer.subscription.created",
	"customer.subscription.updated",
	"customer.subscription.deleted",
	"invoice.paid",
	"invoice.payment_failed",
] as const;
export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

export function isHandledEventType(type: string): type is HandledEventType {
	return (HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}
