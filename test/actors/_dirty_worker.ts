// A dirty_pool worker for the tests: CPU-bound on purpose (a naive prime count, no waiting).
export = function count_primes(task: { below: number } | 'fail'): number {
  if (task === 'fail') throw new Error('worker says no');
  let n = 0;
  for (let i = 2; i < task.below; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) n++;
  }
  return n;
};
