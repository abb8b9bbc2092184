/**
 * A flash sale: many shoppers at once for the last units of one product. Each
 * round makes a product of its own with `units` left and sends `shoppers`
 * checkouts of one unit all at once (as many connections as shoppers): exactly
 * `units` sessions, the rest 409 `out_of_stock`, the stock at zero and held by
 * exactly those orders, never below. Beside it, the same load on the
 * unlimited product, in the same rounds, for the throughput ratio.
 */
import { inRotation, type LoadRun, type LoadSummary, runLoad, summarize } from "../lib/load.ts";
import type { DevServer } from "../lib/proc.ts";
import { admin, checkoutOutcome, checkoutRequest, prepareTwin, UNLIMITED_ID } from "./checkout.ts";

export type FlashSalePlan = { shoppers: number; units: number; rounds: number; maxSeconds: number };

export type FlashSaleResult = {
	plan: FlashSalePlan;
	sale: LoadSummary;
	unlimited: LoadSummary;
	/** Per round: what the product held after the sale. */
	after: { productId: string; stock: number | null; reserved: number }[];
	/** What went wrong (oversold, a session short, an answer neither a session nor sold out). */
	failures: string[];
};

export async function measureFlashSale(options: {
	plan: FlashSalePlan;
	main: DevServer;
	adminToken: string;
	log: (line: string) => void;
}): Promise<FlashSaleResult> {
	const { plan, main, adminToken } = options;
	const load = (label: string, productId: string) =>
		runLoad({
			label,
			url: main.url,
			connections: plan.shoppers,
			requests: plan.shoppers,
			maxSeconds: plan.maxSeconds,
			request: checkoutRequest(productId),
			cpuOf: () => main.pids(),
			classify: checkoutOutcome,
		});
	const runs: Record<"sale" | "unlimited", LoadRun[]> = { sale: [], unlimited: [] };
	const after: FlashSaleResult["after"] = [];
	const failures: string[] = [];
	for (let round = 0; round < plan.rounds; round++) {
		const productId = `bench-flash-sale-${round + 1}-${Date.now().toString(36)}`;
		await prepareTwin(main, adminToken, plan.units, productId);
		const steps = [
			["sale", () => load(`flash sale: ${plan.shoppers} shoppers, ${plan.units} units`, productId)],
			["unlimited", () => load(`the same load, unlimited product`, UNLIMITED_ID)],
		] as const;
		for (const [name, run] of inRotation(steps, round)) {
			const result = await run();
			runs[name].push(result);
			options.log(
				`  round ${round + 1}/${plan.rounds} ${result.label}: ${result.completed} in ${result.seconds.toFixed(2)} s (${Object.entries(
					result.outcomes,
				)
					.map(([k, n]) => `${k} ${n}`)
					.join(", ")})`,
			);
		}
		const sale = runs.sale.at(-1) as LoadRun;
		const held = await admin(main, adminToken, `/products/${productId}`);
		after.push({ productId, stock: held.stock, reserved: held.reserved });
		const sessions = sale.outcomes.session ?? 0;
		const soldOut = sale.outcomes["http_409 out_of_stock"] ?? 0;
		if (sessions !== plan.units || soldOut !== plan.shoppers - plan.units)
			failures.push(
				`round ${round + 1}: ${sessions} sessions and ${soldOut} out_of_stock for ${plan.units} units and ${plan.shoppers} shoppers (${JSON.stringify(sale.outcomes)})`,
			);
		if (held.stock !== 0 || held.reserved !== plan.units)
			failures.push(
				`round ${round + 1}: ${productId} left at stock ${held.stock} with ${held.reserved} units held (expected 0 and ${plan.units})`,
			);
		const unlimited = runs.unlimited.at(-1) as LoadRun;
		if ((unlimited.outcomes.session ?? 0) !== plan.shoppers)
			failures.push(
				`round ${round + 1}: the unlimited product answered ${JSON.stringify(unlimited.outcomes)}`,
			);
	}
	return {
		plan,
		sale: summarize(runs.sale),
		unlimited: summarize(runs.unlimited),
		after,
		failures,
	};
}
