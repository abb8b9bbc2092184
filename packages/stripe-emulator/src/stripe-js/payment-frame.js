// The Payment Element's frame of the Stripe emulator's Stripe.js stand-in: card fields only
// (and, for a session with a Customer, its saved cards and the box to save a new one).
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
	const savedCards = document.getElementById("saved-cards");
	const savedList = document.getElementById("saved-card-list");
	const newCardRadio = document.getElementById("method-card");
	const newCard = document.getElementById("new-card");
	const saveRow = document.getElementById("save-card-row");
	const saveBox = document.getElementById("save-card");
	// The page hands the client secret and its elementsOptions in the fragment (never sent to a server).
	const options = new URLSearchParams(location.hash.slice(1));

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

	// The saved card chosen instead of typing one; null for "Use a new card".
	function chosenSavedCard() {
		const checked = form.querySelector('input[name="method"]:checked');
		return checked && checked.value !== "card" ? checked : null;
	}

	function postChange() {
		const saved = chosenSavedCard();
		post({
			type: "change",
			empty: !saved && inputs.every((each) => each.value.trim() === ""),
			complete: saved !== null || incompleteField() === null,
		});
	}

	for (const input of inputs) {
		input.addEventListener("input", () => {
			if (input.getAttribute("aria-invalid") === "true") showError(null, "");
			postChange();
		});
	}

	form.addEventListener("change", (event) => {
		if (event.target.name !== "method") return;
		newCard.hidden = chosenSavedCard() !== null;
		showError(null, "");
		postChange();
	});

	// A session with a Customer: its saved cards (the preselected one checked) and the save box.
	async function loadSavedCards() {
		const secret = options.get("client_secret");
		if (!secret) return;
		let wallet;
		try {
			const query = new URLSearchParams({ client_secret: secret, locale: body.dataset.locale });
			const response = await fetch(
				`/js/checkout/${encodeURIComponent(sessionId)}/saved_payment_methods?${query}`,
			);
			if (!response.ok) return;
			wallet = await response.json();
		} catch {
			return;
		}
		const cards = options.get("redisplay") === "never" ? [] : wallet.savedPaymentMethods || [];
		cards.forEach((card, index) => {
			const label = document.createElement("label");
			label.className = "choice";
			label.htmlFor = `saved-card-${index}`;
			const radio = document.createElement("input");
			radio.type = "radio";
			radio.id = `saved-card-${index}`;
			radio.name = "method";
			radio.value = card.id;
			radio.checked = card.checked === true;
			label.append(radio, ` ${card.label}`);
			savedList.append(label);
		});
		if (cards.length > 0) {
			if (!chosenSavedCard()) newCardRadio.checked = true;
			savedCards.hidden = false;
		}
		if (wallet.offerSave && options.get("save") !== "never") saveRow.hidden = false;
		newCard.hidden = chosenSavedCard() !== null;
		postChange();
	}
	// Enter in a field pays nothing by itself: the shop's page has the Pay button.
	form.addEventListener("submit", (event) => event.preventDefault());

	async function confirm(data) {
		const reply = (result) => post({ type: "confirm-result", id: data.id, ...result });
		const saved = chosenSavedCard();
		const missing = data.paymentRequired === false || saved ? null : incompleteField();
		if (missing) {
			const message = missing.dataset.incomplete;
			showError(missing, message);
			missing.focus();
			const error = { type: "invalid_request_error", code: null, message, field: missing.id };
			return reply({ status: 400, body: { error } });
		}
		showError(null, "");
		const card = { number: number.value, expiry: expiry.value, cvc: cvc.value };
		// A saved card pays by its id; a typed one is saved when the box (or the page's
		// confirm({savePaymentMethod: true})) says so.
		const choice = saved
			? { paymentMethod: saved.value }
			: {
					card,
					savePaymentMethod:
						(!saveRow.hidden && saveBox.checked) || data.args?.savePaymentMethod === true,
				};
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
					...choice,
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
		else if (data.type === "focus") (chosenSavedCard() || number).focus();
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
	loadSavedCards();
})();
