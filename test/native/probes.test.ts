// The probe addon (native/src/probes.cc, thread_probe.cc; the erlsock_probes target): it
// builds beside the shipped addon, which carries none of its functions, and its nop_recv
// decodes as the shipped recv does.
import { expect } from 'chai';
import { native } from '../../sockets/prim/native';
import { probes } from '../../bench/_probes';
import { p, C, Fds } from './_support';

describe('native: the probe addon', () => {
  const fds = new Fds();
  afterEach(() => fds.closeAll());

  it('is a separate addon: the shipped one has no benchmark probes', () => {
    const names = ['nop_recv', 'bench_loop', 'thread_probe_start', 'thread_probe_add', 'thread_probe_kick', 'thread_probe_stop'];
    for (const n of names) {
      expect(native, n).to.not.have.property(n);
      expect(typeof probes[n as keyof typeof probes], n).to.equal('function');
    }
  });

  it('nop_recv decodes as recv does, without the syscall', () => {
    const buf = Buffer.alloc(64);
    expect(probes.nop_recv(-1, buf, 8, 32, 0)).to.equal(32);
    expect(() => probes.nop_recv(-1, buf, 40, 32, 0)).to.throw(RangeError);
    expect(() => probes.nop_recv(-1, 'x' as unknown as Buffer, 0, 1, 0)).to.throw(TypeError);
    expect(() => p.recv(-1, buf, 40, 32, 0)).to.throw(RangeError);
  });

  it('bench_loop runs a syscall loop in C: recv on an empty socket gives EAGAIN each time', () => {
    const s = fds.track(p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0));
    p.bind(s, { family: 'inet', addr: 'loopback', port: 0 });
    expect(probes.bench_loop(2, s, Buffer.alloc(64), 64, 100)).to.be.at.least(0);
    // op 1 expects data: an empty socket is a surprise, reported as -EAGAIN.
    expect(probes.bench_loop(1, s, Buffer.alloc(64), 64, 1)).to.equal(p.EAGAIN);
  });
});
