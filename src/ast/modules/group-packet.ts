import type { ExtensionDef } from './extension.js';

export const PACKET_MATCHES: readonly ExtensionDef[] = [];
