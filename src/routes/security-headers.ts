import type { MiddlewareHandler } from "hono";

export const STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com";

/**
 * Content-Security-Policy for our pages (PCI DSS SAQ A: no inline or
 * third-party scripts). Forms may go to Stripe's hosted checkout, and in local
 * mode to the emulator that stands in for it.
 */
export function contentSecurityPolicy(stripeApiOrigin: string | null): string {
	const formAction = [
		"'self'",
		STRIPE_CHECKOUT_ORIGIN,
		...(stripeApiOrigin ? [stripeApiOrigin] : []),
	];
	return [
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"frame-ancestors 'none'",
		`form-action ${formAction.join(" ")}`,
	].join("; ");
}

/**
 * The headers every answer carries, the worker's and (through
 * `public/_headers`, held equal by test/node/static-headers.test.ts) the
 * static files': the CSP above, HSTS for two years, no framing, no sniffing,
 * no cross-origin reads or openers, no powerful features.
 */
export function securityHeaderList(stripeApiOrigin: string | null): [string, string][] {
	return [
		["Content-Security-Policy", contentSecurityPolicy(stripeApiOrigin)],
		["Cross-Origin-Opener-Policy", "same-origin"],
		["Cross-Origin-Resource-Policy", "same-origin"],
		["Origin-Agent-Cluster", "?1"],
		["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"],
		["Referrer-Policy", "strict-origin-when-cross-origin"],
		["Strict-Transport-Security", "max-age=63072000; includeSubDomains"],
		["X-Content-Type-Options", "nosniff"],
		["X-DNS-Prefetch-Control", "off"],
		["X-Download-Options", "noopen"],
		["X-Frame-Options", "DENY"],
		["X-Permitted-Cross-Domain-Policies", "none"],
		["X-XSS-Protection", "0"],
	];
}

const middlewares = new Map<string, MiddlewareHandler>();

/**
 * Sets the security headers on every answer of the worker, over whatever a
 * handler set. The middleware and its list are made once per emulator origin
 * (a public URL, not a secret), not on every request.
 */
export function securityHeaders(stripeApiOrigin: string | null): MiddlewareHandler {
	const key = stripeApiOrigin ?? "";
	let middleware = middlewares.get(key);
	if (!middleware) {
		const headers = securityHeaderList(stripeApiOrigin);
		middleware = async (c, next) => {
			await next();
			for (const [name, value] of headers) c.res.headers.set(name, value);
			// The owner's pictures are shown elsewhere too: in the e-mails, read in any mail client.
			if (c.req.path.startsWith("/media/"))
				c.res.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
		};
		middlewares.set(key, middleware);
	}
	return middleware;
}
