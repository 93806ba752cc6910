/**
 * Placeholder until the listing grammar lands: listings are not parsed yet.
 */
import type { Diagnostic, Family, Table } from './types.js';

export interface FromListingOptions {
  readonly file: string;
  readonly table?: string;
  readonly family?: Family;
}

export function listingToAst(_text: string, options: FromListingOptions): { tables: Table[]; diagnostics: Diagnostic[] } {
  return {
    tables: [],
    diagnostics: [
      { severity: 'error', message: 'iptables -L listings are not supported yet', file: options.file, span: { line: 1, column: 1, offset: 0, length: 0 } },
    ],
  };
}
