// Erlang's printed form of terms.
import { expect } from 'chai';
import { format_term, Pid } from '../../runtime';

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
