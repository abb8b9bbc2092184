import { inject } from "vitest";

/** What global-setup.ts started for this run. */
export function stack() {
	return {
		workerUrl: inject("e2eWorkerUrl"),
		emulatorUrl: inject("e2eEmulatorUrl"),
		persistDir: inject("e2ePersistDir"),
		adminToken: inject("e2eAdminToken"),
	};
}
