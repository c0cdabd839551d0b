import { describe, expect, it } from 'vitest';
import { DispatchQueue, QueueFullError } from '../../src/runtime/dispatch-queue.js';

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('DispatchQueue', () => {
  it('runs at most `concurrency` per key and refuses beyond the queue bound', async () => {
    const queue = new DispatchQueue({ concurrency: 1, maxQueue: 2 });
    const gate = deferred();
    const order: number[] = [];
    const task = (n: number) => async () => {
      await gate.promise;
      order.push(n);
      return n;
    };
    const runs = [queue.run('a', task(1)), queue.run('a', task(2)), queue.run('a', task(3))];
    expect(queue.size('a')).toEqual({ active: 1, waiting: 2 });
    await expect(queue.run('a', task(4))).rejects.toBeInstanceOf(QueueFullError);
    gate.resolve();
    expect(await Promise.all(runs)).toEqual([1, 2, 3]);
    expect(order).toEqual([1, 2, 3]);
    expect(queue.size('a')).toEqual({ active: 0, waiting: 0 });
  });

  it('a hung key does not hold up another key', async () => {
    const queue = new DispatchQueue({ concurrency: 1, maxQueue: 1 });
    const hung = deferred();
    void queue.run('slow', () => hung.promise);
    void queue.run('slow', () => hung.promise);
    await expect(queue.run('fast', async () => 'ok')).resolves.toBe('ok');
    hung.resolve();
  });

  it('a waiting task leaves the queue when its signal aborts', async () => {
    const queue = new DispatchQueue({ concurrency: 1, maxQueue: 1 });
    const hung = deferred();
    const first = queue.run('a', () => hung.promise);
    const controller = new AbortController();
    const waiting = queue.run('a', async () => 'never', controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect(queue.size('a')).toEqual({ active: 1, waiting: 0 });
    // The freed slot in the queue can be used again.
    const third = queue.run('a', async () => 'third');
    hung.resolve();
    await first;
    await expect(third).resolves.toBe('third');
  });

  it('a task that throws synchronously releases its slot', async () => {
    const queue = new DispatchQueue({ concurrency: 1, maxQueue: 0 });
    await expect(
      queue.run('a', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(queue.run('a', async () => 1)).resolves.toBe(1);
  });
});
