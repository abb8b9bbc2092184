/**
 * Measure 2: checkout creation (`POST /create-checkout-session`, one line)
 * against the local Stripe emulator answering at once, side by side with
 * `GET /api/products` on the same server; and checkout of a stock-limited
 * product beside the same checkout of an unlimited one, so the cost of the
 * reservation shows as a ratio. Rounds rotate the three targets.
 */
import { inRotation, type LoadRun, type LoadSummary, runLoad, summarize } from "../lib/load.ts";
import type { DevServer, Emulator } from "../lib/proc.ts";

export type CheckoutPlan = {
	concurrencies: number[];
	rounds: number;
	requests: number;
	warmup: number;
	maxSeconds: number;
};

/** What the stock-limited product held before and after the run. */
export type StockAccount = {
	productId: string;
	initial: number;
	after: number | null;
	/** Units its open (pending) orders hold, as the admin API counts them. */
	reserved: number | null;
	/** Checkouts of it answered with a session, warm-up included. */
	sessions: number;
};

export type CheckoutLevel = {
	connections: number;
	products: LoadSummary;
	/** Checkout of the demo catalog's unlimited product. */
	checkout: LoadSummary;
	/** The same checkout of its stock-limited twin. */
	limited: LoadSummary;
};

export type CheckoutResult = {
	levels: CheckoutLevel[];
	stock: StockAccount;
	/** Why the checkout figures mean nothing (an answer that was not a session, stock not taken). */
	failures: string[];
};

/** The demo catalog's product every checkout run buys (unlimited: stock null). */
export const UNLIMITED_ID = "espresso-beans";
/** Its twin made for the run: the same fields, with a stock. */
const LIMITED_ID = "bench-stocked-beans";
/** The admin API's largest stock (src/domain/product.ts, MAX_STOCK). */
const MAX_STOCK = 1_000_000;

type AdminProduct = {
	id: string;
	name: string;
	description: string;
	unitAmount: number;
	currency: string;
	shippable: boolean;
	taxCode: string | null;
	stock: number | null;
	reserved: number;
};

/** One admin API call; anything but 200 stops the measure (the run cannot compare what it meant to). */
export async function admin(
	server: DevServer,
	token: string,
	path: string,
	body?: unknown,
): Promise<AdminProduct> {
	const response = await fetch(`${server.url}/admin${path}`, {
		method: body === undefined ? "GET" : "POST",
		headers: {
			Authorization: `Bearer ${token}`,
			...(body === undefined ? {} : { "Content-Type": "application/json" }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (response.status !== 200)
		throw new Error(`admin ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
	return JSON.parse(text) as AdminProduct;
}

/**
 * Creates the stock-limited twin of the unlimited product through the admin
 * API, so the two carts differ in nothing but the stock (price, currency,
 * shippable, tax code alike).
 */
export async function prepareTwin(
	server: DevServer,
	token: string,
	stock: number,
	id = LIMITED_ID,
) {
	const base = await admin(server, token, `/products/${UNLIMITED_ID}`);
	if (base.stock !== null)
		throw new Error(`${UNLIMITED_ID} has a stock (${base.stock}): not unlimited`);
	const twin = await admin(server, token, "/products", {
		id,
		name: `${base.name} (stock-limited)`,
		description: base.description,
		unitAmount: base.unitAmount,
		currency: base.currency,
		shippable: base.shippable,
		taxCode: base.taxCode,
		stock,
	});
	if (twin.stock !== stock) throw new Error(`${id} was created with stock ${twin.stock}`);
}

/** Every answer of a checkout run must be a session: a refused one (409 out_of_stock) is not fast, it is wrong. */
function refusals(run: {
	label: string;
	completed: number;
	errors: number;
	outcomes: Record<string, number>;
}) {
	const sessions = run.outcomes.session ?? 0;
	if (sessions === run.completed && run.errors === 0) return [];
	const others = Object.entries(run.outcomes)
		.filter(([k]) => k !== "session")
		.map(([k, n]) => `${k} ${n}`);
	return [
		`${run.label}: ${run.completed - sessions} of ${run.completed} answers were not a session (${others.join(", ") || "none"}), ${run.errors} errors`,
	];
}

export async function measureCheckout(options: {
	plan: CheckoutPlan;
	main: DevServer;
	emulator: Emulator;
	/** The ADMIN_TOKEN the main server runs with (to create the stock-limited product). */
	adminToken: string;
	log: (line: string) => void;
}): Promise<CheckoutResult> {
	const { plan, main, emulator, adminToken } = options;
	// The emulator answers at once unless told otherwise: clear any fault or delay.
	await fetch(`${emulator.url}/_emulator/faults`, { method: "DELETE" }).then((r) =>
		r.arrayBuffer(),
	);
	// Room for every request of the run twice over (autocannon's `amount` is not a hard
	// cap on what is in flight when it stops); a sold-out run is reported as failed.
	// A warm-up has at least one request per connection (autocannon refuses fewer).
	const warmupAt = (connections: number) =>
		plan.warmup > 0 ? Math.max(plan.warmup, connections) : 0;
	const needed = plan.concurrencies.reduce(
		(sum, connections) => sum + warmupAt(connections) + plan.rounds * plan.requests,
		0,
	);
	const initial = Math.min(MAX_STOCK, 2 * needed);
	if (initial < needed + Math.max(...plan.concurrencies))
		throw new Error(`the plan needs ${needed} units, the admin API allows ${MAX_STOCK}`);
	await prepareTwin(main, adminToken, initial);

	const cpuOf = () => ({ ...main.pids(), emulator: emulator.pid });
	const failures: string[] = [];
	let limitedSessions = 0;
	const levels: CheckoutLevel[] = [];
	for (const connections of plan.concurrencies) {
		const products = (requests: number) =>
			runLoad({
				label: "GET /api/products",
				url: main.url,
				connections,
				requests,
				maxSeconds: plan.maxSeconds,
				request: { method: "GET", path: "/api/products" },
				cpuOf,
			});
		const checkoutOf = (label: string, productId: string) => (requests: number) =>
			runLoad({
				label: `POST /create-checkout-session (${label})`,
				url: main.url,
				connections,
				requests,
				maxSeconds: plan.maxSeconds,
				request: checkoutRequest(productId),
				cpuOf,
				classify: checkoutOutcome,
			});
		const checkout = checkoutOf("unlimited", UNLIMITED_ID);
		const limited = checkoutOf("stock-limited", LIMITED_ID);

		const warmup = warmupAt(connections);
		if (warmup > 0) {
			await products(warmup);
			const warm = [await checkout(warmup), await limited(warmup)];
			for (const run of warm)
				failures.push(...refusals({ ...run, label: `${run.label} c=${connections} warm-up` }));
			limitedSessions += warm[1]?.outcomes.session ?? 0;
		}
		const runs: Record<"products" | "checkout" | "limited", LoadRun[]> = {
			products: [],
			checkout: [],
			limited: [],
		};
		for (let round = 0; round < plan.rounds; round++) {
			const steps = [
				["products", () => products(plan.requests)],
				["checkout", () => checkout(plan.requests)],
				["limited", () => limited(plan.requests)],
			] as const;
			for (const [name, run] of inRotation(steps, round)) {
				const result = await run();
				runs[name].push(result);
				options.log(
					`  c=${connections} round ${round + 1}/${plan.rounds} ${result.label}: ${result.completed} in ${result.seconds.toFixed(2)} s` +
						(result.timeLimited ? " (time limit)" : ""),
				);
			}
		}
		const level: CheckoutLevel = {
			connections,
			products: summarize(runs.products),
			checkout: summarize(runs.checkout),
			limited: summarize(runs.limited),
		};
		failures.push(
			...refusals({ ...level.checkout, label: `${level.checkout.label} c=${connections}` }),
			...refusals({ ...level.limited, label: `${level.limited.label} c=${connections}` }),
		);
		limitedSessions += level.limited.outcomes.session ?? 0;
		levels.push(level);
	}

	// The reservation really happened: each session took one unit, and its pending order holds it.
	const after = await admin(main, adminToken, `/products/${LIMITED_ID}`);
	const stock: StockAccount = {
		productId: LIMITED_ID,
		initial,
		after: after.stock,
		reserved: after.reserved,
		sessions: limitedSessions,
	};
	if (after.stock !== initial - limitedSessions || after.reserved !== limitedSessions)
		failures.push(
			`${LIMITED_ID}: ${limitedSessions} sessions, but stock went ${initial} → ${after.stock} and ${after.reserved} units are reserved`,
		);
	return { levels, stock, failures };
}

/** One line of one product: the storefront's JSON checkout. */
export function checkoutRequest(productId: string) {
	return {
		method: "POST",
		path: "/create-checkout-session",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ items: [{ productId, quantity: 1 }] }),
	};
}

/** `session` for a Checkout Session, else the status and our error code. */
export function checkoutOutcome(status: number, body: string): string {
	if (status === 200 && body.includes('"sessionId":"cs_')) return "session";
	const code = /"code":"([a-z_]+)"/.exec(body)?.[1];
	return `http_${status}${code ? ` ${code}` : ""}`;
}
