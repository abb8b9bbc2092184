// The Stripe emulator's stand-in for Stripe.js (https://js.stripe.com/endive/stripe.js), for test
// keys only. It covers what a shop's own payment form uses with a Checkout Session in
// ui_mode "elements": Stripe(pk_test_…).initCheckoutElementsSdk({clientSecret}), its
// loadActions() actions and the Payment Element (card fields in a frame of the emulator's
// origin, with the Customer's saved cards and the box to save a new one when the session has
// a Customer). Nothing else of Stripe.js is here. Result shapes follow @stripe/stripe-js' types.
(() => {
	const script = document.currentScript;
	const ORIGIN = new URL(script ? script.src : location.href).origin;
	const SDK_CODES = ["invalidCode", "invalidEmail", "incompleteEmail", "paymentFailed"];
	const MESSAGES = {
		en: {
			network: "Could not reach the payment service. Check your connection and try again.",
			inFlight: "A payment is already being confirmed.",
			notMounted: "Mount the Payment Element before confirming.",
			badSecret: "Invalid clientSecret: expected the Checkout Session's client_secret.",
			frameTitle: "Secure payment input frame",
		},
		fr: {
			network:
				"Impossible de joindre le service de paiement. Vérifiez votre connexion et réessayez.",
			inFlight: "Un paiement est déjà en cours de confirmation.",
			notMounted: "Montez le Payment Element avant de confirmer.",
			badSecret: "clientSecret non valide : le client_secret de la Checkout Session est attendu.",
			frameTitle: "Champ de saisie de paiement sécurisé",
		},
	};

	function languageOf(locale) {
		const wanted = !locale || locale === "auto" ? navigator.language || "en" : String(locale);
		return wanted.toLowerCase().startsWith("fr") ? "fr" : "en";
	}

	const failure = (message, code = null) => ({ type: "error", error: { message, code } });

	function Stripe(key, options = {}) {
		if (typeof key !== "string" || !key.startsWith("pk_test_")) {
			throw new Error(
				`Invalid API Key provided: ${key}. The Stripe emulator's Stripe.js takes test publishable keys (pk_test_…) only.`,
			);
		}
		const locale = languageOf(options.locale);
		return { initCheckoutElementsSdk: (sdkOptions) => checkoutSdk(sdkOptions || {}, locale) };
	}

	// elementsOptions.savedPaymentMethod: enableSave / enableRedisplay, "auto" (the default) or "never".
	function savedPaymentMethodOptions(elementsOptions) {
		const saved = elementsOptions?.savedPaymentMethod || {};
		const choice = (value) => (value === "never" ? "never" : "auto");
		return { save: choice(saved.enableSave), redisplay: choice(saved.enableRedisplay) };
	}

	function checkoutSdk(options, locale) {
		const text = MESSAGES[locale];
		const saved = savedPaymentMethodOptions(options.elementsOptions);
		const changeHandlers = [];
		let secret = null;
		let sessionId = null;
		let current = null;
		let loading = null;
		let confirming = false;
		let payment = null;
		// A secret that cannot be read leaves no session id: loadActions answers the error.
		const secretReady = Promise.resolve(options.clientSecret).then(
			(value) => {
				secret = String(value);
				sessionId = secret.includes("_secret_") ? secret.split("_secret_")[0] : null;
			},
			() => {},
		);

		function setSession(session) {
			current = { ...session, canConfirm: session.canConfirm && !confirming };
			for (const handler of changeHandlers) {
				try {
					handler(current);
				} catch (error) {
					// The page's bug shows in its console; the SDK goes on.
					setTimeout(() => {
						throw error;
					});
				}
			}
		}

		// One call to the emulator: {status, body}, or null when it could not be reached.
		async function call(path, fields) {
			const base = `${ORIGIN}/js/checkout/${encodeURIComponent(sessionId)}`;
			const query = new URLSearchParams({ client_secret: secret, locale });
			const init = fields
				? {
						method: "POST",
						headers: { "content-type": "application/json" },
						body: JSON.stringify({ ...fields, clientSecret: secret, locale }),
					}
				: {};
			try {
				const response = await fetch(fields ? base + path : `${base}?${query}`, init);
				return { status: response.status, body: await response.json() };
			} catch {
				return null;
			}
		}

		function errorOf(body) {
			const error = body?.error || {};
			const code = SDK_CODES.includes(error.code) ? error.code : null;
			const result = failure(error.message || text.network, code);
			if (code === "paymentFailed") {
				result.error.paymentFailed = { declineCode: error.decline_code || null };
			}
			return result;
		}

		async function update(path, fields) {
			const reply = await call(path, fields);
			if (!reply) return failure(text.network);
			if (reply.status !== 200) {
				// Closed meanwhile (paid or expired elsewhere): the page hears of it through "change".
				if (reply.body?.session) setSession(reply.body.session);
				return errorOf(reply.body);
			}
			setSession(reply.body.session);
			return { type: "success", session: current };
		}

		async function confirm(args = {}) {
			if (confirming) return failure(text.inFlight);
			if (!payment?.mounted()) return failure(text.notMounted);
			confirming = true;
			setSession(current);
			const reply = await payment.request({
				type: "confirm",
				clientSecret: secret,
				locale,
				paymentRequired: current.total.total.minorUnitsAmount > 0,
				args: {
					email: args.email,
					phoneNumber: args.phoneNumber,
					shippingAddress: args.shippingAddress,
					termsAccepted: args.termsAccepted === true,
					savePaymentMethod: args.savePaymentMethod === true,
				},
			});
			confirming = false;
			const session = reply.body?.session;
			setSession(session || { ...current, canConfirm: current.status.type === "open" });
			if (reply.networkError) return failure(text.network);
			if (reply.status !== 200) return errorOf(reply.body);
			if (args.redirect === "if_required") return { type: "success", session: current };
			const target = args.returnUrl || reply.body.returnUrl;
			window.location.assign(target.split("{CHECKOUT_SESSION_ID}").join(current.id));
			return new Promise(() => {});
		}

		const actions = {
			getSession: () => current,
			applyPromotionCode: (promotionCode) => update("/promotion_code", { promotionCode }),
			removePromotionCode: () => update("/promotion_code/remove", {}),
			updateEmail: (email) => update("/email", { email }),
			updatePhoneNumber: (phoneNumber) => update("/phone_number", { phoneNumber }),
			updateShippingAddress: (shippingAddress) => update("/shipping_address", { shippingAddress }),
			updateShippingOption: (shippingOption) => update("/shipping_option", { shippingOption }),
			confirm,
		};

		async function load() {
			await secretReady;
			if (!sessionId) return failure(text.badSecret);
			const reply = await call("");
			if (!reply) return failure(text.network);
			if (reply.status !== 200) return errorOf(reply.body);
			setSession(reply.body.session);
			return { type: "success", actions };
		}

		return {
			on(event, handler) {
				if (event === "change" && typeof handler === "function") changeHandlers.push(handler);
			},
			loadActions() {
				// Loaded once (one first "change"); a failed load may be tried again.
				if (!loading) {
					loading = load().then((result) => {
						if (result.type === "error") loading = null;
						return result;
					});
				}
				return loading;
			},
			createPaymentElement() {
				if (payment) throw new Error("Can only create one Element of type payment.");
				payment = paymentElement(
					secretReady,
					() => ({ sessionId, secret, ...saved }),
					locale,
					() => {
						payment = null;
					},
				);
				return payment.element;
			},
			getPaymentElement: () => (payment ? payment.element : null),
		};
	}

	// The Payment Element: an iframe of the emulator's origin holding the card fields. The
	// client secret goes in the fragment, which the frame reads and no server sees.
	function paymentElement(secretReady, frameOptions, locale, onDestroy) {
		const listeners = { ready: [], change: [] };
		const pending = new Map();
		let frame = null;
		let ready = null;
		let markReady = null;
		let nextId = 1;

		const fire = (event, payload) => {
			for (const handler of listeners[event] || []) handler(payload);
		};

		function onMessage(event) {
			if (!frame || event.source !== frame.contentWindow || event.origin !== ORIGIN) return;
			const data = event.data;
			if (data?.source !== "stripe-emulator") return;
			if (data.type === "resize") frame.style.height = `${Math.max(0, Number(data.height) || 0)}px`;
			if (data.type === "ready") {
				markReady();
				fire("ready", { elementType: "payment" });
			}
			if (data.type === "change") {
				const { complete, empty } = data;
				fire("change", { elementType: "payment", complete: !!complete, empty: !!empty });
			}
			if (data.type === "confirm-result" && pending.has(data.id)) {
				pending.get(data.id)(data);
				pending.delete(data.id);
			}
		}

		function unmount() {
			if (!frame) return;
			window.removeEventListener("message", onMessage);
			frame.remove();
			frame = null;
			markReady();
			for (const resolve of pending.values()) resolve({ networkError: true });
			pending.clear();
		}

		const element = {
			mount(target) {
				const node = typeof target === "string" ? document.querySelector(target) : target;
				if (!node) throw new Error(`mount(): no element matches ${target}.`);
				unmount();
				frame = document.createElement("iframe");
				frame.title = MESSAGES[locale].frameTitle;
				frame.setAttribute("scrolling", "no");
				frame.style.cssText = "border:0;width:100%;height:200px;display:block;overflow:hidden";
				ready = new Promise((resolve) => {
					markReady = resolve;
				});
				window.addEventListener("message", onMessage);
				node.appendChild(frame);
				const mounted = frame;
				secretReady.then(() => {
					const { sessionId, secret, save, redisplay } = frameOptions();
					const query = new URLSearchParams({
						session: sessionId || "",
						locale,
						parent: location.origin,
					});
					const fragment = new URLSearchParams({ client_secret: secret || "", save, redisplay });
					if (frame === mounted) {
						mounted.src = `${ORIGIN}/js/elements/payment?${query}#${fragment}`;
					}
				});
			},
			unmount,
			destroy() {
				unmount();
				onDestroy();
			},
			focus() {
				if (frame)
					frame.contentWindow.postMessage({ source: "stripe-emulator", type: "focus" }, ORIGIN);
			},
			on(event, handler) {
				if (listeners[event] && typeof handler === "function") listeners[event].push(handler);
				return element;
			},
			off(event, handler) {
				if (listeners[event]) listeners[event] = listeners[event].filter((h) => h !== handler);
				return element;
			},
		};

		return {
			element,
			mounted: () => frame !== null,
			// Posts a message to the frame once it is ready; resolves with its answer.
			async request(message) {
				const target = frame;
				await ready;
				if (frame !== target || !frame) return { networkError: true };
				const id = nextId++;
				return new Promise((resolve) => {
					pending.set(id, resolve);
					frame.contentWindow.postMessage({ source: "stripe-emulator", id, ...message }, ORIGIN);
				});
			},
		};
	}

	window.Stripe = Stripe;
})();
