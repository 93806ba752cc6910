/**
 * `-m bpf` (libxt_bpf, revision 1): a classic BPF program given inline as
 * `N,code jt jf k,…` (what `nfbpf_compile` prints), or a pinned eBPF object path.
 */
import type { ExtensionDef } from '../extension.js';
import { matchGuard } from './packet-util.js';

export interface BpfInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

export type BpfOptions =
  | { readonly mode: 'bytecode'; readonly program: readonly BpfInstruction[] }
  | { readonly mode: 'pinned'; readonly path: string };

export const isBpfMatch = matchGuard<BpfOptions>('bpf');

/** XT_BPF_MAX_NUM_INSTR */
const MAX_INSTR = 64;
/** XT_BPF_PATH_MAX: 64 instructions of 8 bytes */
const MAX_PATH = 512;

/** sscanf `%hu`/`%hhu`/`%u`: a decimal number wrapped to the field's width. */
function scanUnsigned(text: string, bits: number): { value: number; rest: string } | null {
  const m = /^\s*([+-]?)(\d+)/.exec(text);
  if (!m) return null;
  const mod = 2n ** BigInt(bits);
  let v = BigInt(m[2]) % mod;
  if (m[1] === '-') v = (mod - v) % mod;
  return { value: Number(v), rest: text.slice(m[0].length) };
}

export function parseBpfProgram(text: string): BpfInstruction[] | string {
  const head = scanUnsigned(text, 16);
  if (!head || head.rest[0] !== ',') return 'bpf: error parsing program length';
  const len = head.value;
  if (!len) return 'bpf: illegal zero length program';
  if (len > MAX_INSTR) return 'bpf: number of instructions exceeds maximum';
  const program: BpfInstruction[] = [];
  const tokens = text.split(',').slice(1);
  for (const [i, token] of tokens.entries()) {
    // A trailing comma ends the program (the C loop stops at an empty token).
    if (token === '' && i === tokens.length - 1) break;
    if (program.length >= len) return 'bpf: real program length exceeds the encoded length parameter';
    const code = scanUnsigned(token, 16);
    const jt = code && scanUnsigned(code.rest, 8);
    const jf = jt && scanUnsigned(jt.rest, 8);
    const k = jf && scanUnsigned(jf.rest, 32);
    if (!code || !jt || !jf || !k) return `bpf: error at instr ${program.length}`;
    program.push({ code: code.value, jt: jt.value, jf: jf.value, k: k.value });
  }
  if (program.length !== len) return 'bpf: parsed program length is less than the encoded length parameter';
  return program;
}

export const bpfMatch: ExtensionDef<BpfOptions> = {
  kind: 'match',
  name: 'bpf',
  options: [
    { name: 'bytecode', args: 1 },
    { name: 'object-pinned', args: 1 },
  ],
  parse(options, ctx) {
    let result: BpfOptions | null = null;
    const seen = new Set<string>();
    for (const o of options) {
      if (seen.has(o.name)) {
        ctx.error(`bpf: option "--${o.name}" can only be used once.`, o);
        return null;
      }
      seen.add(o.name);
      if (o.name === 'bytecode') {
        const program = parseBpfProgram(o.args[0]);
        if (typeof program === 'string') {
          ctx.error(program, o);
          return null;
        }
        result = { mode: 'bytecode', program };
      } else {
        // Whether the object exists in bpffs is only known on the target machine.
        result = { mode: 'pinned', path: o.args[0].slice(0, MAX_PATH - 1) };
      }
    }
    if (seen.size !== 1 || !result) {
      ctx.error('bpf: one of --bytecode or --pinned is required');
      return null;
    }
    return result;
  },
  save(o) {
    if (o.mode === 'pinned') return `--object-pinned ${o.path}`;
    const code = o.program.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k}`).join(',');
    return `--bytecode "${o.program.length},${code}"`;
  },
};
