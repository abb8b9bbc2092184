import type { ShopDefaults } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { Alert } from "../domain/vocabulary.ts";
import type { Logger } from "../lib/log.ts";
import type { StripeClient } from "../lib/stripe.ts";
import type { Mailer } from "./emails/providers.ts";

/** What the service functions need, passed explicitly so tests can call them directly. */
export type Deps = {
	db: Db;
	log: Logger;
	/** Milliseconds since the epoch; injectable so tests control time. */
	now: () => number;
	/** Sends an alert outside (best effort, never throws). */
	notify: (alert: Alert) => void;
	/**
	 * Hands committed outbox e-mails to delivery (the EMAIL_QUEUE). Best effort:
	 * an e-mail whose enqueue is lost is re-enqueued by reconciliation.
	 */
	enqueueEmails: (ids: string[]) => Promise<void>;
	/** Runs work after the answer is sent (`waitUntil`): a write D1 refused, tried again. */
	defer: (work: Promise<unknown>) => void;
};

/**
 * Deps plus a Stripe client, for services that call Stripe, and whether the
 * key is a live one (an event of the other mode is not ours).
 */
export type StripeDeps = Deps & { stripe: StripeClient; liveMode: boolean };

/**
 * Deps plus what sending the shop's e-mails takes: the mailer EMAIL_PROVIDER
 * names, and the shop's public origin for the e-mails' links (APP_URL; null
 * when unset, as in local development, where the order's own origin is used).
 */
export type MailDeps = Deps & {
	mailer: Mailer;
	shopOrigin: string | null;
	/** The shop's name and contact before the owner's first save (SHOP_NAME, CONTACT_EMAIL). */
	shopDefaults: ShopDefaults;
	/** SESSION_SECRET: a sign-in e-mail's link is made again from it (SPEC 14); null: accounts are off. */
	sessionSecret: string | null;
};

/** Everything the composition root (`buildDeps`) hands a request, a Cron run or a queue batch. */
export type AppDeps = StripeDeps & MailDeps;
