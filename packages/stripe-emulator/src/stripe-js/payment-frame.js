// The Payment Element's frame of the Stripe emulator's Stripe.js stand-in: card fields only.
// It takes messages from the one parent origin it was given, posts to that origin only,
// and sends the card to its own origin (the page never sees it).
(() => {
	const body = document.body;
	const parentOrigin = body.dataset.parent;
	const sessionId = body.dataset.session;
	const form = document.getElementById("card-form");
	const number = document.getElementById("card-number");
	const expiry = document.getElementById("card-expiry");
	const cvc = document.getElementById("card-cvc");
	const errorLine = document.getElementById("card-error");
	const inputs = [number, expiry, cvc];

	function post(message) {
		window.parent.postMessage({ source: "stripe-emulator", ...message }, parentOrigin);
	}

	// The first field not complete yet (the server checks the rest: a date in the past…).
	function incompleteField() {
		if (!/^\d{12,19}$/.test(number.value.replace(/[\s-]/g, ""))) return number;
		if (!/^(\d{2})(\d{2}|\d{4})$/.test(expiry.value.replace(/[\s/-]/g, ""))) return expiry;
		if (!/^\d{3,4}$/.test(cvc.value.trim())) return cvc;
		return null;
	}

	function showError(input, message) {
		for (const each of inputs) {
			each.removeAttribute("aria-invalid");
			each.removeAttribute("aria-describedby");
		}
		errorLine.textContent = message;
		if (input) {
			input.setAttribute("aria-invalid", "true");
			input.setAttribute("aria-describedby", "card-error");
		}
	}

	for (const input of inputs) {
		input.addEventListener("input", () => {
			if (input.getAttribute("aria-invalid") === "true") showError(null, "");
			post({
				type: "change",
				empty: inputs.every((each) => each.value.trim() === ""),
				complete: incompleteField() === null,
			});
		});
	}
	// Enter in a field pays nothing by itself: the shop's page has the Pay button.
	form.addEventListener("submit", (event) => event.preventDefault());

	async function confirm(data) {
		const reply = (result) => post({ type: "confirm-result", id: data.id, ...result });
		const missing = data.paymentRequired === false ? null : incompleteField();
		if (missing) {
			const message = missing.dataset.incomplete;
			showError(missing, message);
			missing.focus();
			const error = { type: "invalid_request_error", code: null, message, field: missing.id };
			return reply({ status: 400, body: { error } });
		}
		showError(null, "");
		const card = { number: number.value, expiry: expiry.value, cvc: cvc.value };
		let status;
		let answer;
		try {
			const response = await fetch(`/js/checkout/${encodeURIComponent(sessionId)}/confirm`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({
					...data.args,
					clientSecret: data.clientSecret,
					locale: data.locale,
					card,
				}),
			});
			status = response.status;
			answer = await response.json();
		} catch {
			return reply({ networkError: true });
		}
		const error = answer?.error;
		// A field the card network found wrong is marked here; a decline is the page's to say
		// (as with Stripe's Payment Element), so the shopper reads one message, not two.
		const declined = error?.code === "paymentFailed";
		const field = error && !declined ? inputs.find((input) => input.id === error.field) : undefined;
		showError(field ?? null, field ? error.message : "");
		reply({ status, body: answer });
	}

	window.addEventListener("message", (event) => {
		if (event.origin !== parentOrigin || event.source !== window.parent) return;
		const data = event.data;
		if (data?.source !== "stripe-emulator") return;
		if (data.type === "confirm") confirm(data);
		else if (data.type === "focus") number.focus();
	});

	let lastHeight = 0;
	function resize() {
		const height = Math.ceil(body.getBoundingClientRect().height);
		if (height === lastHeight) return;
		lastHeight = height;
		post({ type: "resize", height });
	}
	new ResizeObserver(resize).observe(body);
	resize();
	post({ type: "ready" });
})();
