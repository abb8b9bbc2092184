import { cardLabel, customerCards } from "../customers/wallet.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { CustomerRecord, PaymentMethodRecord, SessionRecord } from "../state/store.ts";

/*
 * What a session made for a Customer (`customer`) offers on the hosted page and in the
 * Stripe.js stand-in's frame: the Customer's email, locked; its saved cards; the box to
 * save a new one. Both read it from here, so they offer the same.
 */

/** One saved card as the pages list it: "Visa •••• 4242 · 12/34", the preselected one checked. */
export type SavedCardChoice = { id: string; label: string; checked: boolean };

/** The saved cards a session offers, and whether it offers to save a new one. */
export type SessionWallet = { cards: SavedCardChoice[]; offerSave: boolean };

/** The session's Customer; null when it has none (or it is gone after a reset). */
export function sessionCustomer(
	ctx: EmulatorContext,
	session: SessionRecord,
): CustomerRecord | null {
	return session.customerId ? (ctx.state.customers.get(session.customerId) ?? null) : null;
}

/**
 * The email the shopper cannot change: `customer_email`, or the Customer's email (Stripe
 * prefills it and does not let it be edited). Null when the shopper types one.
 */
export function lockedEmail(ctx: EmulatorContext, session: SessionRecord): string | null {
	return session.customerEmail ?? sessionCustomer(ctx, session)?.email ?? null;
}

/**
 * The Customer's cards the session may show again (`allow_redisplay` in the session's
 * `allow_redisplay_filters`, `always` by default), the default first, then the newest;
 * the default (or else the newest) preselected. With `payment_method_save: enabled`, the
 * box to save a new card. A setup session saves the card anyway: no box, no saved cards. A
 * subscription session saves the card it is paid with: saved cards, no box.
 */
export function sessionWallet(ctx: EmulatorContext, session: SessionRecord): SessionWallet {
	const customer = sessionCustomer(ctx, session);
	if (!customer || session.mode === "setup") return { cards: [], offerSave: false };
	const filters = session.savedPaymentMethodOptions?.allowRedisplayFilters ?? ["always"];
	const cards = customerCards(ctx.state, customer, filters).map((method, index) => ({
		id: method.id,
		label: cardLabel(method),
		checked: index === 0,
	}));
	return {
		cards,
		offerSave:
			session.mode !== "subscription" &&
			session.savedPaymentMethodOptions?.paymentMethodSave === "enabled",
	};
}

/** One of the saved cards the session offers, by id; null for anything else. */
export function offeredCard(
	ctx: EmulatorContext,
	session: SessionRecord,
	id: string,
): PaymentMethodRecord | null {
	if (!sessionWallet(ctx, session).cards.some((card) => card.id === id)) return null;
	return ctx.state.paymentMethods.get(id) ?? null;
}
