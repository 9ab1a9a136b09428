/**
 * WebAssembly text of the ALS training kernel: the conjugate-gradient row solve and the partial
 * Gramians, on f32x4 / f64x2 SIMD lanes, over a shared memory every training thread instantiates
 * the module against. Kept as a string (not a `.wat` file beside it) so the source runs the same
 * under vitest, from any esbuild bundle in dist/ and from a published package, with no file lookup.
 *
 * Conventions the TypeScript side (`AlsWasmKernel`) keeps:
 * - Every address is a byte offset into the imported memory.
 * - Factor tables are row-major with a stride of `dims` floats and are followed by at least
 *   `dpad − dims` floats of slack, so a 16-float read at the end of any row stays in memory.
 * - `dpad` is `dims` rounded up to a multiple of 16. Scratch vectors (x, r, p, Ap) hold `dpad`
 *   floats whose lanes past `dims` are kept at zero, which makes the over-read of the next row's
 *   first values harmless (they are multiplied by those zero lanes) and lets every loop run on
 *   whole 16-float chunks. Lanes past `dims` that an axpy dirties are zeroed again at once.
 * - The Gramian the solve reads is f32, `dpad × dpad`, already scaled by α₀, zero-padded.
 * - Per-entry losses are accumulated in f64; the solve itself is f32, like the factor tables.
 *
 * @example
 * ```ts
 * const binary = (await wabt()).parseWat('alsKernel.wat', ALS_KERNEL_WAT, { simd: true, threads: true }).toBinary({});
 * ```
 */
export const ALS_KERNEL_WAT = String.raw`
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Lanes 0+1+2+3 of a f32x4, in a fixed order so the result never depends on who calls it.
  (func $horizontalSum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; Sets bytes [address, address + bytes) to zero; bytes is a multiple of 16.
  (func $zeroBytes (param $address i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $address) (local.get $bytes)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $address) (local.get $end)))
        (v128.store (local.get $address) (v128.const i32x4 0 0 0 0))
        (local.set $address (i32.add (local.get $address) (i32.const 16)))
        (br $next))))

  ;; Zeroes lanes dims..dpad of a scratch vector (an axpy over factor rows dirtied them).
  (func $zeroPadding (param $vector i32) (param $dims i32) (param $dpad i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $dims) (local.get $dpad)))
        (f32.store (i32.add (local.get $vector) (i32.shl (local.get $dims) (i32.const 2))) (f32.const 0))
        (local.set $dims (i32.add (local.get $dims) (i32.const 1)))
        (br $next))))

  ;; a · b over padBytes bytes (a multiple of 64) of two 16-byte-aligned vectors.
  (func $dotVectors (param $a i32) (param $b i32) (param $padBytes i32) (result f32)
    (local $k i32) (local $sum0 v128) (local $sum1 v128)
    (loop $chunk
      (local.set $sum0 (f32x4.add (local.get $sum0)
        (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $k))) (v128.load (i32.add (local.get $b) (local.get $k))))))
      (local.set $sum1 (f32x4.add (local.get $sum1)
        (f32x4.mul (v128.load offset=16 (i32.add (local.get $a) (local.get $k))) (v128.load offset=16 (i32.add (local.get $b) (local.get $k))))))
      (local.set $sum0 (f32x4.add (local.get $sum0)
        (f32x4.mul (v128.load offset=32 (i32.add (local.get $a) (local.get $k))) (v128.load offset=32 (i32.add (local.get $b) (local.get $k))))))
      (local.set $sum1 (f32x4.add (local.get $sum1)
        (f32x4.mul (v128.load offset=48 (i32.add (local.get $a) (local.get $k))) (v128.load offset=48 (i32.add (local.get $b) (local.get $k))))))
      (local.set $k (i32.add (local.get $k) (i32.const 64)))
      (br_if $chunk (i32.lt_u (local.get $k) (local.get $padBytes))))
    (call $horizontalSum (f32x4.add (local.get $sum0) (local.get $sum1))))

  ;; out = G v for the padded, α₀-scaled Gramian G: out = Σ_j v_j G_j (G is symmetric), four
  ;; rows of G per pass over out so out is loaded and stored a quarter as often.
  (func $gramianProduct (param $gramian i32) (param $vector i32) (param $out i32) (param $dims i32) (param $padBytes i32)
    (local $j i32) (local $k i32) (local $row i32) (local $address i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (call $zeroBytes (local.get $out) (local.get $padBytes))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $j) (local.get $dims)))
        (local.set $address (i32.add (local.get $vector) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $v0 (f32x4.splat (f32.load (local.get $address))))
        (local.set $v1 (f32x4.splat (f32.load offset=4 (local.get $address))))
        (local.set $v2 (f32x4.splat (f32.load offset=8 (local.get $address))))
        (local.set $v3 (f32x4.splat (f32.load offset=12 (local.get $address))))
        (local.set $row (i32.add (local.get $gramian) (i32.mul (local.get $j) (local.get $padBytes))))
        (local.set $k (i32.const 0))
        (loop $lanes
          (local.set $address (i32.add (local.get $out) (local.get $k)))
          (v128.store (local.get $address)
            (f32x4.add
              (f32x4.add
                (f32x4.add (v128.load (local.get $address))
                  (f32x4.mul (local.get $v0) (v128.load (i32.add (local.get $row) (local.get $k)))))
                (f32x4.mul (local.get $v1) (v128.load (i32.add (i32.add (local.get $row) (local.get $padBytes)) (local.get $k)))))
              (f32x4.add
                (f32x4.mul (local.get $v2) (v128.load (i32.add (i32.add (local.get $row) (i32.shl (local.get $padBytes) (i32.const 1))) (local.get $k))))
                (f32x4.mul (local.get $v3) (v128.load (i32.add (i32.add (local.get $row) (i32.mul (local.get $padBytes) (i32.const 3))) (local.get $k)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $lanes (i32.lt_u (local.get $k) (local.get $padBytes))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $rows))))

  ;; out += scale · v over padBytes bytes.
  (func $axpyVectors (param $scale f32) (param $vector i32) (param $out i32) (param $padBytes i32)
    (local $k i32) (local $splat v128) (local $address i32)
    (local.set $splat (f32x4.splat (local.get $scale)))
    (loop $chunk
      (local.set $address (i32.add (local.get $out) (local.get $k)))
      (v128.store (local.get $address)
        (f32x4.add (v128.load (local.get $address))
          (f32x4.mul (local.get $splat) (v128.load (i32.add (local.get $vector) (local.get $k))))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $chunk (i32.lt_u (local.get $k) (local.get $padBytes)))))

  ;; One pass over a row's entries e in [start, end), with y_e the other side's factor row:
  ;;   residual mode:  out += Σ [c − (c − α₀)(y·v)] y   and returns Σ c(1 − y·v)² − α₀(y·v)²
  ;;   product mode:   out += Σ (c − α₀)(y·v) y         and returns 0
  ;; where c = 1 + alpha·w_e. Entries go four at a time: four independent dot products share
  ;; each load of v, and one read-modify-write of out takes all four axpys, which roughly
  ;; halves the memory operations per entry; the dot and the axpy on a row run back to back, so
  ;; the row is fetched once per pass and read the second time from L1. The last (end − start)
  ;; mod 4 entries go one at a time.
  (func $entryPass (param $indices i32) (param $weights i32) (param $start i32) (param $end i32)
                   (param $other i32) (param $rowBytes i32) (param $padBytes i32)
                   (param $vector i32) (param $out i32) (param $alpha f32) (param $alpha0 f32) (param $residual i32)
                   (result f64)
    (local $e i32) (local $groupEnd i32) (local $k i32) (local $address i32) (local $v v128)
    (local $row0 i32) (local $row1 i32) (local $row2 i32) (local $row3 i32)
    (local $sum0 v128) (local $sum1 v128) (local $sum2 v128) (local $sum3 v128)
    (local $splat0 v128) (local $splat1 v128) (local $splat2 v128) (local $splat3 v128)
    (local $predicted f32) (local $confidence f32) (local $predicted64 f64) (local $confidence64 f64) (local $loss f64)
    (local.set $e (local.get $start))
    (local.set $groupEnd (i32.add (local.get $start) (i32.and (i32.sub (local.get $end) (local.get $start)) (i32.const -4))))
    (block $groupsDone
      (loop $groups
        (br_if $groupsDone (i32.ge_u (local.get $e) (local.get $groupEnd)))
        ${entryGroup(4, 'group')}
        (br $groups)))
    (block $singlesDone
      (loop $singles
        (br_if $singlesDone (i32.ge_u (local.get $e) (local.get $end)))
        ${entryGroup(1, 'single')}
        (br $singles)))
    (local.get $loss))

  ;; Improves rows first..last of the target table in place with steps CG steps each on
  ;;   (α₀ G + Σ (c − α₀) y yᵀ + λ_row I) x = Σ c y,
  ;; warm-started from the current row, exactly as solveRowConjugateGradient does in TypeScript.
  ;; scratch holds four dpad-float vectors x, r, p, Ap. Returns the rows' summed loss before the
  ;; update: Σ_observed [c(1 − ŷ)² − α₀ŷ²] + α₀ xᵀGx + λ_row ‖x‖².
  (func (export "solveRows")
    (param $indptr i32) (param $indices i32) (param $weights i32) (param $lambdas i32)
    (param $target i32) (param $other i32) (param $gramian i32) (param $scratch i32)
    (param $dims i32) (param $dpad i32) (param $alpha f32) (param $alpha0 f32) (param $steps i32)
    (param $first i32) (param $last i32)
    (result f64)
    (local $rowBytes i32) (local $padBytes i32) (local $x i32) (local $r i32) (local $p i32) (local $ap i32)
    (local $row i32) (local $start i32) (local $end i32) (local $targetRow i32) (local $d i32) (local $step i32) (local $k i32)
    (local $lambda f32) (local $residualNorm f32) (local $nextNorm f32) (local $curvature f32) (local $stepSize f32) (local $beta f32)
    (local $loss f64)
    (local.set $rowBytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $padBytes (i32.shl (local.get $dpad) (i32.const 2)))
    (local.set $x (local.get $scratch))
    (local.set $r (i32.add (local.get $x) (local.get $padBytes)))
    (local.set $p (i32.add (local.get $r) (local.get $padBytes)))
    (local.set $ap (i32.add (local.get $p) (local.get $padBytes)))
    (call $zeroBytes (local.get $x) (local.get $padBytes))
    (local.set $row (local.get $first))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $last)))
        (local.set $start (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $row) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $indptr) (i32.shl (local.get $row) (i32.const 2)))))
        (local.set $lambda (f32.load (i32.add (local.get $lambdas) (i32.shl (local.get $row) (i32.const 2)))))
        (local.set $targetRow (i32.add (local.get $target) (i32.mul (local.get $row) (local.get $rowBytes))))
        ;; x = current row (its padding lanes stay zero from the start).
        (local.set $d (i32.const 0))
        (block $copyDone
          (loop $copy
            (br_if $copyDone (i32.ge_u (local.get $d) (local.get $dims)))
            (f32.store (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2)))
              (f32.load (i32.add (local.get $targetRow) (i32.shl (local.get $d) (i32.const 2)))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $copy)))
        ;; q = α₀ G x + λ x; its dot with x is the α₀ Σ_all ŷ² + λ‖x‖² part of the loss; r = −q.
        (call $gramianProduct (local.get $gramian) (local.get $x) (local.get $r) (local.get $dims) (local.get $padBytes))
        (call $axpyVectors (local.get $lambda) (local.get $x) (local.get $r) (local.get $padBytes))
        (local.set $loss (f64.add (local.get $loss)
          (f64.promote_f32 (call $dotVectors (local.get $x) (local.get $r) (local.get $padBytes)))))
        (local.set $k (i32.const 0))
        (loop $negate
          (v128.store (i32.add (local.get $r) (local.get $k)) (f32x4.neg (v128.load (i32.add (local.get $r) (local.get $k)))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $negate (i32.lt_u (local.get $k) (local.get $padBytes))))
        ;; r += Σ [c − (c − α₀) ŷ] y, so r = b − A x.
        (local.set $loss (f64.add (local.get $loss)
          (call $entryPass (local.get $indices) (local.get $weights) (local.get $start) (local.get $end)
            (local.get $other) (local.get $rowBytes) (local.get $padBytes)
            (local.get $x) (local.get $r) (local.get $alpha) (local.get $alpha0) (i32.const 1))))
        (call $zeroPadding (local.get $r) (local.get $dims) (local.get $dpad))
        (local.set $k (i32.const 0))
        (loop $copyDirection
          (v128.store (i32.add (local.get $p) (local.get $k)) (v128.load (i32.add (local.get $r) (local.get $k))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $copyDirection (i32.lt_u (local.get $k) (local.get $padBytes))))
        (local.set $residualNorm (call $dotVectors (local.get $r) (local.get $r) (local.get $padBytes)))
        (local.set $step (i32.const 0))
        (block $stepsDone
          (loop $steps
            (br_if $stepsDone (i32.ge_u (local.get $step) (local.get $steps)))
            (br_if $stepsDone (i32.eqz (f32.gt (local.get $residualNorm) (f32.const 1e-20))))
            ;; Ap = α₀ G p + λ p + Σ (c − α₀)(y·p) y
            (call $gramianProduct (local.get $gramian) (local.get $p) (local.get $ap) (local.get $dims) (local.get $padBytes))
            (call $axpyVectors (local.get $lambda) (local.get $p) (local.get $ap) (local.get $padBytes))
            (drop (call $entryPass (local.get $indices) (local.get $weights) (local.get $start) (local.get $end)
              (local.get $other) (local.get $rowBytes) (local.get $padBytes)
              (local.get $p) (local.get $ap) (local.get $alpha) (local.get $alpha0) (i32.const 0)))
            (call $zeroPadding (local.get $ap) (local.get $dims) (local.get $dpad))
            (local.set $curvature (call $dotVectors (local.get $p) (local.get $ap) (local.get $padBytes)))
            (br_if $stepsDone (i32.eqz (f32.gt (local.get $curvature) (f32.const 0))))
            (local.set $stepSize (f32.div (local.get $residualNorm) (local.get $curvature)))
            (call $axpyVectors (local.get $stepSize) (local.get $p) (local.get $x) (local.get $padBytes))
            (call $axpyVectors (f32.neg (local.get $stepSize)) (local.get $ap) (local.get $r) (local.get $padBytes))
            (local.set $nextNorm (call $dotVectors (local.get $r) (local.get $r) (local.get $padBytes)))
            (local.set $beta (f32.div (local.get $nextNorm) (local.get $residualNorm)))
            ;; p = r + β p
            (local.set $k (i32.const 0))
            (loop $direction
              (v128.store (i32.add (local.get $p) (local.get $k))
                (f32x4.add (v128.load (i32.add (local.get $r) (local.get $k)))
                  (f32x4.mul (f32x4.splat (local.get $beta)) (v128.load (i32.add (local.get $p) (local.get $k))))))
              (local.set $k (i32.add (local.get $k) (i32.const 16)))
              (br_if $direction (i32.lt_u (local.get $k) (local.get $padBytes))))
            (local.set $residualNorm (local.get $nextNorm))
            (local.set $step (i32.add (local.get $step) (i32.const 1)))
            (br $steps)))
        (local.set $d (i32.const 0))
        (block $storeDone
          (loop $store
            (br_if $storeDone (i32.ge_u (local.get $d) (local.get $dims)))
            (f32.store (i32.add (local.get $targetRow) (i32.shl (local.get $d) (i32.const 2)))
              (f32.load (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2)))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $store)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
    (local.get $loss))

  ;; Partial Gramian Σ_r f_r f_rᵀ of factor rows first..last, in f64, into out (dpad × dpad f64,
  ;; both triangles). Rows are widened to f64 32 at a time into scratch
  ;; (32 × dpad f64, padding lanes zero); each 2 × 8 tile of the upper triangle then sums the
  ;; chunk in sixteen f64 lanes held in registers, so out is read and written once per chunk.
  (func (export "gramianBlock")
    (param $factors i32) (param $first i32) (param $last i32) (param $dims i32) (param $dpad i32)
    (param $out i32) (param $scratch i32)
    (local $rowBytes i32) (local $wideBytes i32) (local $chunkEnd i32) (local $chunkRows i32)
    (local $r i32) (local $d i32) (local $i i32) (local $j i32) (local $source i32) (local $wide i32)
    (local $outRow0 i32) (local $outRow1 i32) (local $column i32) (local $cursor i32) (local $stop i32)
    (local $a0 v128) (local $a1 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $rowBytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $wideBytes (i32.shl (local.get $dpad) (i32.const 3)))
    (call $zeroBytes (local.get $out) (i32.mul (local.get $dpad) (local.get $wideBytes)))
    (block $chunksDone
      (loop $chunks
        (br_if $chunksDone (i32.ge_u (local.get $first) (local.get $last)))
        (local.set $chunkEnd (select (i32.add (local.get $first) (i32.const 32)) (local.get $last)
          (i32.lt_u (i32.add (local.get $first) (i32.const 32)) (local.get $last))))
        (local.set $chunkRows (i32.sub (local.get $chunkEnd) (local.get $first)))
        ;; Widen the chunk to f64, zero past dims.
        (call $zeroBytes (local.get $scratch) (i32.mul (local.get $chunkRows) (local.get $wideBytes)))
        (local.set $r (i32.const 0))
        (block $widenDone
          (loop $widen
            (br_if $widenDone (i32.ge_u (local.get $r) (local.get $chunkRows)))
            (local.set $source (i32.add (local.get $factors) (i32.mul (i32.add (local.get $first) (local.get $r)) (local.get $rowBytes))))
            (local.set $wide (i32.add (local.get $scratch) (i32.mul (local.get $r) (local.get $wideBytes))))
            (local.set $d (i32.const 0))
            (block $rowDone
              (loop $row
                (br_if $rowDone (i32.ge_u (local.get $d) (local.get $dims)))
                (f64.store (i32.add (local.get $wide) (i32.shl (local.get $d) (i32.const 3)))
                  (f64.promote_f32 (f32.load (i32.add (local.get $source) (i32.shl (local.get $d) (i32.const 2))))))
                (local.set $d (i32.add (local.get $d) (i32.const 1)))
                (br $row)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $widen)))
        (local.set $stop (i32.add (local.get $scratch) (i32.mul (local.get $chunkRows) (local.get $wideBytes))))
        ;; Tiles: out rows i, i+1 × columns j..j+7, for j from the 8-aligned column at or below i.
        (local.set $i (i32.const 0))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $dims)))
            (local.set $outRow0 (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $wideBytes))))
            (local.set $outRow1 (i32.add (local.get $outRow0) (local.get $wideBytes)))
            (local.set $j (i32.and (local.get $i) (i32.const -8)))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $dims)))
                (local.set $column (i32.shl (local.get $j) (i32.const 3)))
                (local.set $s0 (v128.load (i32.add (local.get $outRow0) (local.get $column))))
                (local.set $s1 (v128.load offset=16 (i32.add (local.get $outRow0) (local.get $column))))
                (local.set $s2 (v128.load offset=32 (i32.add (local.get $outRow0) (local.get $column))))
                (local.set $s3 (v128.load offset=48 (i32.add (local.get $outRow0) (local.get $column))))
                (local.set $t0 (v128.load (i32.add (local.get $outRow1) (local.get $column))))
                (local.set $t1 (v128.load offset=16 (i32.add (local.get $outRow1) (local.get $column))))
                (local.set $t2 (v128.load offset=32 (i32.add (local.get $outRow1) (local.get $column))))
                (local.set $t3 (v128.load offset=48 (i32.add (local.get $outRow1) (local.get $column))))
                (local.set $cursor (local.get $scratch))
                (block $sumDone
                  (loop $sum
                    (br_if $sumDone (i32.ge_u (local.get $cursor) (local.get $stop)))
                    (local.set $a0 (v128.load64_splat (i32.add (local.get $cursor) (i32.shl (local.get $i) (i32.const 3)))))
                    (local.set $a1 (v128.load64_splat offset=8 (i32.add (local.get $cursor) (i32.shl (local.get $i) (i32.const 3)))))
                    (local.set $b0 (v128.load (i32.add (local.get $cursor) (local.get $column))))
                    (local.set $b1 (v128.load offset=16 (i32.add (local.get $cursor) (local.get $column))))
                    (local.set $b2 (v128.load offset=32 (i32.add (local.get $cursor) (local.get $column))))
                    (local.set $b3 (v128.load offset=48 (i32.add (local.get $cursor) (local.get $column))))
                    (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $a0) (local.get $b0))))
                    (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $a0) (local.get $b1))))
                    (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $a0) (local.get $b2))))
                    (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $a0) (local.get $b3))))
                    (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $a1) (local.get $b0))))
                    (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $a1) (local.get $b1))))
                    (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $a1) (local.get $b2))))
                    (local.set $t3 (f64x2.add (local.get $t3) (f64x2.mul (local.get $a1) (local.get $b3))))
                    (local.set $cursor (i32.add (local.get $cursor) (local.get $wideBytes)))
                    (br $sum)))
                (v128.store (i32.add (local.get $outRow0) (local.get $column)) (local.get $s0))
                (v128.store offset=16 (i32.add (local.get $outRow0) (local.get $column)) (local.get $s1))
                (v128.store offset=32 (i32.add (local.get $outRow0) (local.get $column)) (local.get $s2))
                (v128.store offset=48 (i32.add (local.get $outRow0) (local.get $column)) (local.get $s3))
                (v128.store (i32.add (local.get $outRow1) (local.get $column)) (local.get $t0))
                (v128.store offset=16 (i32.add (local.get $outRow1) (local.get $column)) (local.get $t1))
                (v128.store offset=32 (i32.add (local.get $outRow1) (local.get $column)) (local.get $t2))
                (v128.store offset=48 (i32.add (local.get $outRow1) (local.get $column)) (local.get $t3))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $jLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $iLoop)))
        (local.set $first (local.get $chunkEnd))
        (br $chunks)))
    ;; Mirror the upper triangle into the lower (identical sums, so bit-identical either way).
    (local.set $i (i32.const 1))
    (block $mirrorDone
      (loop $mirror
        (br_if $mirrorDone (i32.ge_u (local.get $i) (local.get $dims)))
        (local.set $j (i32.const 0))
        (block $columnsDone
          (loop $columns
            (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $i)))
            (f64.store (i32.add (local.get $out) (i32.add (i32.mul (local.get $i) (local.get $wideBytes)) (i32.shl (local.get $j) (i32.const 3))))
              (f64.load (i32.add (local.get $out) (i32.add (i32.mul (local.get $j) (local.get $wideBytes)) (i32.shl (local.get $i) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $columns)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $mirror))))
)
`;

/** The indices 0..count−1, to spell out one WAT fragment per entry of a group. */
function each(count: number, fragment: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => fragment(i)).join('\n');
}

/**
 * WAT for `count` (4 or 1) consecutive entries of {@link ALS_KERNEL_WAT}'s `$entryPass`, starting
 * at entry `$e`, which it advances: gather the rows, dot each with v, turn each dot into its
 * coefficient (and loss term), then one axpy loop adds every row to out.
 */
function entryGroup(count: number, label: string): string {
  const sumOf = (lanes: string[]): string => (lanes.length === 1 ? lanes[0] : `(f32x4.add ${sumOf(lanes.slice(0, lanes.length >> 1))} ${sumOf(lanes.slice(lanes.length >> 1))})`);
  const dotChunk = (chunk: number): string => `
          (local.set $v (v128.load offset=${16 * chunk} (i32.add (local.get $vector) (local.get $k))))
          ${each(count, (i) => {
            const sum = `$sum${i}`;
            return `(local.set ${sum} (f32x4.add (local.get ${sum}) (f32x4.mul (v128.load offset=${16 * chunk} (i32.add (local.get $row${i}) (local.get $k))) (local.get $v))))`;
          })}`;
  const axpyChunk = (chunk: number): string => `
          (v128.store offset=${16 * chunk} (local.get $address) (f32x4.add (v128.load offset=${16 * chunk} (local.get $address))
            ${sumOf(Array.from({ length: count }, (_, i) => `(f32x4.mul (local.get $splat${i}) (v128.load offset=${16 * chunk} (i32.add (local.get $row${i}) (local.get $k))))`))}))`;
  const coefficient = (i: number): string => `
        (local.set $predicted (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $sum${i})) (f32x4.extract_lane 1 (local.get $sum${i})))
          (f32.add (f32x4.extract_lane 2 (local.get $sum${i})) (f32x4.extract_lane 3 (local.get $sum${i})))))
        (local.set $confidence (f32.add (f32.const 1)
          (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $weights) (i32.shl (i32.add (local.get $e) (i32.const ${i})) (i32.const 2)))))))
        (if (local.get $residual)
          (then
            (local.set $splat${i} (f32x4.splat (f32.sub (local.get $confidence)
              (f32.mul (f32.sub (local.get $confidence) (local.get $alpha0)) (local.get $predicted)))))
            (local.set $predicted64 (f64.promote_f32 (local.get $predicted)))
            (local.set $confidence64 (f64.promote_f32 (local.get $confidence)))
            (local.set $loss (f64.add (local.get $loss)
              (f64.sub
                (f64.mul (local.get $confidence64)
                  (f64.mul (f64.sub (f64.const 1) (local.get $predicted64)) (f64.sub (f64.const 1) (local.get $predicted64))))
                (f64.mul (f64.promote_f32 (local.get $alpha0)) (f64.mul (local.get $predicted64) (local.get $predicted64)))))))
          (else
            (local.set $splat${i} (f32x4.splat (f32.mul (f32.sub (local.get $confidence) (local.get $alpha0)) (local.get $predicted))))))`;
  return `
        ${each(
          count,
          (i) => `(local.set $row${i} (i32.add (local.get $other)
          (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (i32.add (local.get $e) (i32.const ${i})) (i32.const 2)))) (local.get $rowBytes))))`,
        )}
        ${each(count, (i) => `(local.set $sum${i} (v128.const i32x4 0 0 0 0))`)}
        (local.set $k (i32.const 0))
        (loop $${label}Dot
          ${[0, 1, 2, 3].map(dotChunk).join('')}
          (local.set $k (i32.add (local.get $k) (i32.const 64)))
          (br_if $${label}Dot (i32.lt_u (local.get $k) (local.get $padBytes))))
        ${each(count, coefficient)}
        (local.set $k (i32.const 0))
        (loop $${label}Axpy
          (local.set $address (i32.add (local.get $out) (local.get $k)))
          ${[0, 1, 2, 3].map(axpyChunk).join('')}
          (local.set $k (i32.add (local.get $k) (i32.const 64)))
          (br_if $${label}Axpy (i32.lt_u (local.get $k) (local.get $padBytes))))
        (local.set $e (i32.add (local.get $e) (i32.const ${count})))`;
}
