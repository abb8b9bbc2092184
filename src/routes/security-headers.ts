import { secureHeaders } from "hono/secure-headers";

export const STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com";

/**
 * Content-Security-Policy for our pages (PCI DSS SAQ A: no inline or
 * third-party scripts). Forms may go to Stripe's hosted checkout, and in local
 * mode to the emulator that stands in for it.
 */
export function contentSecurityPolicy(stripeApiOrigin: string | null) {
	const formAction = ["'self'", STRIPE_CHECKOUT_ORIGIN];
	if (stripeApiOrigin) formAction.push(stripeApiOrigin);
	return {
		defaultSrc: ["'self'"],
		scriptSrc: ["'self'"],
		styleSrc: ["'self'"],
		imgSrc: ["'self'", "data:"],
		connectSrc: ["'self'"],
		objectSrc: ["'none'"],
		baseUri: ["'self'"],
		frameAncestors: ["'none'"],
		formAction,
	};
}

const middlewares = new Map<string, ReturnType<typeof secureHeaders>>();

/**
 * Security headers on every answer of the worker (static assets get the same
 * from `public/_headers`). The middleware is built once per emulator origin
 * (a public URL, not a secret) instead of on every request.
 */
export function securityHeaders(stripeApiOrigin: string | null) {
	const key = stripeApiOrigin ?? "";
	let middleware = middlewares.get(key);
	if (!middleware) {
		middleware = secureHeaders({
			contentSecurityPolicy: contentSecurityPolicy(stripeApiOrigin),
			strictTransportSecurity: "max-age=63072000; includeSubDomains",
			referrerPolicy: "strict-origin-when-cross-origin",
			xContentTypeOptions: "nosniff",
			xFrameOptions: "DENY",
			crossOriginOpenerPolicy: "same-origin",
			crossOriginResourcePolicy: "same-origin",
			permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
		});
		middlewares.set(key, middleware);
	}
	return middleware;
}
