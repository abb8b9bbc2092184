import type { JsonObject } from "../state/json.ts";
import type { PortalSessionRecord } from "../state/store.ts";

/** The account's one Billing Portal configuration (the emulator has no other). */
export const DEFAULT_PORTAL_CONFIGURATION = "bpc_1EmulatorDefaultPortal";

/** Where a portal session's page is. */
export function portalUrl(portal: PortalSessionRecord): string {
	return `${portal.origin}/p/session/${portal.id}`;
}

/** The `billing_portal.session` object, with every field of Stripe's fixture (no `flow`). */
export function renderPortalSession(portal: PortalSessionRecord): JsonObject {
	return {
		id: portal.id,
		object: "billing_portal.session",
		configuration: portal.configuration,
		created: portal.created,
		customer: portal.customerId,
		customer_account: null,
		flow: null,
		livemode: false,
		locale: portal.locale,
		on_behalf_of: null,
		return_url: portal.returnUrl,
		url: portalUrl(portal),
	};
}
