// Pids of processes on other nodes, and the one hook through which the runtime hands their
// signals to whatever layer connects nodes (the runtime knows no sockets). A local pid never
// reaches this file: send, link, monitor and exit look here only when a pid has no process.
import { inspect } from 'util';
import { Pid, Ref } from './terms';
import type { Process } from './process';

/** A process on another node: its node name, its number and serial, and the node's creation. */
export class RemotePid extends Pid {
  constructor(
    readonly node: string,
    id: number,
    readonly serial: number,
    readonly creation: number,
  ) {
    super(id, null);
  }

  override toString(): string {
    return `<${this.node}.${this.id}.${this.serial}>`;
  }

  override [inspect.custom](): string {
    return this.toString();
  }
}

/** Where signals to remote processes go. `from` is the local sender. */
export interface Router {
  /** This node's name. */
  node(): string;
  send(to: RemotePid, msg: unknown, from: Process | null): void;
  /** `{Name, Node} ! Msg`; Node may be this node's own name (then false: deliver locally). */
  reg_send(name: string, node: string, msg: unknown, from: Process | null): boolean;
  link(from: Process, to: RemotePid): void;
  unlink(from: Process, to: RemotePid): void;
  exit(from: Pid, to: RemotePid, reason: unknown): void;
  /** Monitor to (a pid, or [Name, Node]); the router delivers the DOWN message with ref. */
  monitor(from: Process, to: RemotePid | [string, string], ref: Ref): void;
  /** true if ref was a remote monitor of from's (now removed). */
  demonitor(from: Process, ref: Ref): boolean;
  /**
   * send(Ref, Msg) for a ref that is not a local alias: the router sends it to the alias on the
   * ref's node, if the ref is another node's (else drops it, as a BEAM drops a send to a plain ref).
   */
  alias_send?(to: Ref, msg: unknown, from: Process | null): void;
}

let router: Router | null = null;

/** Installs (or with null removes) the router for remote pids; returns the previous one. */
export function set_router(r: Router | null): Router | null {
  const old = router;
  router = r;
  return old;
}

export function current_router(): Router | null {
  return router;
}
