/**
 * Loads every match and target evaluator into the registries (side effect on import).
 */
import './matchers/tcp.js';
import './matchers/udp.js';
import './matchers/sctp.js';
import './matchers/dccp.js';
import './matchers/icmp.js';
import './matchers/icmp6.js';
import './matchers/multiport.js';
import './matchers/conntrack.js';
import './matchers/state.js';
import './matchers/addrtype.js';
import './matchers/mark.js';
import './matchers/connmark.js';
import './matchers/comment.js';
import './matchers/iprange.js';
import './matchers/length.js';
import './matchers/ttl.js';
import './matchers/hl.js';
import './matchers/pkttype.js';
import './matchers/physdev.js';
import './matchers/owner.js';
import './matchers/mac.js';
import './matchers/statistic.js';
import './matchers/rpfilter.js';
import './matchers/recent.js';
import './matchers/set.js';
import './matchers/undecidable.js';
import './targets/effects.js';
