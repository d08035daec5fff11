// The command-line values the erlsock commands share (examples/cli_args.ts).
import { expect } from 'chai';
import { parse_address, parse_int, reason_text } from '../../examples/cli_args';

describe('examples/cli_args', function () {
  it('parse_address reads IPv4 and IPv6 text as inet:parse_address/1 does; rejects the rest', function () {
    expect(parse_address('127.0.0.1')).to.deep.equal([127, 0, 0, 1]);
    expect(parse_address('::1')).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parse_address('::')).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parse_address('fe80::1:2')).to.deep.equal([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
    expect(parse_address('::ffff:10.1.2.3')).to.deep.equal([0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203]);
    expect(parse_address('1:2:3:4:5:6:7:8')).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const bad of ['', 'localhost', '1.2.3', '256.0.0.1', 'fe80::1%lo', '1::2::3', ':::']) {
      expect(parse_address(bad), bad).to.equal(undefined);
    }
  });

  it('parse_int takes plain decimal digits within the bounds only', function () {
    expect(parse_int('0', 0, 65535)).to.equal(0);
    expect(parse_int('65535', 0, 65535)).to.equal(65535);
    expect(parse_int('007', 0, 10)).to.equal(7);
    for (const bad of ['65536', '-1', '', ' 80', '80 ', '1.5', '1e3', '0x10', '+5']) {
      expect(parse_int(bad, 0, 65535), bad).to.equal(undefined);
    }
  });

  it('reason_text explains the common socket errors and prints any other reason as a term', function () {
    expect(reason_text('eaddrinuse')).to.equal('eaddrinuse (address already in use)');
    expect(reason_text('econnrefused')).to.equal('econnrefused (connection refused)');
    expect(reason_text('enobufs')).to.equal('enobufs');
    expect(reason_text(['badmatch', ['ok', Buffer.from('no')]])).to.equal('{badmatch,{ok,<<"no">>}}');
  });
});
