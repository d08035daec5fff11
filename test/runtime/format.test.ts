// Erlang's printed form of terms.
import { expect } from 'chai';
import { format_term, Pid, Ref, FORMAT_TERM, ExitError } from '../../runtime';
import { crash_report_text } from '../../runtime/crash_report';
import { REPORT_FORMAT } from '../../runtime/format';

describe('runtime/format', () => {
  it('prints atoms, quoted atoms, numbers, tuples, maps, binaries and pids as Erlang does', () => {
    expect(format_term(['DOWN', 'process', 'Capital', 1.5, true])).to.equal("{'DOWN',process,'Capital',1.5,true}");
    expect(format_term({ a: 1 })).to.equal('#{a => 1}');
    expect(format_term(Buffer.from('hi'))).to.equal('<<"hi">>');
    expect(format_term(Buffer.from([0, 1]))).to.equal('<<0,1>>');
    expect(format_term(new Pid(85))).to.equal('<0.85.0>');
    expect(format_term("it's")).to.equal("'it\\'s'");
  });
});

describe('runtime/format: bounded', () => {
  it('with a depth prints as OTP 25’s ~P (test/otp/18_format_depth.escript)', () => {
    const cases: Array<[unknown, number, string]> = [
      [['a', [1, 2, 3, 4, 5, 6], 'b'], 5, '{a,{1,2,...},b}'],
      [['a', 'b', 'c', 'd', 'e', 'f'], 3, '{a,b,...}'],
      [[1, [2, [3, [4, [5]]]]], 3, '{1,{...}}'],
      [{ a: 1, b: 2, c: 3, d: 4 }, 3, '#{a => 1,b => 2,...}'],
      [[1, { a: [1, 2, 3], b: 2 }], 4, '{1,#{a => {...},...}}'],
      [Buffer.from('abcdefghijklmnopqrstuvwxyz'), 5, '<<"abcdefghijklmnop"...>>'],
      [Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 4, '<<1,2,3,...>>'],
      [[Buffer.from([1, 2, 3]), Buffer.from('abcdefgh')], 2, '{<<...>>,...}'],
      [[], 1, '{}'],
      [['a'], 1, '{...}'],
      [['a'], 2, '{a}'],
    ];
    for (const [t, depth, want] of cases) expect(format_term(t, { depth })).to.equal(want);
  });

  it('cycles print as ..., objects that print themselves are not walked, others are bounded', () => {
    const o: Record<string, unknown> = { x: 1 };
    o.self = o;
    const arr: unknown[] = ['a'];
    arr.push(arr);
    expect(format_term(o)).to.equal('#{x => 1,self => ...}');
    expect(format_term(arr)).to.equal('{a,...}');
    // The same object twice, not nested, is no cycle.
    const shared = { k: 1 };
    expect(format_term([shared, shared])).to.equal('{#{k => 1},#{k => 1}}');

    let walked = false;
    const opaque = {
      [FORMAT_TERM]: () => '#Thing<7>',
      get secret(): number {
        walked = true;
        return 1;
      },
    };
    expect(format_term(['held', opaque])).to.equal('{held,#Thing<7>}');
    expect(walked).to.equal(false);
    const throws = { [FORMAT_TERM]: () => { throw new Error('no'); } };
    expect(format_term(throws)).to.equal('#Term<>');

    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(format_term(['x', trap, 'y'])).to.equal('{x,#Term<>,y}');
    class Conn { a = 1; b = [2]; }
    expect(format_term(new Conn())).to.equal('#Conn{a => 1,b => {2}}');
    expect(format_term(new Map<unknown, unknown>([[1, 'a'], ['k', 2]]))).to.equal('#{1 => a,k => 2}');
    expect(format_term(new Ref())).to.match(/^#Ref<0\.\d+\.\d+\.\d+>$/);
    expect(format_term(function named() {})).to.equal('#Fun<named>');

    let deep: unknown = 'x';
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(format_term(deep)).to.equal(`${'{'.repeat(100)}...${'}'.repeat(100)}`);
  });

  it('chars caps the text, however big the term; unbounded by default', () => {
    const big = Buffer.alloc(1 << 20, 0x61);
    const t0 = Date.now();
    const s = format_term(['data', big, Array.from({ length: 100000 }, (_v, i) => i)], { chars: 1000 });
    expect(Date.now() - t0).to.be.below(100);
    expect(s.length).to.be.at.most(1003);
    expect(s.startsWith('{data,<<"aaaa')).to.equal(true);
    expect(s.endsWith('...')).to.equal(true);
    expect(format_term(Buffer.alloc(3000, 0x61))).to.equal(`<<"${'a'.repeat(3000)}">>`);
  });

  it('crash reports and exit messages print the reason as ~P 30 within 4 KB', () => {
    const huge = [Buffer.alloc(1 << 20, 1), Array.from({ length: 10000 }, () => ({ a: [1, 2, 3] }))];
    const text = crash_report_text(new Pid(90), huge);
    expect(text.length).to.be.below(4096 + 200);
    expect(new ExitError('<0.90.0>', huge).message.length).to.be.below(4096 + 50);
    expect(format_term(huge, REPORT_FORMAT)).to.equal(
      format_term(huge, { depth: 30, chars: 4096 }),
    );
  });
});
