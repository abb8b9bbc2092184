import type { HttpAnswer } from "../api/http-io.ts";
import type { Route } from "../api/types.ts";
import type { EmulatorContext } from "../state/context.ts";
import { showPortal, showPortalAction, submitPortalAction } from "./portal-page.ts";

/** What a portal page handler gets. */
export type PortalPageRequest = {
	ctx: EmulatorContext;
	pathParams: Record<string, string>;
	query: URLSearchParams;
	rawBody: string;
};

export type PortalPageRoute = Route<(request: PortalPageRequest) => HttpAnswer>;

/** The Billing Portal's pages: home, an action's page (adding a card), an action's POST. */
export const PORTAL_PAGE_ROUTES: PortalPageRoute[] = [
	{
		method: "GET",
		pattern: "/p/session/:id",
		handler: ({ ctx, pathParams, query }) => showPortal(ctx, pathParams.id ?? "", query),
	},
	{
		method: "GET",
		pattern: "/p/session/:id/:action",
		handler: ({ ctx, pathParams }) =>
			showPortalAction(ctx, pathParams.id ?? "", pathParams.action ?? ""),
	},
	{
		method: "POST",
		pattern: "/p/session/:id/:action",
		handler: ({ ctx, pathParams, rawBody }) =>
			submitPortalAction(ctx, pathParams.id ?? "", pathParams.action ?? "", rawBody),
	},
];
