/** What a process listens on, read from /proc (Linux): how a test sees that a server faces loopback only. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The TCP addresses a process listens on (`127.0.0.1:3000`, `[::]:3000`), read from /proc as `ss -ltnp`
 * would show them: its socket inodes, matched with the listening sockets of /proc/net/tcp and tcp6.
 */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined; // closed while listing
        }
      })
      .filter((inode) => inode !== undefined),
  );
  const addresses: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state !== '0A' || !local || !inode || !inodes.has(inode)) continue;
      const [hexAddress, hexPort] = local.split(':') as [string, string];
      addresses.push(`${table === 'tcp' ? ipv4(hexAddress) : `[${ipv6(hexAddress)}]`}:${parseInt(hexPort, 16)}`);
    }
  }
  return addresses.sort();
}

/** /proc/net/tcp holds an IPv4 address as one little-endian word. */
function ipv4(hex: string): string {
  return (hex.match(/../g) ?? [])
    .reverse()
    .map((byte) => parseInt(byte, 16))
    .join('.');
}

/** Only the two IPv6 addresses a local server listens on are named; others are shown as /proc holds them. */
function ipv6(hex: string): string {
  if (/^0{32}$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  return hex;
}
