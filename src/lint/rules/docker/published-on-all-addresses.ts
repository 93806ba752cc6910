/**
 * A published port whose DNAT has no `-d`: Docker bound it to 0.0.0.0 (or ::), the default for
 * `-p 8080:80`, so every address of the host, including public ones, forwards it to the container.
 * Well-known internal services (databases, caches, the Docker API) get their own message.
 */
import type { LintRule } from '../../rule.js';
import { dockerLayouts } from '../../docker-era.js';
import { isAnyNet } from '../../../net/address.js';
import { formatRange } from '../../../ast/modules/match/packet-util.js';

/** Services that are rarely meant to face the internet. */
const SENSITIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [2375, 'Docker API'], [2376, 'Docker API (TLS)'], [3306, 'MySQL'], [5432, 'PostgreSQL'], [6379, 'Redis'],
  [9200, 'Elasticsearch'], [11211, 'memcached'], [27017, 'MongoDB'], [5984, 'CouchDB'], [9042, 'Cassandra'],
  [8086, 'InfluxDB'], [2379, 'etcd'], [5672, 'RabbitMQ'], [15672, 'RabbitMQ management'],
]);

export const rule: LintRule = {
  meta: {
    id: 'docker/published-on-all-addresses',
    severity: 'info',
    description: 'A container port is published on every host address (0.0.0.0 / ::), not on one address.',
    docs: 'docs/rules/docker/published-on-all-addresses.md',
    messages: {
      all: '{{proto}} port {{port}} is published on every address of this host (no -d: a 0.0.0.0/:: binding) and forwarded to {{to}}; bind it to an address (-p 127.0.0.1:{{port}}:…) if it is not meant to be public',
      sensitive:
        '{{proto}} port {{port}} ({{service}}) is published on every address of this host (no -d) and forwarded to {{to}}; such services are rarely meant to be reachable from outside',
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      for (const p of layout.published) {
        if (p.hostAddress && !(isAnyNet(p.hostAddress.value) && !p.hostAddress.negated)) continue;
        const service = p.hostPort.from === p.hostPort.to ? SENSITIVE_PORTS.get(p.hostPort.from) : undefined;
        const to = `${p.toAddress ?? '?'}${p.toPort ? ':' + formatRange(p.toPort) : ''}`;
        context.report({
          messageId: service ? 'sensitive' : 'all',
          data: { proto: p.protocolName, port: formatRange(p.hostPort), service: service ?? '', to },
          table: p.table,
          chain: p.chain,
          rule: p.rule,
        });
      }
    }
  },
};
