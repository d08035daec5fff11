import { expect } from 'chai';
import * as os from 'os';
import { p, C } from './_support';

describe('native: host and interface information', () => {
  it('gethostname matches the kernel\'s', () => {
    expect(p.gethostname()).to.equal(os.hostname());
  });

  it('maps interface names and indexes both ways; unknown ones are enodev/enxio', () => {
    const lo = p.if_nametoindex('lo');
    expect(lo).to.be.greaterThan(0);
    expect(p.if_indextoname(lo)).to.equal('lo');
    expect(p.if_nameindex()).to.deep.include([lo, 'lo']);
    expect(p.errno_atom(p.if_nametoindex('no-such-if0'))).to.equal('enodev');
    expect(p.errno_atom(p.if_nametoindex('a-name-longer-than-ifnamsiz'))).to.equal('enodev');
    expect(p.errno_atom(p.if_indextoname(987654) as number)).to.equal('enxio');
  });

  it('lists interface addresses with flags, netmask and link-layer entries', () => {
    const all = p.getifaddrs();
    if (typeof all === 'number') throw new Error(p.errno_atom(all));
    const lo4 = all.find((e) => e.name === 'lo' && e.addr?.family === 'inet');
    expect(lo4).to.deep.equal({
      name: 'lo', flags: ['up', 'loopback', 'running'],
      addr: { family: 'inet', addr: [127, 0, 0, 1], port: 0 },
      netmask: { family: 'inet', addr: [255, 0, 0, 0], port: 0 },
    });
    const lo6 = all.find((e) => e.name === 'lo' && e.addr?.family === 'inet6');
    expect(lo6?.addr).to.deep.equal({ family: 'inet6', addr: [0, 0, 0, 0, 0, 0, 0, 1], port: 0, flowinfo: 0, scope_id: 0 });
    const pk = all.find((e) => e.name === 'lo' && e.addr?.family === 'packet');
    expect(pk?.addr).to.deep.include({ family: 'packet', ifindex: p.if_nametoindex('lo') });
  });

  it('resolves names with getaddrinfo and reports failures as atoms', () => {
    const r = p.getaddrinfo('localhost', '80', { family: C.AF_INET!, type: C.SOCK_STREAM! });
    if (!Array.isArray(r)) throw new Error(r.error);
    expect(r[0]).to.deep.include({ family: C.AF_INET, type: C.SOCK_STREAM, protocol: C.IPPROTO_TCP });
    expect(r[0]!.addr).to.deep.equal({ family: 'inet', addr: [127, 0, 0, 1], port: 80 });
    const v6 = p.getaddrinfo('::1', undefined, { flags: C.AI_NUMERICHOST! });
    if (!Array.isArray(v6)) throw new Error(v6.error);
    expect(v6.map((e) => e.addr.family)).to.include('inet6');
    expect(p.getaddrinfo('not a host', undefined, { flags: C.AI_NUMERICHOST! })).to.deep.equal({ error: 'noname' });
    expect(p.getaddrinfo(undefined, 'no-such-service-name')).to.deep.equal({ error: 'service' });
  });
});
