import type { ExtensionDef } from './extension.js';

export const TARGETS: readonly ExtensionDef[] = [];
