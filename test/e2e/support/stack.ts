import { inject } from "vitest";

/** What global-setup.ts started for this run. */
export function stack() {
	return {
		workerUrl: inject("e2eWorkerUrl"),
		emulatorUrl: inject("e2eEmulatorUrl"),
		/** The local mailbox the worker's emails go to (read it with `mailboxClient`). */
		mailboxUrl: inject("e2eMailboxUrl"),
		persistDir: inject("e2ePersistDir"),
		adminToken: inject("e2eAdminToken"),
	};
}
