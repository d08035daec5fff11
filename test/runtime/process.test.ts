// The process record's mailbox list and the table of live processes.
import { expect } from 'chai';
import {
  Process, new_process, unlist, live_count, mailbox_append, mailbox_unlink, mailbox_remove_first, mailbox_messages,
  set_process_limit, process_limit,
} from '../../runtime/process';
import { Ref } from '../../runtime/terms';

function proc(): Process {
  const p = new_process(function* named(a: number) {
    void a;
  }, [1]);
  if (p === null) throw new Error('limit');
  return p;
}

describe('runtime/process', () => {
  it('keeps mailbox order through appends and removals at the head, middle and tail', () => {
    const p = proc();
    for (const m of ['a', 'b', 'c', 'd']) mailbox_append(p, m);
    expect(mailbox_remove_first(p, (m) => m === 'b')).to.equal(true);
    expect(mailbox_remove_first(p, (m) => m === 'd')).to.equal(true);
    mailbox_append(p, 'e');
    expect(mailbox_remove_first(p, (m) => m === 'a')).to.equal(true);
    expect(mailbox_remove_first(p, (m) => m === 'zzz')).to.equal(false);
    expect(mailbox_messages(p)).to.deep.equal(['c', 'e']);
    expect(p.mb_len).to.equal(2);
    unlist(p);
  });

  it('drops the receive mark when its message is removed', () => {
    const p = proc();
    mailbox_append(p, 'x');
    p.mark_ref = new Ref();
    p.mark_node = p.mb_tail;
    mailbox_unlink(p, null, p.mb_head!);
    expect(p.mark_ref).to.equal(null);
    expect(p.mark_node).to.equal(null);
    unlist(p);
  });

  it('counts live processes, refuses beyond the limit, and names the body function', () => {
    const before = live_count();
    const old = set_process_limit(before + 1);
    try {
      const p = proc();
      expect(live_count()).to.equal(before + 1);
      expect(new_process(() => 0, [])).to.equal(null);
      expect([p.init.name, p.init.length, p.pid.proc === p]).to.deep.equal(['named', 1, true]);
      unlist(p);
      expect(live_count()).to.equal(before);
      expect(process_limit()).to.equal(before + 1);
    } finally {
      set_process_limit(old);
    }
  });
});
