import vm from "node:vm";
import type { SessionView } from "../../src/stripe-js/session-view.ts";

/** A message the shop's page posted to the Payment Element's frame. */
export type FrameMessage = { data: Record<string, unknown>; targetOrigin: string };

/**
 * Just enough of a browser page to run the served `/js/stripe.js` in Node: the script's
 * `<script src>`, `fetch` (the real one, to the emulator), `location.assign` recorded, and
 * a fake `<iframe>` whose `postMessage`s are recorded; `frameSays` plays the frame's side.
 */
export type StripeJsPage = {
	/** `window.Stripe` as the script defined it. */
	Stripe: (key: string, options?: { locale?: string }) => StripeInstance;
	/** The URLs `location.assign` was called with. */
	assigned: string[];
	/** The iframe's `src`, once mounted. */
	frameSrc: () => string;
	/** Messages posted to the frame. */
	toFrame: FrameMessage[];
	/** Delivers a message event to the page as if the frame (or `origin`) sent it. */
	frameSays: (data: Record<string, unknown>, origin?: string, fromFrame?: boolean) => void;
	frameStyle: Record<string, string>;
};

// The subset of the SDK the tests call.
type Result = {
	type: string;
	session?: SessionView;
	error?: { message: string; code: string | null; paymentFailed?: { declineCode: string | null } };
};
export type Actions = {
	getSession(): SessionView;
	applyPromotionCode(code: string): Promise<Result>;
	removePromotionCode(): Promise<Result>;
	updateEmail(email: string | null): Promise<Result>;
	updateShippingOption(id: string): Promise<Result>;
	confirm(args?: Record<string, unknown>): Promise<Result>;
};
type PaymentElement = {
	mount(target: string): void;
	on(event: string, handler: (event: unknown) => void): PaymentElement;
};
export type Sdk = {
	on(event: "change", handler: (session: SessionView) => void): void;
	loadActions(): Promise<{ type: string; actions?: Actions; error?: Result["error"] }>;
	createPaymentElement(): PaymentElement;
	getPaymentElement(): PaymentElement | null;
};
type StripeInstance = {
	initCheckoutElementsSdk(options: {
		clientSecret: string;
		elementsOptions?: Record<string, unknown>;
	}): Sdk;
};

/** Runs `source` (the served stripe.js) in a fresh context standing for the shop's page. */
export function stripeJsPage(
	source: string,
	emulatorUrl: string,
	language = "en-US",
): StripeJsPage {
	const listeners: ((event: unknown) => void)[] = [];
	const assigned: string[] = [];
	const toFrame: FrameMessage[] = [];
	const contentWindow = {
		postMessage: (data: Record<string, unknown>, targetOrigin: string) =>
			toFrame.push({ data: structuredClone(data), targetOrigin }),
	};
	const frame = {
		src: "",
		title: "",
		style: {} as Record<string, string>,
		contentWindow,
		setAttribute: () => {},
		remove: () => {},
	};
	const page = {
		document: {
			currentScript: { src: `${emulatorUrl}/js/stripe.js` },
			createElement: () => frame,
			querySelector: () => ({ appendChild: () => {} }),
		},
		location: {
			href: "http://shop.test/pay.html",
			origin: "http://shop.test",
			assign: (url: string) => assigned.push(url),
		},
		navigator: { language },
		fetch,
		URL,
		URLSearchParams,
		setTimeout,
		addEventListener: (type: string, listener: (event: unknown) => void) => {
			if (type === "message") listeners.push(listener);
		},
		removeEventListener: (_type: string, listener: (event: unknown) => void) => {
			listeners.splice(listeners.indexOf(listener), 1);
		},
	} as Record<string, unknown>;
	page.window = page;
	vm.runInNewContext(source, page);
	const emulatorOrigin = new URL(emulatorUrl).origin;
	return {
		Stripe: page.Stripe as StripeJsPage["Stripe"],
		assigned,
		frameSrc: () => frame.src,
		toFrame,
		frameSays: (data, origin = emulatorOrigin, fromFrame = true) => {
			const event = { data, origin, source: fromFrame ? contentWindow : {} };
			for (const listener of [...listeners]) listener(event);
		},
		frameStyle: frame.style,
	};
}
