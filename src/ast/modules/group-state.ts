import type { ExtensionDef } from './extension.js';

export const STATE_MATCHES: readonly ExtensionDef[] = [];
