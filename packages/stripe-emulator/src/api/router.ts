/** A route such as `GET /v1/checkout/sessions/:id`. */
export type Route<H> = { method: string; pattern: string; handler: H };

export type RouteMatch<H> =
	| { kind: "found"; handler: H; params: Record<string, string> }
	| { kind: "not_found" };

/** Finds the route for a method and path; `:name` segments capture one path segment. */
export function matchRoute<H>(routes: Route<H>[], method: string, path: string): RouteMatch<H> {
	const segments = path.split("/");
	for (const route of routes) {
		if (route.method !== method) continue;
		const params = matchPattern(route.pattern.split("/"), segments);
		if (params) return { kind: "found", handler: route.handler, params };
	}
	return { kind: "not_found" };
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | null {
	if (pattern.length !== segments.length) return null;
	const params: Record<string, string> = {};
	for (const [index, part] of pattern.entries()) {
		const segment = segments[index] ?? "";
		if (part.startsWith(":")) {
			if (segment === "") return null;
			params[part.slice(1)] = decodeURIComponent(segment);
		} else if (part !== segment) return null;
	}
	return params;
}
