import type { MiddlewareHandler } from "hono";

export const STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com";

/**
 * Content-Security-Policy for our pages (PCI DSS SAQ A: no inline or
 * third-party scripts). Forms may go to Stripe's hosted checkout, and in local
 * mode to the emulator that stands in for it.
 */
export function contentSecurityPolicy(
	stripeApiOrigin: string | null,
	/** Only /pay.html's (SPEC 9, 16): where its Stripe.js, Stripe's frames and calls come from. */
	stripeJs: StripeJsSources | null = null,
): string {
	const formAction = [
		"'self'",
		STRIPE_CHECKOUT_ORIGIN,
		...(stripeApiOrigin ? [stripeApiOrigin] : []),
	];
	return [
		"default-src 'self'",
		["script-src 'self'", ...(stripeJs?.script ?? [])].join(" "),
		"style-src 'self'",
		"img-src 'self' data:",
		["connect-src 'self'", ...(stripeJs?.connect ?? [])].join(" "),
		...(stripeJs ? [["frame-src", ...stripeJs.frame].join(" ")] : []),
		"object-src 'none'",
		"base-uri 'self'",
		"frame-ancestors 'none'",
		`form-action ${formAction.join(" ")}`,
	].join("; ");
}

/** The origins Stripe.js needs on the page that loads it. */
export type StripeJsSources = { script: string[]; frame: string[]; connect: string[] };

/**
 * What Stripe's security guide lists for Stripe.js and its Elements frames;
 * offline, the emulator's stand-in (script, Payment Element frame and API all
 * on its one origin) instead.
 */
export function stripeJsSources(stripeJsUrl: string): StripeJsSources {
	const origin = new URL(stripeJsUrl).origin;
	if (origin === STRIPE_JS_ORIGIN)
		return {
			script: [STRIPE_JS_ORIGIN, "https://*.js.stripe.com"],
			frame: [STRIPE_JS_ORIGIN, "https://*.js.stripe.com", "https://hooks.stripe.com"],
			connect: ["https://api.stripe.com"],
		};
	return { script: [origin], frame: [origin], connect: [origin] };
}

const STRIPE_JS_ORIGIN = "https://js.stripe.com";

/** The one page of ours that loads a script from elsewhere: Stripe.js, for the Payment Element. */
export const PAY_PAGE = "/pay.html";

/**
 * The headers every answer carries, the worker's and (through
 * `public/_headers`, held equal by test/node/static-headers.test.ts) the
 * static files': the CSP above, HSTS for two years, no framing, no sniffing,
 * no cross-origin reads or openers, no powerful features.
 */
export function securityHeaderList(
	stripeApiOrigin: string | null,
	stripeJs: StripeJsSources | null = null,
): [string, string][] {
	return [
		["Content-Security-Policy", contentSecurityPolicy(stripeApiOrigin, stripeJs)],
		["Cross-Origin-Opener-Policy", "same-origin"],
		["Cross-Origin-Resource-Policy", "same-origin"],
		["Origin-Agent-Cluster", "?1"],
		// Wallets (Apple Pay, Google Pay) in Stripe's frames on the payment page; nowhere else.
		[
			"Permissions-Policy",
			`camera=(), microphone=(), geolocation=(), payment=(${stripeJs ? `self "${stripeJs.frame[0]}"` : ""})`,
		],
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
const payPageHeaders = new Map<string, [string, string][]>();

/**
 * Sets the security headers on every answer of the worker, over whatever a
 * handler set; /pay.html's CSP also lets Stripe.js in. The middleware and its
 * lists are made once per emulator origin and Stripe.js URL (public URLs, not
 * secrets), not on every request.
 */
export function securityHeaders(
	stripeApiOrigin: string | null,
	stripeJsUrl: () => string,
): MiddlewareHandler {
	const key = stripeApiOrigin ?? "";
	let middleware = middlewares.get(key);
	if (!middleware) {
		const everyPage = securityHeaderList(stripeApiOrigin);
		const payPage = (url: string) => {
			let list = payPageHeaders.get(`${key} ${url}`);
			if (!list) {
				list = securityHeaderList(stripeApiOrigin, stripeJsSources(url));
				payPageHeaders.set(`${key} ${url}`, list);
			}
			return list;
		};
		middleware = async (c, next) => {
			await next();
			const ok = c.req.path === PAY_PAGE && c.res.ok;
			const headers = ok ? payPage(stripeJsUrl()) : everyPage;
			for (const [name, value] of headers) c.res.headers.set(name, value);
			// The owner's pictures are shown elsewhere too: in the e-mails, read in any mail client.
			if (c.req.path.startsWith("/media/"))
				c.res.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
		};
		middlewares.set(key, middleware);
	}
	return middleware;
}
