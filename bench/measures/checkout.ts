/**
 * Measure 2: checkout creation (`POST /create-checkout-session`, one product)
 * against the local Stripe emulator answering at once, side by side with
 * `GET /api/products` on the same server; rounds alternate the two.
 */
import { type LoadRun, type LoadSummary, runLoad, summarize } from "../lib/load.ts";
import type { DevServer, Emulator } from "../lib/proc.ts";

export type CheckoutPlan = {
	connections: number;
	rounds: number;
	requests: number;
	warmup: number;
	maxSeconds: number;
};

export type CheckoutResult = { products: LoadSummary; checkout: LoadSummary };

export async function measureCheckout(options: {
	plan: CheckoutPlan;
	main: DevServer;
	emulator: Emulator;
	log: (line: string) => void;
}): Promise<CheckoutResult> {
	const { plan, main, emulator } = options;
	// The emulator answers at once unless told otherwise: clear any fault or delay.
	await fetch(`${emulator.url}/_emulator/faults`, { method: "DELETE" }).then((r) =>
		r.arrayBuffer(),
	);
	const cpuOf = () => ({ ...main.pids(), emulator: emulator.pid });
	const products = (requests: number) =>
		runLoad({
			label: "GET /api/products",
			url: main.url,
			connections: plan.connections,
			requests,
			maxSeconds: plan.maxSeconds,
			request: { method: "GET", path: "/api/products" },
			cpuOf,
		});
	const checkout = (requests: number) =>
		runLoad({
			label: "POST /create-checkout-session",
			url: main.url,
			connections: plan.connections,
			requests,
			maxSeconds: plan.maxSeconds,
			request: {
				method: "POST",
				path: "/create-checkout-session",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }] }),
			},
			cpuOf,
			classify: (status, body) =>
				status === 200 && body.includes('"sessionId":"cs_') ? "session" : `http_${status}`,
		});
	if (plan.warmup > 0) {
		await products(plan.warmup);
		await checkout(plan.warmup);
	}
	const runs: { products: LoadRun[]; checkout: LoadRun[] } = { products: [], checkout: [] };
	for (let round = 0; round < plan.rounds; round++) {
		const steps = [
			["products", () => products(plan.requests)],
			["checkout", () => checkout(plan.requests)],
		] as const;
		for (let i = 0; i < steps.length; i++) {
			const [name, run] = steps[(i + round) % steps.length] as (typeof steps)[number];
			const result = await run();
			runs[name].push(result);
			options.log(
				`  c=${plan.connections} round ${round + 1}/${plan.rounds} ${result.label}: ${result.completed} in ${result.seconds.toFixed(2)} s` +
					(result.timeLimited ? " (time limit)" : ""),
			);
		}
	}
	return { products: summarize(runs.products), checkout: summarize(runs.checkout) };
}
