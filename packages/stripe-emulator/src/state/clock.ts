/** The emulator's own time: wall time plus an offset that tests can advance. */
export type Clock = {
	/** Unix seconds, as Stripe's `created` fields. */
	now(): number;
	/** Seconds added to wall time so far. */
	offsetSeconds(): number;
	advance(seconds: number): void;
	reset(): void;
};

/** Creates a clock that starts at wall time. */
export function createClock(): Clock {
	let offset = 0;
	return {
		now: () => Math.floor(Date.now() / 1000) + offset,
		offsetSeconds: () => offset,
		advance(seconds) {
			offset += seconds;
		},
		reset() {
			offset = 0;
		},
	};
}
