import type { Command } from 'commander';
import { readModelDirectory } from '../../../models/node/artifact/modelDirectory';
import { readTextLines } from '../../../models/node/data/readTextLines';
import { isOndeckError, OndeckError } from '../../../models/errors/OndeckError';
import { HistoryRecommender } from '../../../models/scoring/HistoryRecommender';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createWasmBackend } from '../../../worker/backends/createWasmBackend';
import type { ScoringBackend } from '../../../models/scoring/ScoringBackend';
import type { UserHistory } from '../../../models/scoring/ScoringModel';
import { openAtomicOutputFile } from '../openAtomicOutputFile';
import { parseNumberOption } from '../parseOptionValues';
import { DEFAULT_RECENCY_HALF_LIFE_DAYS, weightByRecency } from '../../../models/scoring/recencyDecay';

interface RecommendFlags {
  model: string;
  input: string;
  count?: string;
  backend?: string;
  output?: string;
  strict?: boolean;
  halfLife?: string;
  now?: string;
}

/**
 * `ondeck recommend`: the device's recommendation path, offline. Each input line
 * `{"user": "...", "items": ["id", ...], "weights"?: [...], "times"?: [...]}` is folded in with the
 * same module the TV runs and scored by the chosen backend (the model's popularity prior
 * included); output lines are `{"user": "...", "items": [...], "scores": [...]}` with the given
 * items excluded. With `times` (epoch seconds, one per item), each weight decays with its title's
 * age as on the device (`weightByRecency`), the age counted from `--now`, else from the line's
 * newest time.
 *
 * A line that cannot be used (not JSON, not UTF-8, bad weights, or a history the fold-in cannot
 * solve) is skipped with a `file:line` warning and counted, or under `--strict` ends the run with
 * a typed error. `--output` is written atomically: it appears only once the whole batch is done.
 */
export function registerRecommendCommand(program: Command): void {
  program
    .command('recommend')
    .description('recommend for users given as JSONL histories, with the on-device fold-in and scoring code')
    .requiredOption('--model <dir>', 'model directory written by `ondeck export` or `ondeck import`')
    .requiredOption('--input <file>', 'JSONL: {"user": "...", "items": ["id", ...], "weights": [...]?, "times": [epoch seconds, ...]?} per line')
    .option('--count <n>', 'recommendations per user (default 10)')
    .option('--backend <name>', 'scoring backend: js (TypeScript int8 kernel) or wasm (onnxruntime-web)', 'js')
    .option('--output <file>', 'write JSONL here instead of stdout; written atomically: the file appears, complete, only when the batch is done')
    .option('--strict', 'fail on the first malformed line instead of skipping it')
    .option('--half-life <days>', `recency half-life of lines with "times", in days, as on the device (default ${DEFAULT_RECENCY_HALF_LIFE_DAYS})`)
    .option('--now <seconds>', "epoch seconds the titles' ages are counted from (default: each line's newest time)")
    .action(async (flags: RecommendFlags) => {
      const count = parseNumberOption('count', flags.count, { min: 1, max: 10_000, integer: true }) ?? 10;
      const halfLifeDays = parseNumberOption('half-life', flags.halfLife, { min: Number.MIN_VALUE }) ?? DEFAULT_RECENCY_HALF_LIFE_DAYS;
      const now = parseNumberOption('now', flags.now);
      const model = await readModelDirectory(flags.model);
      const backend = createBackend(flags.backend ?? 'js');
      await backend.load({ factors: model.factors, onnxModel: model.scoringGraph });
      const recommender = new HistoryRecommender(model, backend, model.catalog.popularity);
      const indexOfItem = new Map(model.catalog.ids.map((id, index) => [id, index]));
      let users = 0;
      let skipped = 0;
      let unknownItems = 0;
      const pending: ({ line: number; user: string } & UserHistory)[] = [];
      const skipLine = (line: number, reason: string): void => {
        if (flags.strict) throw new OndeckError('malformed-input', { file: flags.input, line, reason });
        skipped++;
        process.stderr.write(`warning: ${flags.input}:${line}: ${reason}\n`);
      };

      await readTextLines(
        flags.input,
        (text, line) => {
          if (text.trim() === '') return;
          const problem = (reason: string): void => skipLine(line, reason);
          let value: { user?: unknown; items?: unknown; weights?: unknown; times?: unknown };
          try {
            value = JSON.parse(text) as typeof value;
          } catch {
            return problem('not valid JSON');
          }
          if (typeof value !== 'object' || value === null || (typeof value.user !== 'string' && typeof value.user !== 'number')) return problem('"user" must be a string');
          if (!Array.isArray(value.items)) return problem('"items" must be an array of ids');
          const weights = value.weights;
          // Weights are scored as float32: a finite double beyond its range (1e39) would become Infinity.
          if (
            weights !== undefined &&
            (!Array.isArray(weights) || weights.length !== value.items.length || !weights.every((w) => typeof w === 'number' && Number.isFinite(Math.fround(w)) && w > 0))
          ) {
            return problem('"weights" must be positive numbers, one per item');
          }
          const times = value.times;
          if (times !== undefined && (!Array.isArray(times) || !times.every((t) => typeof t === 'number' && Number.isFinite(t)))) {
            return problem('"times" must be an array of numbers (epoch seconds), one per item');
          }
          if (times !== undefined && times.length !== value.items.length) return problem(`"times" has ${times.length} entries for ${value.items.length} items`);
          const indices: number[] = [];
          const kept: number[] = [];
          const keptTimes: number[] = [];
          value.items.forEach((id, position) => {
            const index = indexOfItem.get(String(id));
            if (index === undefined) unknownItems++;
            else {
              indices.push(index);
              kept.push(weights ? (weights[position] as number) : 1);
              if (times) keptTimes.push(times[position] as number);
            }
          });
          let history: UserHistory = { indices: Int32Array.from(indices), weights: Float32Array.from(kept) };
          // Ages from the viewer's newest title (unknown ids included: it is still their latest activity).
          if (times) history = weightByRecency(history, keptTimes, halfLifeDays, now ?? (times as number[]).reduce((newest, t) => Math.max(newest, t), -Infinity));
          pending.push({ line, user: String(value.user), ...history });
        },
        {
          strict: flags.strict,
          // readTextLines validates UTF-8 per line; a bad line is ours to count and report.
          onInvalidLine: (line) => {
            skipped++;
            process.stderr.write(`warning: ${flags.input}:${line}: not valid UTF-8\n`);
          },
        },
      );

      const file = flags.output ? openAtomicOutputFile(flags.output) : undefined;
      const output = file ? file.stream : process.stdout;
      try {
        for (const request of pending) {
          let result: Awaited<ReturnType<HistoryRecommender['topK']>>;
          try {
            result = await recommender.topK({ indices: request.indices, weights: request.weights }, count);
          } catch (error) {
            // A history the fold-in cannot solve (e.g. a weight of 1e20 makes its system singular)
            // is that line's problem, like a malformed one; anything untyped is a bug and propagates.
            if (!isOndeckError(error)) throw error;
            skipLine(request.line, error.message);
            continue;
          }
          const text = JSON.stringify({
            user: request.user,
            items: Array.from(result.indices, (index) => model.catalog.ids[index]),
            scores: Array.from(result.scores, (score) => Number(score.toPrecision(6))),
          });
          if (!output.write(text + '\n')) await new Promise((resolve) => output.once('drain', resolve));
          users++;
        }
        await file?.commit();
      } catch (error) {
        await file?.abort();
        throw error;
      }
      await backend.dispose();
      process.stderr.write(`recommended for ${users} users with the ${backend.name} backend (${skipped} lines skipped, ${unknownItems} unknown item ids ignored)\n`);
    });
}

function createBackend(name: string): ScoringBackend {
  if (name === 'js') return createJsInt8Backend();
  if (name === 'wasm') return createWasmBackend();
  throw new OndeckError('invalid-argument', { name: '--backend', reason: `expected js or wasm, got "${name}"` });
}
