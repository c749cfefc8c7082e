/**
 * Which TCP connections a process holds open, from /proc: the kill-api drill kills an API process
 * only while it holds a connection to the API port, i.e. while a request is in flight on it (the
 * drill sends each request on its own connection, so an open connection is an unanswered request).
 */
import fs from 'node:fs';

const ESTABLISHED = '01';

/** How many established connections `pid` holds whose local port is `port` (and whose peer's port is `peerPort`, if given). */
export function establishedConnections(pid: number, port: number, peerPort?: number): number {
  const inodes = socketInodes(pid);
  if (inodes.size === 0) return 0;
  const portSuffix = `:${hexPort(port)}`;
  const peerSuffix = peerPort === undefined ? undefined : `:${hexPort(peerPort)}`;
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readLines(table).slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [localAddress, peerAddress, state, inode] = [fields[1], fields[2], fields[3], fields[9]];
      if (state !== ESTABLISHED || !localAddress?.endsWith(portSuffix) || !inode || !inodes.has(inode)) continue;
      if (peerSuffix === undefined || peerAddress?.endsWith(peerSuffix)) count += 1;
    }
  }
  return count;
}

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // gone
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed since the listing
    }
  }
  return inodes;
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
