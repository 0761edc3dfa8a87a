'use strict';
// Socket addresses (pnng_sockaddr) as JS objects.

const { F, C } = require('./ffi');

const FAMILY_NAMES = ['unspec', 'inproc', 'ipc', 'inet', 'inet6', 'zt', 'abstract'];

function ipv6String(a) {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a[i] << 8) | a[i + 1]).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
}

/** A socket address (pynng's SockAddr family of classes in one). */
class SockAddr {
  constructor(raw) {
    Object.defineProperty(this, '_raw', { value: raw, enumerable: false });
    this.family = raw.family;
    this.familyName = FAMILY_NAMES[raw.family] || `family-${raw.family}`;
    switch (raw.family) {
      case C.AF_INET:
        this.address = Array.from(raw.addr.subarray(0, 4)).join('.');
        this.port = raw.port;
        break;
      case C.AF_INET6:
        this.address = ipv6String(raw.addr);
        this.port = raw.port;
        this.scopeId = raw.scope_id;
        break;
      case C.AF_ZT:
        this.nwid = raw.zt_nwid;
        this.nodeId = raw.zt_nodeid;
        this.port = raw.port;
        break;
      case C.AF_INPROC:
      case C.AF_IPC:
      case C.AF_ABSTRACT: {
        const n = Math.min(Number(raw.path_len), raw.path.length);
        this.pathBytes = Buffer.from(raw.path.subarray(0, n));
        this.path = this.pathBytes.toString('utf8');
        break;
      }
      default:
        break;
    }
  }

  /** The URL-like form from pnng_sockaddr_format: "tcp://127.0.0.1:5555", "ipc:///tmp/x" ... */
  toString() {
    const buf = Buffer.alloc(512);
    try {
      if (F.sockaddr_format(this._raw, buf, buf.length) === 0) {
        const end = buf.indexOf(0);
        return buf.toString('utf8', 0, end < 0 ? buf.length : end);
      }
    } catch {
      /* fall through */
    }
    switch (this.family) {
      case C.AF_INET:
        return `tcp://${this.address}:${this.port}`;
      case C.AF_INET6:
        return `tcp://[${this.address}]:${this.port}`;
      case C.AF_INPROC:
        return `inproc://${this.path}`;
      case C.AF_IPC:
        return `ipc://${this.path}`;
      case C.AF_ABSTRACT:
        return `abstract://${this.path}`;
      default:
        return `<${this.familyName}>`;
    }
  }
}

module.exports = { SockAddr };
