// The net module against real Erlang/OTP on this machine: every call is made here and by
// `erl` in one run, and the results must be the same terms (docs/OTP25_BEHAVIOUR.md section 7, test/otp/09_net.escript).
// Erlang is required: without `erl` these tests fail, they do not skip.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as net from '../../sockets/net';

// Erlang side: evaluates each query and prints one JSON object of their results. Strings
// come out as lists of character codes, binaries as {"bin": [...]}, tuples and lists as
// arrays, map keys sorted; exceptions as {"EXCEPTION": [Class, Reason]}.
const ORACLE = `
J = fun J(T) when is_atom(T) -> ["\\"", atom_to_list(T), "\\""];
        J(T) when is_integer(T) -> integer_to_list(T);
        J(T) when is_binary(T) -> ["{\\"bin\\":[", lists:join(",", [integer_to_list(B) || B <- binary_to_list(T)]), "]}"];
        J(T) when is_list(T) -> ["[", lists:join(",", [J(E) || E <- T]), "]"];
        J(T) when is_tuple(T) -> ["[", lists:join(",", [J(E) || E <- tuple_to_list(T)]), "]"];
        J(T) when is_map(T) -> ["{", lists:join(",", [[J(K), ":", J(V)] || {K, V} <- lists:sort(maps:to_list(T))]), "}"]
    end,
T = fun(F) -> try F() catch C:R -> #{'EXCEPTION' => [C, R]} end end,
LoInet = fun(#{addr := #{family := inet}, flags := Fl}) -> lists:member(loopback, Fl); (_) -> false end,
R = #{gethostname => T(fun() -> net:gethostname() end),
      getifaddrs => T(fun() -> net:getifaddrs() end),
      default => T(fun() -> net:getifaddrs(default) end),
      inet => T(fun() -> net:getifaddrs(inet) end),
      inet6 => T(fun() -> net:getifaddrs(inet6) end),
      packet => T(fun() -> net:getifaddrs(packet) end),
      all => T(fun() -> net:getifaddrs(all) end),
      map_any => T(fun() -> net:getifaddrs(#{family => inet, flags => any}) end),
      map_loopback => T(fun() -> net:getifaddrs(#{family => inet, flags => [loopback]}) end),
      map_inet6_up => T(fun() -> net:getifaddrs(#{family => inet6, flags => [up, running]}) end),
      fun_filter => T(fun() -> net:getifaddrs(LoInet) end),
      bogus => T(fun() -> net:getifaddrs(bogus) end),
      if_names => T(fun() -> net:if_names() end),
      name2index_lo => T(fun() -> net:if_name2index("lo") end),
      name2index_none => T(fun() -> net:if_name2index("nonexistent0") end),
      index2name_1 => T(fun() -> net:if_index2name(1) end),
      addrinfo_host => T(fun() -> net:getaddrinfo("localhost") end),
      addrinfo_service => T(fun() -> net:getaddrinfo("localhost", "80") end),
      addrinfo_numeric6 => T(fun() -> net:getaddrinfo("::1", "8080") end),
      addrinfo_no_service => T(fun() -> net:getaddrinfo("localhost", "no-such-service") end)},
io:format("~s~n", [J(R)]),
halt().
`;

/** Our term in the JSON conventions of the erl side below; `strings` names the keys holding Erlang strings. */
function erlJson(t: unknown, isString = false): unknown {
  if (isString && typeof t === 'string') return [...Buffer.from(t, 'latin1')];
  if (Buffer.isBuffer(t)) return { bin: [...t] };
  if (Array.isArray(t)) return t.map((e) => erlJson(e));
  if (t !== null && typeof t === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(t).sort()) out[k] = erlJson((t as Record<string, unknown>)[k], k === 'name');
    return out;
  }
  return t;
}

function exception(f: () => unknown): unknown {
  try {
    return erlJson(f());
  } catch (e) {
    return { EXCEPTION: ['error', (e as { reason?: unknown }).reason ?? String(e)] };
  }
}

describe('net (compared with Erlang/OTP on this machine)', function () {
  this.timeout(30000);
  let otp: Record<string, unknown>;

  before(function () {
    const out = execFileSync('erl', ['-noshell', '-eval', ORACLE], { encoding: 'utf8', timeout: 25000 });
    otp = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
  });

  it('gethostname() is {ok, Name}', function () {
    const r = net.gethostname();
    expect(['ok', [...Buffer.from(r[1], 'latin1')]]).to.deep.equal(otp.gethostname);
  });

  const filters: [string, () => unknown][] = [
    ['getifaddrs', () => net.getifaddrs()],
    ['default', () => net.getifaddrs('default')],
    ['inet', () => net.getifaddrs('inet')],
    ['inet6', () => net.getifaddrs('inet6')],
    ['packet', () => net.getifaddrs('packet')],
    ['all', () => net.getifaddrs('all')],
    ['map_any', () => net.getifaddrs({ family: 'inet', flags: 'any' })],
    ['map_loopback', () => net.getifaddrs({ family: 'inet', flags: ['loopback'] })],
    ['map_inet6_up', () => net.getifaddrs({ family: 'inet6', flags: ['up', 'running'] })],
    ['fun_filter', () => net.getifaddrs((m) => m.addr?.family === 'inet' && m.flags.includes('loopback'))],
  ];
  for (const [key, call] of filters) {
    it(`getifaddrs ${key} gives the same list as OTP`, function () {
      expect(exception(call)).to.deep.equal(otp[key]);
    });
  }

  it('getifaddrs with an unknown atom raises function_clause, as OTP', function () {
    expect(otp.bogus).to.deep.equal({ EXCEPTION: ['error', 'function_clause'] });
    expect(exception(() => net.getifaddrs('bogus' as never))).to.deep.equal(otp.bogus);
    expect(() => net.getifaddrs({ family: 'inet', flags: 'some' as never })).to.throw(/function_clause/);
    expect(() => net.getifaddrs(42 as never)).to.throw(/function_clause/);
  });

  it('a filter fun sees the whole map and must answer a boolean', function () {
    const seen: net.IfAddr[] = [];
    const r = net.getifaddrs((m) => (seen.push(m), false));
    expect(r).to.deep.equal(['ok', []]);
    expect(seen.length).to.equal((net.getifaddrs('all') as ['ok', net.IfAddr[]])[1].length);
    expect(() => net.getifaddrs((() => 'yes') as never)).to.throw(/case_clause/);
  });

  it('the loopback entry has the exact OTP shape', function () {
    const r = net.getifaddrs({ family: 'inet', flags: ['loopback'] });
    expect(r).to.deep.equal([
      'ok',
      [
        {
          name: 'lo',
          flags: ['up', 'loopback', 'running'],
          addr: { family: 'inet', addr: [127, 0, 0, 1], port: 0 },
          netmask: { family: 'inet', addr: [255, 0, 0, 0], port: 0 },
        },
      ],
    ]);
  });

  it('if_names, if_name2index, if_index2name give what OTP gives', function () {
    const names = net.if_names();
    expect(names[0]).to.equal('ok');
    const list = names[1] as [number, string][];
    expect(['ok', list.map(([i, n]) => [i, [...Buffer.from(n, 'latin1')]])]).to.deep.equal(otp.if_names);
    expect(list[0]).to.deep.equal([1, 'lo']);
    expect(net.if_name2index('lo')).to.deep.equal(otp.name2index_lo);
    expect(net.if_name2index('nonexistent0')).to.deep.equal(otp.name2index_none);
    expect(net.if_name2index('nonexistent0')).to.deep.equal(['error', 'enodev']);
    expect(net.if_index2name(1)).to.deep.equal(['ok', 'lo']);
    expect(['ok', [108, 111]]).to.deep.equal(otp.index2name_1);
    expect(net.if_index2name(999999)).to.deep.equal(['error', 'enxio']);
    expect(() => net.if_name2index(1 as never)).to.throw(/function_clause/);
    expect(() => net.if_index2name('lo' as never)).to.throw(/function_clause/);
  });

  it('getaddrinfo gives the same entries as OTP', function () {
    expect(erlJson(net.getaddrinfo('localhost'))).to.deep.equal(otp.addrinfo_host);
    expect(erlJson(net.getaddrinfo('localhost', '80'))).to.deep.equal(otp.addrinfo_service);
    expect(erlJson(net.getaddrinfo('::1', '8080'))).to.deep.equal(otp.addrinfo_numeric6);
  });

  it('getaddrinfo reports an unknown service as an error value, as OTP', function () {
    // A service name, not a host name: no resolver traffic leaves the machine.
    expect(net.getaddrinfo('localhost', 'no-such-service')).to.deep.equal(otp.addrinfo_no_service);
    expect(() => net.getaddrinfo(42 as never)).to.throw(/function_clause/);
  });
});
