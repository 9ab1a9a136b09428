import { describe, expectTypeOf, it } from 'vitest';
import type { Remote } from 'comlink';
import { createRecommender, OndeckError, type Recommender, type RecommenderOptions } from '../../src/index';
import type { Recommendation, RecommenderStatus, Row, RowKind, TrackEvent, TrackEventType, BackendName } from '../../src/index';
import type { EngineApi } from '../../models/contract/EngineApi';
import type { OndeckErrorCode } from '../../models/errors/OndeckError';

describe('public API types', () => {
  it('createRecommender takes RecommenderOptions and returns a Recommender', () => {
    expectTypeOf(createRecommender).parameter(0).toEqualTypeOf<RecommenderOptions | undefined>();
    expectTypeOf(createRecommender).returns.toEqualTypeOf<Recommender>();
    expectTypeOf<Recommender['ready']>().toEqualTypeOf<Promise<RecommenderStatus>>();
  });

  it('every method returns a promise of plain data', () => {
    expectTypeOf<Recommender['recommend']>().returns.toEqualTypeOf<Promise<Recommendation[]>>();
    expectTypeOf<Recommender['rows']>().returns.toEqualTypeOf<Promise<Row[]>>();
    expectTypeOf<Recommender['track']>().parameter(0).toEqualTypeOf<TrackEvent>();
    expectTypeOf<Recommender['track']>().returns.toEqualTypeOf<Promise<{ readonly accepted: boolean }>>();
  });

  it('unions are string literals, not enums', () => {
    expectTypeOf<TrackEventType>().toEqualTypeOf<'play' | 'progress' | 'complete' | 'like' | 'dislike' | 'hide'>();
    expectTypeOf<BackendName>().toEqualTypeOf<'wasm' | 'webgpu' | 'wasm-int8' | 'js'>();
    expectTypeOf<RowKind>().toEqualTypeOf<'continue-watching' | 'top-picks' | 'because-you-watched' | 'taste-clusters' | 'trending'>();
    expectTypeOf<'not-a-kind'>().not.toMatchTypeOf<RowKind>();
  });

  it('events are typed by name', () => {
    const recommender = {} as Recommender;
    // Type-checked only (the typecheck pass reports any error); never run against the empty object.
    const subscribe = (): void => {
      recommender.on('update', (status) => expectTypeOf(status).toEqualTypeOf<RecommenderStatus>());
      recommender.on('error', (error) => expectTypeOf(error).toEqualTypeOf<{ readonly code: string; readonly message: string }>());
      // @ts-expect-error: 'nonsense' is not an event name
      recommender.on('nonsense', () => undefined);
    };
    expectTypeOf(subscribe).toBeFunction();
  });

  it('errors carry a typed code', () => {
    expectTypeOf<OndeckError['code']>().toEqualTypeOf<OndeckErrorCode>();
    expectTypeOf<'worker-crashed'>().toMatchTypeOf<OndeckErrorCode>();
  });

  it('the worker API is the same interface on both sides of comlink', () => {
    expectTypeOf<Awaited<ReturnType<Remote<EngineApi>['recommend']>>>().toEqualTypeOf<Recommendation[]>();
    expectTypeOf<Awaited<ReturnType<Remote<EngineApi>['status']>>>().toEqualTypeOf<RecommenderStatus>();
  });
});
