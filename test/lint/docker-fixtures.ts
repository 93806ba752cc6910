/**
 * Docker rulesets for the docker/* rule tests, in the shape each era generates (LAYOUTS.md 1.1 and
 * 1.5): the default bridge docker0 (172.17.0.0/16), container 172.17.0.2 publishing 8080->80.
 * Each part can be replaced or extended so a test states only what differs.
 */

export interface DockerParts {
  /** FORWARD rules after Docker's (admin rules appended later). */
  readonly forwardAfter?: readonly string[];
  /** DOCKER-USER rules (the default is Docker's own `-j RETURN`). */
  readonly user?: readonly string[];
  /** filter DOCKER rules. */
  readonly filterDocker?: readonly string[];
  /** nat POSTROUTING rules. */
  readonly postrouting?: readonly string[];
  /** nat DOCKER rules after the RETURN. */
  readonly natDocker?: readonly string[];
  readonly input?: readonly string[];
  readonly inputPolicy?: 'ACCEPT' | 'DROP';
}

export const PORT_ACCEPT = '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT';
export const PORT_DNAT = '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80';
export const MASQUERADE = '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE';

/** The nat table, the same in every era these fixtures cover. */
function natLines(parts: DockerParts): string[] {
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    ...(parts.postrouting ?? [MASQUERADE]),
    '-A DOCKER -i docker0 -j RETURN',
    ...(parts.natDocker ?? [PORT_DNAT]),
    'COMMIT',
    '',
  ];
}

/** Docker 20.10 (18.05–27.x): per-bridge rules directly in FORWARD. */
export function docker2010(parts: DockerParts = {}): string {
  return [
    '*filter',
    `:INPUT ${parts.inputPolicy ?? 'ACCEPT'} [0:0]`,
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
    ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
    ':DOCKER-USER - [0:0]',
    ...(parts.input ?? []),
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -o docker0 -j DOCKER',
    '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
    '-A FORWARD -i docker0 -o docker0 -j ACCEPT',
    ...(parts.forwardAfter ?? []),
    ...(parts.filterDocker ?? [PORT_ACCEPT]),
    '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
    '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
    '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
    '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
    ...(parts.user ?? ['-A DOCKER-USER -j RETURN']),
    'COMMIT',
    ...natLines(parts),
  ].join('\n');
}

/** Docker 28.x: Docker's FORWARD rules behind `-j DOCKER-FORWARD`. */
export function docker28(parts: DockerParts = {}): string {
  return [
    '*filter',
    `:INPUT ${parts.inputPolicy ?? 'ACCEPT'} [0:0]`,
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-BRIDGE - [0:0]',
    ':DOCKER-CT - [0:0]',
    ':DOCKER-FORWARD - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
    ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
    ':DOCKER-USER - [0:0]',
    ...(parts.input ?? []),
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-FORWARD',
    ...(parts.forwardAfter ?? []),
    ...(parts.filterDocker ?? [PORT_ACCEPT]),
    '-A DOCKER ! -i docker0 -o docker0 -j DROP',
    '-A DOCKER-BRIDGE -o docker0 -j DOCKER',
    '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A DOCKER-FORWARD -j DOCKER-CT',
    '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
    '-A DOCKER-FORWARD -i docker0 -j ACCEPT',
    '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
    '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
    ...(parts.user ?? []),
    'COMMIT',
    ...natLines(parts),
  ].join('\n');
}

/** 1-based line of the first line equal to `rule` (fails loudly when the fixture lacks it). */
export function lineOf(text: string, rule: string): number {
  const i = text.split('\n').indexOf(rule);
  if (i < 0) throw new Error(`fixture has no line ${rule}`);
  return i + 1;
}
