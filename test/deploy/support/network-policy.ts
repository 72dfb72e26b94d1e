import { isIPv4 } from 'node:net';
import type { Manifest } from './deploy-files';

/**
 * Just enough of NetworkPolicy semantics to answer "may a pod with these labels open a
 * connection to this address and port?": policies select pods by labels; once any policy
 * with Egress selects a pod, only what some selecting policy's egress rules allow is allowed.
 */
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: { protocol?: string; port?: number }[];
}
interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  egress?: Rule[];
  ingress?: Rule[];
}

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return byLabel && byExpression;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  if (base === undefined || !isIPv4(base) || !isIPv4(ip)) return false;
  const size = 2 ** (32 - Number(bits ?? 32));
  const start = Math.floor(ipToNumber(base) / size) * size;
  const n = ipToNumber(ip);
  return n >= start && n < start + size;
}

function portAllowed(rule: Rule, port: number): boolean {
  return (
    rule.ports === undefined ||
    rule.ports.length === 0 ||
    rule.ports.some((p) => p.port === undefined || p.port === port)
  );
}

/** May a pod with `labels` reach the outside address `ip` on TCP `port`? */
export function egressAllowed(
  policies: readonly Manifest[],
  labels: Record<string, string>,
  ip: string,
  port: number,
): boolean {
  const selecting = policies
    .map((p) => p.spec as PolicySpec)
    .filter(
      (spec) => (spec.policyTypes ?? []).includes('Egress') && selects(spec.podSelector, labels),
    );
  if (selecting.length === 0) return true; // not isolated for egress
  return selecting.some((spec) =>
    (spec.egress ?? []).some(
      (rule) =>
        portAllowed(rule, port) &&
        (rule.to === undefined ||
          rule.to.length === 0 ||
          rule.to.some(
            (peer) =>
              peer.ipBlock !== undefined &&
              cidrContains(peer.ipBlock.cidr, ip) &&
              !(peer.ipBlock.except ?? []).some((except) => cidrContains(except, ip)),
          )),
    ),
  );
}

/** May a pod with `from` labels (same namespace) open a connection to a pod with `to` labels? */
export function ingressAllowedFromPod(
  policies: readonly Manifest[],
  to: Record<string, string>,
  from: Record<string, string>,
  port: number,
): boolean {
  const selecting = policies
    .map((p) => p.spec as PolicySpec)
    .filter(
      (spec) => (spec.policyTypes ?? []).includes('Ingress') && selects(spec.podSelector, to),
    );
  if (selecting.length === 0) return true;
  return selecting.some((spec) =>
    (spec.ingress ?? []).some(
      (rule) =>
        portAllowed(rule, port) &&
        (rule.from === undefined ||
          rule.from.length === 0 ||
          rule.from.some(
            (peer) =>
              peer.podSelector !== undefined &&
              peer.namespaceSelector === undefined &&
              selects(peer.podSelector, from),
          )),
    ),
  );
}
