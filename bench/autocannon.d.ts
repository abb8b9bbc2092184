// The part of autocannon 9's API the benchmarks use (the package ships no types).
declare module "autocannon" {
	export type RequestParams = {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: string | Buffer;
	};
	export type Request = RequestParams & {
		setupRequest?: (request: RequestParams, context: object) => RequestParams | null;
		onResponse?: (status: number, body: string, context: object) => void;
	};
	export type Options = {
		url: string;
		connections?: number;
		amount?: number;
		duration?: number;
		timeout?: number;
		pipelining?: number;
		sampleInt?: number;
		method?: string;
		headers?: Record<string, string>;
		body?: string | Buffer;
		requests?: Request[];
		skipAggregateResult?: boolean;
	};
	export type Result = {
		duration: number;
		errors: number;
		timeouts: number;
		non2xx: number;
		resets: number;
		requests: { total: number; sent: number };
		latency: { p50: number; p99: number };
		statusCodeStats: Record<string, { count: number }>;
	};
	export type Instance = Promise<Result> & {
		stop(): void;
		on(
			event: "response",
			listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void,
		): void;
	};
	function autocannon(options: Options): Instance;
	export default autocannon;
}
