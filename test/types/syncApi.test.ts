import { describe, expectTypeOf, it } from 'vitest';
import type { Remote } from 'comlink';
import { RECOMMENDER_DEFAULTS, type Recommender, type RecommenderOptions } from '../../src/index';
import type { SyncProgress, SyncResult, SyncStatus } from '../../src/index';
import type { EngineApi } from '../../models/contract/EngineApi';

describe('signed sync API types', () => {
  it('options take a sync URL, a base64 public key and the schedule, with defaults in one place', () => {
    expectTypeOf<RecommenderOptions['syncUrl']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<RecommenderOptions['publicKey']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<RecommenderOptions['syncIntervalMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf(RECOMMENDER_DEFAULTS.syncIntervalMs).toEqualTypeOf<number>();
    expectTypeOf(RECOMMENDER_DEFAULTS.syncRetryMs).toEqualTypeOf<number>();
  });

  it('sync() resolves with what it did; progress events carry byte counts; status has the schedule', () => {
    expectTypeOf<Recommender['sync']>().returns.toEqualTypeOf<Promise<SyncResult>>();
    expectTypeOf<SyncResult['result']>().toEqualTypeOf<'not-modified' | 'current' | 'updated'>();
    expectTypeOf<SyncResult['path']>().toEqualTypeOf<'delta' | 'snapshot' | undefined>();
    expectTypeOf<SyncProgress['phase']>().toEqualTypeOf<'checking' | 'downloading' | 'applying'>();
    expectTypeOf<SyncStatus['failures']>().toEqualTypeOf<number>();
    const recommender = {} as Recommender;
    const subscribe = (): void => {
      recommender.on('progress', (progress) => expectTypeOf(progress).toEqualTypeOf<SyncProgress>());
    };
    expectTypeOf(subscribe).toBeFunction();
    expectTypeOf<Awaited<ReturnType<Remote<EngineApi>['sync']>>>().toEqualTypeOf<SyncResult>();
  });
});
