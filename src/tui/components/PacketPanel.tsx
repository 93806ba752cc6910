/** The packet as it is at this step; fields this very step rewrote (NAT, MARK, NOTRACK) stand out. */
import { Box, Text } from 'ink';
import { inert } from '../../cli/inert.js';
import type { PacketField, PacketNow } from '../model.js';
import { clip } from '../layout.js';

export interface PacketPanelProps {
  readonly packet: PacketNow;
  readonly changed: ReadonlySet<PacketField>;
  readonly width: number;
}

interface Piece {
  readonly text: string;
  readonly changed: boolean;
}

function address(addr: string): string {
  return addr.includes(':') ? `[${addr}]` : addr;
}

/** Cuts a row of pieces to `width` columns, keeping each piece's highlight. */
function clipPieces(pieces: readonly Piece[], width: number): Piece[] {
  const out: Piece[] = [];
  let left = width;
  for (const p of pieces) {
    if (left <= 0) break;
    const text = clip(p.text, left);
    out.push({ text, changed: p.changed });
    left -= [...text].length;
  }
  return out;
}

function Pieces({ pieces }: { readonly pieces: readonly Piece[] }) {
  return (
    <Text wrap="truncate-end">
      {pieces.map((p, i) =>
        p.changed ? (
          <Text key={i} bold color="magenta" underline>
            {p.text}
          </Text>
        ) : (
          <Text key={i}>{p.text}</Text>
        ),
      )}
    </Text>
  );
}

export function PacketPanel({ packet, changed, width }: PacketPanelProps) {
  const c = (f: PacketField) => changed.has(f);
  const addressLine: Piece[] = [
    { text: `packet: ${inert(packet.proto)} `, changed: false },
    { text: address(packet.src), changed: c('src') },
    ...(packet.sport !== undefined ? [{ text: ':', changed: false }, { text: String(packet.sport), changed: c('sport') }] : []),
    { text: ' -> ', changed: false },
    { text: address(packet.dst), changed: c('dst') },
    ...(packet.dport !== undefined ? [{ text: ':', changed: false }, { text: String(packet.dport), changed: c('dport') }] : []),
  ];
  const where = packet.in === null ? 'sent by this host' : `in ${inert(packet.in)}`;
  const flags = packet.tcpFlags ? `  flags ${packet.tcpFlags.join(',') || 'NONE'}` : '';
  const changedNote = changed.size ? `  changed here: ${[...changed].join(', ')}` : '';
  const stateLine: Piece[] = [
    { text: `        ${where}  state `, changed: false },
    { text: packet.state, changed: c('state') },
    { text: packet.reply ? ' (reply)' : '', changed: false },
    { text: '  mark ', changed: false },
    { text: `0x${packet.mark.toString(16)}`, changed: c('mark') },
    { text: flags, changed: false },
    { text: changedNote, changed: changed.size > 0 },
  ];
  return (
    <Box flexDirection="column" height={2}>
      <Pieces pieces={clipPieces(addressLine, width)} />
      <Pieces pieces={clipPieces(stateLine, width)} />
    </Box>
  );
}
