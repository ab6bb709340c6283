import { CollectRounds } from './collect-rounds';

describe('CollectRounds', () => {
  it('concurrent callers share the round in flight; a later call starts a new one', async () => {
    let rounds = 0;
    const paced = new CollectRounds(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return ++rounds;
    });
    const shared = await Promise.all([paced.run(), paced.run(), paced.run()]);
    expect(shared).toEqual([1, 1, 1]);
    expect(await paced.run()).toBe(2);
  });

  it('a failed round fails its callers only; the next call runs again', async () => {
    let calls = 0;
    const paced = new CollectRounds(() =>
      ++calls === 1
        ? Promise.reject(new Error('collection failed'))
        : Promise.resolve(calls),
    );
    await expect(Promise.all([paced.run(), paced.run()])).rejects.toThrow(
      'collection failed',
    );
    expect(await paced.run()).toBe(2);
  });
});
