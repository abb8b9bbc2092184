import { invalidParam } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { optionalString, rejectUnknown, requiredString } from "../api/params.ts";
import type { ApiRoute } from "../api/types.ts";
import { newId } from "../state/ids.ts";
import type { PortalSessionRecord } from "../state/store.ts";
import { DEFAULT_PORTAL_CONFIGURATION, renderPortalSession } from "./portal-session-object.ts";

// The locales the Billing Portal speaks (the emulator's page: English, and French for fr…).
const PORTAL_LOCALES =
	"auto bg cs da de el en en-AU en-CA en-GB en-IE en-IN en-NZ en-SG es es-419 et fi fil fr fr-CA hr hu id it ja ko lt lv ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW".split(
		" ",
	);

/** `POST /v1/billing_portal/sessions`: a link to the Customer's portal (`url`). */
export const portalRoutes: ApiRoute[] = [
	{
		method: "POST",
		pattern: "/v1/billing_portal/sessions",
		handler: ({ ctx, params, source }) => {
			rejectUnknown(params, ["customer", "return_url", "locale", "configuration", "expand"]);
			const customerId = requiredString(params.customer, "customer");
			if (!ctx.state.customers.has(customerId)) {
				throw invalidParam(`No such customer: '${customerId}'`, "customer", "resource_missing");
			}
			const returnUrl = optionalString(params.return_url, "return_url") ?? null;
			if (
				returnUrl !== null &&
				(!URL.canParse(returnUrl) || !/^https?:$/.test(new URL(returnUrl).protocol))
			) {
				throw invalidParam("Not a valid URL", "return_url", "url_invalid");
			}
			const locale = optionalString(params.locale, "locale") ?? null;
			if (locale !== null && !PORTAL_LOCALES.includes(locale)) {
				throw invalidParam(`Invalid locale: must be one of ${PORTAL_LOCALES.join(", ")}`, "locale");
			}
			const configuration = optionalString(params.configuration, "configuration");
			if (configuration !== undefined && configuration !== DEFAULT_PORTAL_CONFIGURATION) {
				throw invalidParam(
					`No such configuration: '${configuration}'`,
					"configuration",
					"resource_missing",
				);
			}
			const portal: PortalSessionRecord = {
				id: newId("bps"),
				created: ctx.clock.now(),
				customerId,
				returnUrl,
				locale,
				configuration: DEFAULT_PORTAL_CONFIGURATION,
				origin: ctx.origin,
			};
			ctx.state.portalSessions.set(portal.id, portal);
			const object = renderPortalSession(portal);
			ctx.emit("billing_portal.session.created", object, source);
			return applyExpand(ctx, object, params);
		},
	},
];
