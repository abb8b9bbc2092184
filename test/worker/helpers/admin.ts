import { exports } from "cloudflare:workers";
import { TEST_ADMIN_TOKEN } from "../../support/constants.ts";
import { ORIGIN } from "./checkout.ts";

/** A request to `/admin<path>` with the test's admin token (or `token`), a JSON body when given. */
export function adminRequest(
	path: string,
	init: { method?: string; body?: unknown; token?: string } = {},
): Promise<Response> {
	return exports.default.fetch(`${ORIGIN}/admin${path}`, {
		method: init.method ?? "GET",
		headers: {
			authorization: `Bearer ${init.token ?? TEST_ADMIN_TOKEN}`,
			...(init.body !== undefined && { "content-type": "application/json" }),
		},
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
}
