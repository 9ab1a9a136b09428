import type { Int8KernelFlavour } from './Int8KernelFlavour';

/**
 * The per-row integer screening sum `Σ_d values[row, d] × level_d` of each build, spliced into
 * the screening loop (written out there, not called: engines before 2022 do not inline wasm
 * calls, and this runs once per row). Both leave it in the i32 local `$sum`; `$p` starts at the
 * row's first byte, `$lv` at the packed levels, and both walk `$words` 8-byte words.
 *
 * MVP: the JavaScript kernel's trick (`sumBiasedProducts`) on i64. A word's bytes, sign bits
 * flipped, are `x_j = b_j + 128 ∈ [0, 255]`; masking keeps x0, x2, x4, x6 in four 16-bit fields;
 * times the packed biased levels `l'6 + l'4·2¹⁶ + l'2·2³² + l'0·2⁴⁸` (l' = level + 15 ∈ [0, 30])
 * the field at 2⁴⁸ is `x0·l'0 + x2·l'2 + x4·l'4 + x6·l'6`, and the odd bytes (after `>> 8`) go the
 * same way. For the two products of a word together: the fields below 2⁴⁸ add up to at most
 * 2 × 255 × 30 × (3·2³² + 2·2¹⁶ + 1) < 2⁴⁸ (no carry into the top field) and the top fields to at
 * most 2 × 4 × 255 × 30 = 61200 < 2¹⁶, so one `>> 48` per word reads the exact sum of its 8
 * biased products. `Σ x·l' = Σ b·level + 15·Σ b + 128·Σ l'`: the row's `15·Σ b` is precomputed
 * (`rowTerms`), the query's `128·Σ l'` is `$offset`.
 *
 * SIMD: `v128.load8x8_s` sign-extends 8 bytes to i16, `i32x4.dot_i16x8_s` multiplies them by 8
 * i16 levels and adds pairs; each lane gains at most 2 × 128 × 127 per word, so dims up to 2¹⁶
 * stay far inside int32.
 *
 * Levels past `dims` (the last word of a row whose dims are not a multiple of 8 reads into the
 * next row) are 0 in both builds, so those bytes add nothing.
 */
const ROW_SUM: Readonly<Record<Int8KernelFlavour, string>> = {
  mvp: String.raw`
        (local.set $acc (i64.const 0))
        (loop $word
          (local.set $w (i64.xor (i64.load (local.get $p)) (i64.const 0x8080808080808080)))
          (local.set $acc (i64.add (local.get $acc)
            (i64.shr_u
              (i64.add
                (i64.mul (i64.and (local.get $w) (i64.const 0x00ff00ff00ff00ff)) (i64.load (local.get $lv)))
                (i64.mul (i64.and (i64.shr_u (local.get $w) (i64.const 8)) (i64.const 0x00ff00ff00ff00ff)) (i64.load offset=8 (local.get $lv))))
              (i64.const 48))))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (local.set $lv (i32.add (local.get $lv) (i32.const 16)))
          (br_if $word (i32.lt_u (local.get $lv) (local.get $levelsEnd))))
        (local.set $sum
          (i32.sub
            (i32.sub (i32.wrap_i64 (local.get $acc)) (i32.load (i32.add (global.get $rowTerms) (i32.shl (local.get $row) (i32.const 2)))))
            (local.get $offset)))`,
  simd: String.raw`
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (loop $word
          (local.set $acc (i32x4.add (local.get $acc) (i32x4.dot_i16x8_s (v128.load8x8_s (local.get $p)) (v128.load (local.get $lv)))))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (local.set $lv (i32.add (local.get $lv) (i32.const 16)))
          (br_if $word (i32.lt_u (local.get $lv) (local.get $levelsEnd))))
        (local.set $sum
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))`,
};

/** Locals the row sum of each build needs. */
const ROW_SUM_LOCALS: Readonly<Record<Int8KernelFlavour, string>> = {
  mvp: '(local $acc i64) (local $w i64)',
  simd: '(local $acc v128)',
};

/**
 * WebAssembly text of the int8 screening kernel in one build. The TypeScript side
 * (`Int8KernelInstance`) lays out the imported memory and calls:
 * - `configure(rows, dims, words, values, scales, l1, rowTerms, scores, candidates, exclude, heap, user, levels)`:
 *   the table's shape and the byte address of every array (`words` = ⌈dims / 8⌉; `values` is
 *   followed by 8 spare bytes, as the last row's last word is read whole).
 * - `prepareRows(bias)`: per row, `l1 = Σ|b|` and `rowTerm = bias × Σ b`, once per table.
 * - `scoreAll()`: every row's exact score into `scores`, bit for bit what `scoreInt8Rows` writes.
 * - `screen(start, end, limit, excludeCount, step, slack, offset, screenAll)`: rows `[start, end)`
 *   in order; a row whose bound `scale × (step × sum + slack × l1)` beats the `limit`-th best exact
 *   score so far (a min-heap of f64) and is not excluded is rescored exactly into `scores` and
 *   listed in `candidates`; returns how many were. With `screenAll`, every row not excluded is.
 *
 * Only MVP instructions outside the row sum, and no i64 at the JavaScript boundary (Chromium
 * before 85 cannot pass one), so the MVP build runs on Chromium 57.
 *
 * @example
 * ```ts
 * const binary = (await wabt()).parseWat('int8Kernel.wat', int8KernelWat('simd'), { simd: true }).toBinary({});
 * ```
 */
export function int8KernelWat(flavour: Int8KernelFlavour): string {
  return String.raw`
(module
  (import "env" "memory" (memory 1))
  (global $rows (mut i32) (i32.const 0))
  (global $dims (mut i32) (i32.const 0))
  (global $words (mut i32) (i32.const 0))
  (global $values (mut i32) (i32.const 0))
  (global $scales (mut i32) (i32.const 0))
  (global $l1 (mut i32) (i32.const 0))
  (global $rowTerms (mut i32) (i32.const 0))
  (global $scores (mut i32) (i32.const 0))
  (global $candidates (mut i32) (i32.const 0))
  (global $exclude (mut i32) (i32.const 0))
  (global $heap (mut i32) (i32.const 0))
  (global $user (mut i32) (i32.const 0))
  (global $levels (mut i32) (i32.const 0))

  (func (export "configure")
    (param $rows i32) (param $dims i32) (param $words i32) (param $values i32) (param $scales i32) (param $l1 i32) (param $rowTerms i32)
    (param $scores i32) (param $candidates i32) (param $exclude i32) (param $heap i32) (param $user i32) (param $levels i32)
    (global.set $rows (local.get $rows))
    (global.set $dims (local.get $dims))
    (global.set $words (local.get $words))
    (global.set $values (local.get $values))
    (global.set $scales (local.get $scales))
    (global.set $l1 (local.get $l1))
    (global.set $rowTerms (local.get $rowTerms))
    (global.set $scores (local.get $scores))
    (global.set $candidates (local.get $candidates))
    (global.set $exclude (local.get $exclude))
    (global.set $heap (local.get $heap))
    (global.set $user (local.get $user))
    (global.set $levels (local.get $levels)))

  (func (export "prepareRows") (param $bias i32)
    (local $row i32) (local $p i32) (local $end i32) (local $value i32) (local $sum i32) (local $abs i32)
    (local.set $p (global.get $values))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $row) (global.get $rows)))
        (local.set $end (i32.add (local.get $p) (global.get $dims)))
        (local.set $sum (i32.const 0))
        (local.set $abs (i32.const 0))
        (loop $bytes
          (local.set $value (i32.load8_s (local.get $p)))
          (local.set $sum (i32.add (local.get $sum) (local.get $value)))
          (local.set $abs (i32.add (local.get $abs)
            (select (local.get $value) (i32.sub (i32.const 0) (local.get $value)) (i32.ge_s (local.get $value) (i32.const 0)))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $bytes (i32.lt_u (local.get $p) (local.get $end))))
        (i32.store (i32.add (global.get $l1) (i32.shl (local.get $row) (i32.const 2))) (local.get $abs))
        (i32.store (i32.add (global.get $rowTerms) (i32.shl (local.get $row) (i32.const 2))) (i32.mul (local.get $bias) (local.get $sum)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))

  ;; values[row, d] × user[d], exact in f64 (an 8-bit by 24-bit product); user is stored as f64.
  (func $product (param $p i32) (param $u i32) (result f64)
    (f64.mul (f64.convert_i32_s (i32.load8_s (local.get $p))) (f64.load (local.get $u))))

  ;; scoreInt8Row: scale × Σ values × user in f64, summed in exactly the order the JavaScript
  ;; kernel sums that row (dims in fours into an even and an odd sum, the rest into the even one;
  ;; the last row of an odd-sized table in plain order), so the f32 it rounds to is the same.
  (func $exactScore (param $row i32) (result f64)
    (local $p i32) (local $u i32) (local $end i32) (local $fours i32) (local $even f64) (local $odd f64)
    (local.set $p (i32.add (global.get $values) (i32.mul (local.get $row) (global.get $dims))))
    (local.set $u (global.get $user))
    (local.set $end (i32.add (local.get $p) (global.get $dims)))
    (if (i32.and
          (i32.eq (local.get $row) (i32.sub (global.get $rows) (i32.const 1)))
          (i32.and (global.get $rows) (i32.const 1)))
      (then
        (loop $plain
          (local.set $even (f64.add (local.get $even) (call $product (local.get $p) (local.get $u))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $u (i32.add (local.get $u) (i32.const 8)))
          (br_if $plain (i32.lt_u (local.get $p) (local.get $end))))
        (return (f64.mul (local.get $even) (f64.promote_f32 (f32.load (i32.add (global.get $scales) (i32.shl (local.get $row) (i32.const 2)))))))))
    (local.set $fours (i32.add (local.get $p) (i32.and (global.get $dims) (i32.const -4))))
    (block $foursDone
      (loop $four
        (br_if $foursDone (i32.ge_u (local.get $p) (local.get $fours)))
        (local.set $even (f64.add (local.get $even)
          (f64.add (call $product (local.get $p) (local.get $u)) (call $product (i32.add (local.get $p) (i32.const 2)) (i32.add (local.get $u) (i32.const 16))))))
        (local.set $odd (f64.add (local.get $odd)
          (f64.add (call $product (i32.add (local.get $p) (i32.const 1)) (i32.add (local.get $u) (i32.const 8)))
                   (call $product (i32.add (local.get $p) (i32.const 3)) (i32.add (local.get $u) (i32.const 24))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $u (i32.add (local.get $u) (i32.const 32)))
        (br $four)))
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $even (f64.add (local.get $even) (call $product (local.get $p) (local.get $u))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $u (i32.add (local.get $u) (i32.const 8)))
        (br $rest)))
    (f64.mul (f64.add (local.get $even) (local.get $odd))
      (f64.promote_f32 (f32.load (i32.add (global.get $scales) (i32.shl (local.get $row) (i32.const 2)))))))

  (func (export "scoreAll")
    (local $row i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $row) (global.get $rows)))
        (f32.store (i32.add (global.get $scores) (i32.shl (local.get $row) (i32.const 2))) (f32.demote_f64 (call $exactScore (local.get $row))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))

  ;; Moves heap[position] down to its place in the f64 min-heap heap[0..size).
  (func $siftDown (param $size i32) (param $position i32)
    (local $value f64) (local $child i32) (local $childValue f64) (local $right i32)
    (local.set $value (f64.load (i32.add (global.get $heap) (i32.shl (local.get $position) (i32.const 3)))))
    (block $done
      (loop $down
        (local.set $child (i32.add (i32.shl (local.get $position) (i32.const 1)) (i32.const 1)))
        (br_if $done (i32.ge_s (local.get $child) (local.get $size)))
        (local.set $childValue (f64.load (i32.add (global.get $heap) (i32.shl (local.get $child) (i32.const 3)))))
        (local.set $right (i32.add (local.get $child) (i32.const 1)))
        (if (i32.lt_s (local.get $right) (local.get $size))
          (then
            (if (f64.lt (f64.load (i32.add (global.get $heap) (i32.shl (local.get $right) (i32.const 3)))) (local.get $childValue))
              (then
                (local.set $child (local.get $right))
                (local.set $childValue (f64.load (i32.add (global.get $heap) (i32.shl (local.get $right) (i32.const 3)))))))))
        (br_if $done (f64.ge (local.get $childValue) (local.get $value)))
        (f64.store (i32.add (global.get $heap) (i32.shl (local.get $position) (i32.const 3))) (local.get $childValue))
        (local.set $position (local.get $child))
        (br $down)))
    (f64.store (i32.add (global.get $heap) (i32.shl (local.get $position) (i32.const 3))) (local.get $value)))

  (func (export "screen")
    (param $start i32) (param $end i32) (param $limit i32) (param $excludeCount i32)
    (param $step f64) (param $slack f64) (param $offset i32) (param $screenAll i32) (result i32)
    (local $row i32) (local $p i32) (local $lv i32) (local $levelsEnd i32) (local $sum i32) (local $bound f64)
    (local $threshold f64) (local $kept i32) (local $found i32) (local $skipAt i32) (local $score f64) (local $heapStart i32)
    ${ROW_SUM_LOCALS[flavour]}
    (local.set $threshold (f64.const -inf))
    (local.set $levelsEnd (i32.add (global.get $levels) (i32.shl (global.get $words) (i32.const 4))))
    (local.set $row (local.get $start))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
        (local.set $p (i32.add (global.get $values) (i32.mul (local.get $row) (global.get $dims))))
        (local.set $lv (global.get $levels))
        ${ROW_SUM[flavour]}
        (local.set $bound
          (f64.mul
            (f64.promote_f32 (f32.load (i32.add (global.get $scales) (i32.shl (local.get $row) (i32.const 2)))))
            (f64.add
              (f64.mul (local.get $step) (f64.convert_i32_s (local.get $sum)))
              (f64.mul (local.get $slack) (f64.convert_i32_s (i32.load (i32.add (global.get $l1) (i32.shl (local.get $row) (i32.const 2)))))))))
        (if (i32.or (local.get $screenAll) (f64.gt (local.get $bound) (local.get $threshold)))
          (then
            ;; exclude is ascending and rows come in order: one cursor walks it.
            (block $skipped
              (loop $advance
                (br_if $skipped (i32.ge_s (local.get $skipAt) (local.get $excludeCount)))
                (br_if $skipped (i32.ge_s (i32.load (i32.add (global.get $exclude) (i32.shl (local.get $skipAt) (i32.const 2)))) (local.get $row)))
                (local.set $skipAt (i32.add (local.get $skipAt) (i32.const 1)))
                (br $advance)))
            (if (i32.eqz (i32.and
                  (i32.lt_s (local.get $skipAt) (local.get $excludeCount))
                  (i32.eq (i32.load (i32.add (global.get $exclude) (i32.shl (local.get $skipAt) (i32.const 2)))) (local.get $row))))
              (then
                (local.set $score (f64.promote_f32 (f32.demote_f64 (call $exactScore (local.get $row)))))
                (f32.store (i32.add (global.get $scores) (i32.shl (local.get $row) (i32.const 2))) (f32.demote_f64 (local.get $score)))
                (i32.store (i32.add (global.get $candidates) (i32.shl (local.get $found) (i32.const 2))) (local.get $row))
                (local.set $found (i32.add (local.get $found) (i32.const 1)))
                (if (i32.lt_s (local.get $kept) (local.get $limit))
                  (then
                    (f64.store (i32.add (global.get $heap) (i32.shl (local.get $kept) (i32.const 3))) (local.get $score))
                    (local.set $kept (i32.add (local.get $kept) (i32.const 1)))
                    (if (i32.eq (local.get $kept) (local.get $limit))
                      (then
                        (local.set $heapStart (i32.sub (i32.shr_s (local.get $limit) (i32.const 1)) (i32.const 1)))
                        (block $heapified
                          (loop $heapify
                            (br_if $heapified (i32.lt_s (local.get $heapStart) (i32.const 0)))
                            (call $siftDown (local.get $limit) (local.get $heapStart))
                            (local.set $heapStart (i32.sub (local.get $heapStart) (i32.const 1)))
                            (br $heapify)))
                        (local.set $threshold (f64.load (global.get $heap))))))
                  (else
                    (if (f64.gt (local.get $score) (local.get $threshold))
                      (then
                        (f64.store (global.get $heap) (local.get $score))
                        (call $siftDown (local.get $limit) (i32.const 0))
                        (local.set $threshold (f64.load (global.get $heap)))))))))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
    (local.get $found)))
`;
}
