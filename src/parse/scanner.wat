;; RFC 4180 record framer and field splitter for PowerMTA accounting files.
;;
;; Why WebAssembly: finding the commas, quotes and line ends of a 500-byte record costs about
;; 500 ns in JavaScript (one String#indexOf call per field); here 32-byte SIMD compares find them
;; all at once and JavaScript then reads only the columns a run needs.
;;
;; Input: bytes [start, end) of the module's memory. The caller keeps 32 readable bytes after `end`.
;; Output: i32 words from `outBase`, one entry per record, in input order:
;;   good record: start, nFields (> 0), end, meta, fieldEnd[0..nFields-1]
;;   bad record:  start, -code,          end, meta, errorPos
;; where `end` is the offset just after the record (after its LF, or the resync point of a bad
;; record), fieldEnd[k] is the offset of the byte that ends field k (its comma, the CR of a CRLF,
;; the LF, or the end of input), and meta = number of LF bytes in [start, end) | hasHigh << 20.
;; Field k starts at `start` (k = 0) or fieldEnd[k-1] + 1. A field whose first byte is '"' is
;; quoted: its text is between that quote and the closing one, with "" meaning ".
;;
;; Quotes follow csv-parse with relax_quotes: a quote opens a quoted field only at the first byte
;; of a field; anywhere else in an unquoted field it is data. After a closing quote the next byte
;; must be a comma, LF, or CR LF; anything else is error 1. A quoted field that reaches
;; `maxLines` LF bytes, or the end of final input, is error 2 (unterminated quote). After an
;; error the scan resumes after the first LF of the bad record, so one stray quote costs one line.
;;
;; The scan stops early, leaving `next` at the start of the first record it did not finish, when
;; that record runs past `end` (and `final` is 0), or when the output area is full.
;;
;; How: each 32-byte block gives three bit masks: commas, "specials" (quotes and LFs, the bytes
;; that change state) and bytes >= 0x80. Specials are handled one by one; the commas between two
;; specials are emitted together when outside quotes and skipped when inside, so the cost is per
;; special byte, not per byte or per comma.
(module
  (memory (export "memory") 1)
  (global $next (export "next") (mut i32) (i32.const 0))
  (global $maxLines (export "maxLines") (mut i32) (i32.const 32))

  (func (export "scan")
    (param $start i32) (param $end i32) (param $final i32) (param $outBase i32) (param $outEnd i32)
    (result i32)
    (local $p i32) (local $next i32) (local $v v128) (local $w v128) (local $pos i32) (local $c i32)
    (local $n1 i32) (local $recStart i32) (local $fieldStart i32) (local $inQuote i32) (local $nF i32)
    (local $recOut i32) (local $lines i32) (local $high i32) (local $skipUntil i32) (local $firstNl i32)
    (local $code i32) (local $errPos i32) (local $resync i32) (local $q i32) (local $fieldEnd i32)
    (local $commas i32) (local $special i32) (local $highs i32) (local $lfs i32) (local $below i32)
    (local $tailMask i32) (local $s i32)

    (local.set $recStart (local.get $start))
    (local.set $fieldStart (local.get $start))
    (local.set $recOut (local.get $outBase))
    (local.set $firstNl (i32.const -1))
    (local.set $p (local.get $start))

    (loop $main
      (block $exhausted
        (loop $blocks
          (br_if $exhausted (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $v (v128.load align=1 (local.get $p)))
          (local.set $w (v128.load offset=16 align=1 (local.get $p)))
          (local.set $commas (i32.or
            (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 44 44 44 44 44 44 44 44 44 44 44 44 44 44 44 44)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $w) (v128.const i8x16 44 44 44 44 44 44 44 44 44 44 44 44 44 44 44 44)))
                     (i32.const 16))))
          (local.set $lfs (i32.or
            (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $w) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))
                     (i32.const 16))))
          (local.set $special (i32.or (local.get $lfs) (i32.or
            (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $w) (v128.const i8x16 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34)))
                     (i32.const 16)))))
          (local.set $highs (i32.or (i8x16.bitmask (local.get $v))
                                    (i32.shl (i8x16.bitmask (local.get $w)) (i32.const 16))))
          (if (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 32))
            (then
              (local.set $tailMask
                (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $p))) (i32.const 1)))
              (local.set $commas (i32.and (local.get $commas) (local.get $tailMask)))
              (local.set $special (i32.and (local.get $special) (local.get $tailMask)))
              (local.set $lfs (i32.and (local.get $lfs) (local.get $tailMask)))
              (local.set $highs (i32.and (local.get $highs) (local.get $tailMask)))))
          (local.set $next (i32.add (local.get $p) (i32.const 32)))
          ;; Without an LF the whole block belongs to the current record: note its UTF-8 bytes now.
          ;; With one, bytes >= 0x80 are handled in order, like specials, to find their record.
          (if (local.get $highs)
            (then
              (if (i32.eqz (local.get $lfs))
                (then (local.set $high (i32.const 1)))
                (else (local.set $special (i32.or (local.get $special) (local.get $highs)))))))

          (block $blockDone
            (loop $specialLoop
              ;; commas below the next special (all the rest when there is none)
              (if (local.get $special)
                (then (local.set $below
                  (i32.sub (i32.and (local.get $special) (i32.sub (i32.const 0) (local.get $special))) (i32.const 1))))
                (else (local.set $below (i32.const -1))))
              (if (i32.and (i32.eqz (local.get $inQuote)) (i32.ne (i32.and (local.get $commas) (local.get $below)) (i32.const 0)))
                (then
                  (local.set $s (i32.and (local.get $commas) (local.get $below)))
                  (if (i32.gt_u
                        (i32.add (local.get $recOut) (i32.shl (i32.add (i32.add (local.get $nF) (i32.popcnt (local.get $s))) (i32.const 5)) (i32.const 2)))
                        (local.get $outEnd))
                    (then
                      (global.set $next (local.get $recStart))
                      (return (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))))
                  (loop $commaLoop
                    (local.set $pos (i32.add (local.get $p) (i32.ctz (local.get $s))))
                    (i32.store (i32.add (local.get $recOut) (i32.shl (i32.add (local.get $nF) (i32.const 4)) (i32.const 2)))
                               (local.get $pos))
                    (local.set $nF (i32.add (local.get $nF) (i32.const 1)))
                    (local.set $s (i32.and (local.get $s) (i32.sub (local.get $s) (i32.const 1))))
                    (br_if $commaLoop (local.get $s)))
                  (local.set $fieldStart (i32.add (local.get $pos) (i32.const 1)))))
              (local.set $commas (i32.and (local.get $commas) (i32.xor (local.get $below) (i32.const -1))))
              (br_if $blockDone (i32.eqz (local.get $special)))

              (local.set $pos (i32.add (local.get $p) (i32.ctz (local.get $special))))
              (local.set $special (i32.and (local.get $special) (i32.sub (local.get $special) (i32.const 1))))
              (br_if $specialLoop (i32.lt_u (local.get $pos) (local.get $skipUntil)))
              (local.set $c (i32.load8_u (local.get $pos)))

              (block $error
                (if (i32.ge_u (local.get $c) (i32.const 128))
                  (then (local.set $high (i32.const 1)) (br $specialLoop)))

                (if (local.get $inQuote)
                  (then
                    (if (i32.eq (local.get $c) (i32.const 34))
                      (then
                        ;; a quote inside a quoted field: "" is data, otherwise it must close the field
                        (if (i32.ge_u (i32.add (local.get $pos) (i32.const 1)) (local.get $end))
                          (then
                            (if (local.get $final)
                              (then (local.set $inQuote (i32.const 0)) (br $specialLoop)))
                            (global.set $next (local.get $recStart))
                            (return (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))))
                        (local.set $n1 (i32.load8_u (i32.add (local.get $pos) (i32.const 1))))
                        (if (i32.eq (local.get $n1) (i32.const 34))
                          (then (local.set $skipUntil (i32.add (local.get $pos) (i32.const 2))) (br $specialLoop)))
                        (if (i32.or (i32.eq (local.get $n1) (i32.const 44)) (i32.eq (local.get $n1) (i32.const 10)))
                          (then (local.set $inQuote (i32.const 0)) (br $specialLoop)))
                        (if (i32.eq (local.get $n1) (i32.const 13))
                          (then
                            (if (i32.ge_u (i32.add (local.get $pos) (i32.const 2)) (local.get $end))
                              (then
                                (if (i32.eqz (local.get $final))
                                  (then
                                    (global.set $next (local.get $recStart))
                                    (return (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))))
                                (local.set $code (i32.const 1))
                                (local.set $errPos (i32.add (local.get $pos) (i32.const 1)))
                                (br $error)))
                            (if (i32.eq (i32.load8_u (i32.add (local.get $pos) (i32.const 2))) (i32.const 10))
                              (then (local.set $inQuote (i32.const 0)) (br $specialLoop)))))
                        (local.set $code (i32.const 1))
                        (local.set $errPos (i32.add (local.get $pos) (i32.const 1)))
                        (br $error)))
                    ;; an LF inside quotes
                    (if (i32.lt_s (local.get $firstNl) (i32.const 0))
                      (then (local.set $firstNl (local.get $pos))))
                    (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
                    (if (i32.ge_u (local.get $lines) (global.get $maxLines))
                      (then
                        (local.set $code (i32.const 2))
                        (local.set $errPos (local.get $pos))
                        (br $error)))
                    (br $specialLoop)))

                ;; not inside quotes
                (if (i32.eq (local.get $c) (i32.const 34))
                  (then
                    (if (i32.eq (local.get $pos) (local.get $fieldStart))
                      (then (local.set $inQuote (i32.const 1))))
                    (br $specialLoop)))
                ;; LF: the record ends here; a CR just before it belongs to the terminator
                (local.set $fieldEnd (local.get $pos))
                (if (i32.gt_u (local.get $pos) (local.get $fieldStart))
                  (then
                    (if (i32.eq (i32.load8_u (i32.sub (local.get $pos) (i32.const 1))) (i32.const 13))
                      (then (local.set $fieldEnd (i32.sub (local.get $pos) (i32.const 1)))))))
                (if (i32.gt_u (i32.add (local.get $recOut) (i32.shl (i32.add (local.get $nF) (i32.const 5)) (i32.const 2)))
                              (local.get $outEnd))
                  (then
                    (global.set $next (local.get $recStart))
                    (return (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))))
                (i32.store (i32.add (local.get $recOut) (i32.shl (i32.add (local.get $nF) (i32.const 4)) (i32.const 2)))
                           (local.get $fieldEnd))
                (local.set $nF (i32.add (local.get $nF) (i32.const 1)))
                (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
                (i32.store (local.get $recOut) (local.get $recStart))
                (i32.store offset=4 (local.get $recOut) (local.get $nF))
                (i32.store offset=8 (local.get $recOut) (i32.add (local.get $pos) (i32.const 1)))
                (i32.store offset=12 (local.get $recOut)
                  (i32.or (local.get $lines) (i32.shl (local.get $high) (i32.const 20))))
                (local.set $recOut (i32.add (local.get $recOut) (i32.shl (i32.add (local.get $nF) (i32.const 4)) (i32.const 2))))
                (local.set $recStart (i32.add (local.get $pos) (i32.const 1)))
                (local.set $fieldStart (local.get $recStart))
                (local.set $nF (i32.const 0))
                (local.set $lines (i32.const 0))
                (local.set $high (i32.const 0))
                (local.set $firstNl (i32.const -1))
                (br $specialLoop))

              ;; $error: emit a bad record for [recStart, resync) and restart the scan at resync
              (if (i32.ge_s (local.get $firstNl) (i32.const 0))
                (then (local.set $resync (i32.add (local.get $firstNl) (i32.const 1))))
                (else
                  (local.set $resync (i32.const -1))
                  (local.set $q (local.get $errPos))
                  (block $found
                    (loop $seek
                      (br_if $found (i32.ge_u (local.get $q) (local.get $end)))
                      (if (i32.eq (i32.load8_u (local.get $q)) (i32.const 10))
                        (then (local.set $resync (i32.add (local.get $q) (i32.const 1))) (br $found)))
                      (local.set $q (i32.add (local.get $q) (i32.const 1)))
                      (br $seek)))
                  (if (i32.lt_s (local.get $resync) (i32.const 0))
                    (then
                      (if (i32.eqz (local.get $final))
                        (then
                          (global.set $next (local.get $recStart))
                          (return (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))))
                      (local.set $resync (local.get $end))))))
              (if (i32.gt_u (i32.add (local.get $recOut) (i32.const 20)) (local.get $outEnd))
                (then
                  (global.set $next (local.get $recStart))
                  (return (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))))
              (i32.store (local.get $recOut) (local.get $recStart))
              (i32.store offset=4 (local.get $recOut) (i32.sub (i32.const 0) (local.get $code)))
              (i32.store offset=8 (local.get $recOut) (local.get $resync))
              (i32.store offset=12 (local.get $recOut)
                (i32.eq (i32.load8_u (i32.sub (local.get $resync) (i32.const 1))) (i32.const 10)))
              (i32.store offset=16 (local.get $recOut) (local.get $errPos))
              (local.set $recOut (i32.add (local.get $recOut) (i32.const 20)))
              (local.set $recStart (local.get $resync))
              (local.set $fieldStart (local.get $resync))
              (local.set $inQuote (i32.const 0))
              (local.set $nF (i32.const 0))
              (local.set $lines (i32.const 0))
              (local.set $high (i32.const 0))
              (local.set $firstNl (i32.const -1))
              (local.set $skipUntil (i32.const 0))
              (local.set $p (local.get $resync))
              (br $blocks)))
          (local.set $p (local.get $next))
          (br $blocks)))

      ;; all bytes up to `end` seen
      (if (i32.and (local.get $final) (i32.lt_u (local.get $recStart) (local.get $end)))
        (then
          (if (local.get $inQuote)
            (then
              ;; unterminated quote at the end of the input
              (if (i32.ge_s (local.get $firstNl) (i32.const 0))
                (then (local.set $resync (i32.add (local.get $firstNl) (i32.const 1))))
                (else (local.set $resync (local.get $end))))
              (if (i32.gt_u (i32.add (local.get $recOut) (i32.const 20)) (local.get $outEnd))
                (then
                  (global.set $next (local.get $recStart))
                  (return (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))))
              (i32.store (local.get $recOut) (local.get $recStart))
              (i32.store offset=4 (local.get $recOut) (i32.const -2))
              (i32.store offset=8 (local.get $recOut) (local.get $resync))
              (i32.store offset=12 (local.get $recOut)
                (i32.ge_s (local.get $firstNl) (i32.const 0)))
              (i32.store offset=16 (local.get $recOut) (local.get $end))
              (local.set $recOut (i32.add (local.get $recOut) (i32.const 20)))
              (local.set $recStart (local.get $resync))
              (local.set $fieldStart (local.get $resync))
              (local.set $inQuote (i32.const 0))
              (local.set $nF (i32.const 0))
              (local.set $lines (i32.const 0))
              (local.set $high (i32.const 0))
              (local.set $firstNl (i32.const -1))
              (local.set $skipUntil (i32.const 0))
              (local.set $p (local.get $resync))
              (br $main))
            (else
              ;; the last record has no LF: it ends with the input
              (if (i32.gt_u (i32.add (local.get $recOut) (i32.shl (i32.add (local.get $nF) (i32.const 5)) (i32.const 2)))
                            (local.get $outEnd))
                (then
                  (global.set $next (local.get $recStart))
                  (return (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))))
              (i32.store (i32.add (local.get $recOut) (i32.shl (i32.add (local.get $nF) (i32.const 4)) (i32.const 2)))
                         (local.get $end))
              (local.set $nF (i32.add (local.get $nF) (i32.const 1)))
              (i32.store (local.get $recOut) (local.get $recStart))
              (i32.store offset=4 (local.get $recOut) (local.get $nF))
              (i32.store offset=8 (local.get $recOut) (local.get $end))
              (i32.store offset=12 (local.get $recOut)
                (i32.or (local.get $lines) (i32.shl (local.get $high) (i32.const 20))))
              (local.set $recOut (i32.add (local.get $recOut) (i32.shl (i32.add (local.get $nF) (i32.const 4)) (i32.const 2))))
              (local.set $recStart (local.get $end)))))))

    (global.set $next (local.get $recStart))
    (i32.shr_u (i32.sub (local.get $recOut) (local.get $outBase)) (i32.const 2)))

  ;; ---------------------------------------------------------------------------------------------
  ;; Timestamps, in bulk, for records `scan` just framed.
  ;;
  ;; times(from, stop, out, col0, col1): for each record entry in [from, stop) of the output area,
  ;; writes two i32 at out (8 bytes per entry, bad entries included): the epoch seconds of cell
  ;; col0 and of cell col1, or -2 where this fast path does not decide and JavaScript parses the
  ;; cell itself (src/parse/time.ts is the reference; the property test holds the two equal).
  ;; The fast path takes `YYYY-MM-DD HH:MM:SS` with a space or `T`, then nothing, `Z`, `+HH`,
  ;; `+HHMM` or `+HH:MM`, for years 1970-2037 (the result fits an i32). Column 0 and missing cells
  ;; are -2: the reader may skip a BOM or NULs at a record's start, which the words do not show.
  (func $d2 (param $p i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
    (local.set $b (i32.sub (i32.load8_u offset=1 (local.get $p)) (i32.const 48)))
    (if (result i32) (i32.or (i32.gt_u (local.get $a) (i32.const 9)) (i32.gt_u (local.get $b) (i32.const 9)))
      (then (i32.const -100000))
      (else (i32.add (i32.mul (local.get $a) (i32.const 10)) (local.get $b)))))

  (func $stamp (param $a i32) (param $b i32) (result i32)
    (local $len i32) (local $c i32) (local $y i32) (local $m i32) (local $d i32) (local $h i32)
    (local $mi i32) (local $s i32) (local $off i32) (local $oh i32) (local $om i32) (local $dim i32)
    (local $yy i32) (local $era i32) (local $yoe i32) (local $mp i32) (local $days i32) (local $t i32)
    (local.set $len (i32.sub (local.get $b) (local.get $a)))
    (if (i32.lt_s (local.get $len) (i32.const 19)) (then (return (i32.const -2))))
    (local.set $c (i32.load8_u offset=10 (local.get $a)))
    (if (i32.eqz (i32.and
          (i32.and (i32.eq (i32.load8_u offset=4 (local.get $a)) (i32.const 45))
                   (i32.eq (i32.load8_u offset=7 (local.get $a)) (i32.const 45)))
          (i32.and (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 84)))
                   (i32.and (i32.eq (i32.load8_u offset=13 (local.get $a)) (i32.const 58))
                            (i32.eq (i32.load8_u offset=16 (local.get $a)) (i32.const 58))))))
      (then (return (i32.const -2))))
    (local.set $y (i32.add (i32.mul (call $d2 (local.get $a)) (i32.const 100))
                           (call $d2 (i32.add (local.get $a) (i32.const 2)))))
    (local.set $m (call $d2 (i32.add (local.get $a) (i32.const 5))))
    (local.set $d (call $d2 (i32.add (local.get $a) (i32.const 8))))
    (local.set $h (call $d2 (i32.add (local.get $a) (i32.const 11))))
    (local.set $mi (call $d2 (i32.add (local.get $a) (i32.const 14))))
    (local.set $s (call $d2 (i32.add (local.get $a) (i32.const 17))))
    ;; 1970-2037: a year divisible by 4 is a leap year (2000 is one)
    (local.set $dim
      (if (result i32) (i32.eq (local.get $m) (i32.const 2))
        (then (i32.add (i32.const 28) (i32.eqz (i32.and (local.get $y) (i32.const 3)))))
        (else (i32.add (i32.const 30)
                       (i32.and (i32.add (local.get $m) (i32.shr_u (local.get $m) (i32.const 3))) (i32.const 1))))))
    (if (i32.or
          (i32.or (i32.gt_u (i32.sub (local.get $y) (i32.const 1970)) (i32.const 67))
                  (i32.gt_u (i32.sub (local.get $m) (i32.const 1)) (i32.const 11)))
          (i32.or
            (i32.or (i32.gt_u (i32.sub (local.get $d) (i32.const 1)) (i32.sub (local.get $dim) (i32.const 1)))
                    (i32.gt_u (local.get $h) (i32.const 23)))
            (i32.or (i32.gt_u (local.get $mi) (i32.const 59)) (i32.gt_u (local.get $s) (i32.const 60)))))
      (then (return (i32.const -2))))
    (if (i32.eq (local.get $s) (i32.const 60)) (then (local.set $s (i32.const 59))))
    (local.set $off (i32.const 0))
    (if (i32.gt_s (local.get $len) (i32.const 19))
      (then
        (local.set $c (i32.load8_u offset=19 (local.get $a)))
        (if (i32.and (i32.eq (local.get $len) (i32.const 20)) (i32.eq (local.get $c) (i32.const 90)))
          (then)
          (else
            (if (i32.eqz (i32.or (i32.eq (local.get $c) (i32.const 43)) (i32.eq (local.get $c) (i32.const 45))))
              (then (return (i32.const -2))))
            (local.set $oh (call $d2 (i32.add (local.get $a) (i32.const 20))))
            (local.set $om (i32.const 0))
            (if (i32.eq (local.get $len) (i32.const 24))
              (then (local.set $om (call $d2 (i32.add (local.get $a) (i32.const 22)))))
              (else
                (if (i32.and (i32.eq (local.get $len) (i32.const 25))
                             (i32.eq (i32.load8_u offset=22 (local.get $a)) (i32.const 58)))
                  (then (local.set $om (call $d2 (i32.add (local.get $a) (i32.const 23)))))
                  (else (if (i32.ne (local.get $len) (i32.const 22)) (then (return (i32.const -2))))))))
            (if (i32.or (i32.gt_u (local.get $oh) (i32.const 18)) (i32.gt_u (local.get $om) (i32.const 59)))
              (then (return (i32.const -2))))
            (local.set $off (i32.add (i32.mul (local.get $oh) (i32.const 3600)) (i32.mul (local.get $om) (i32.const 60))))
            (if (i32.eq (local.get $c) (i32.const 45)) (then (local.set $off (i32.sub (i32.const 0) (local.get $off)))))))))
    ;; days from 1970-01-01 (H. Hinnant's days_from_civil, all operands positive here)
    (local.set $yy (i32.sub (local.get $y) (i32.le_u (local.get $m) (i32.const 2))))
    (local.set $era (i32.div_u (local.get $yy) (i32.const 400)))
    (local.set $yoe (i32.sub (local.get $yy) (i32.mul (local.get $era) (i32.const 400))))
    (local.set $mp (if (result i32) (i32.gt_u (local.get $m) (i32.const 2))
      (then (i32.sub (local.get $m) (i32.const 3)))
      (else (i32.add (local.get $m) (i32.const 9)))))
    (local.set $days (i32.sub
      (i32.add (i32.mul (local.get $era) (i32.const 146097))
        (i32.add
          (i32.sub (i32.add (i32.mul (local.get $yoe) (i32.const 365)) (i32.div_u (local.get $yoe) (i32.const 4)))
                   (i32.div_u (local.get $yoe) (i32.const 100)))
          (i32.sub (i32.add (i32.div_u (i32.add (i32.mul (local.get $mp) (i32.const 153)) (i32.const 2)) (i32.const 5))
                            (local.get $d))
                   (i32.const 1))))
      (i32.const 719468)))
    (local.set $t (i32.sub
      (i32.add (i32.mul (local.get $days) (i32.const 86400))
        (i32.add (i32.add (i32.mul (local.get $h) (i32.const 3600)) (i32.mul (local.get $mi) (i32.const 60)))
                 (local.get $s)))
      (local.get $off)))
    (if (result i32) (i32.lt_s (local.get $t) (i32.const 0)) (then (i32.const -2)) (else (local.get $t))))

  ;; Timestamps repeat their first 16 bytes (to the minute) and their offset from record to record,
  ;; so each of the two columns keeps the last one it parsed at timeCache + 32 * slot: bytes 0-7
  ;; and 8-15 (i64), the bytes after the seconds (i64, zero-padded), the length, and the value at
  ;; second 0. A cell that matches all of that and has ':' and two digits where the seconds go is
  ;; that value plus its seconds (the date, time and offset were checked when it was parsed).
  (global $timeCache (export "timeCache") (mut i32) (i32.const 0))

  (func $cachedStamp (param $a i32) (param $b i32) (param $slot i32) (result i32)
    (local $c i32) (local $len i32) (local $tail i64) (local $s i32) (local $t i32)
    (local.set $c (i32.add (global.get $timeCache) (i32.shl (local.get $slot) (i32.const 5))))
    (local.set $len (i32.sub (local.get $b) (local.get $a)))
    (if (i32.or (i32.lt_s (local.get $len) (i32.const 19)) (i32.gt_s (local.get $len) (i32.const 25)))
      (then (return (i32.const -2))))
    (local.set $tail (call $word (i32.add (local.get $a) (i32.const 19)) (i32.sub (local.get $len) (i32.const 19)) (i32.const 0)))
    (if (i32.and
          (i32.and (i32.eq (i32.load offset=24 (local.get $c)) (local.get $len))
                   (i64.eq (i64.load offset=16 (local.get $c)) (local.get $tail)))
          (i32.and (i64.eq (i64.load (local.get $c)) (i64.load align=1 (local.get $a)))
                   (i64.eq (i64.load offset=8 (local.get $c)) (i64.load offset=8 align=1 (local.get $a)))))
      (then
        (if (i32.eq (i32.load8_u offset=16 (local.get $a)) (i32.const 58))
          (then
            (local.set $s (call $d2 (i32.add (local.get $a) (i32.const 17))))
            (if (i32.le_u (local.get $s) (i32.const 60))
              (then (return (i32.add (i32.load offset=28 (local.get $c))
                (select (i32.const 59) (local.get $s) (i32.eq (local.get $s) (i32.const 60)))))))))))
    (local.set $t (call $stamp (local.get $a) (local.get $b)))
    (if (i32.ge_s (local.get $t) (i32.const 0))
      (then
        (local.set $s (call $d2 (i32.add (local.get $a) (i32.const 17))))
        (i64.store (local.get $c) (i64.load align=1 (local.get $a)))
        (i64.store offset=8 (local.get $c) (i64.load offset=8 align=1 (local.get $a)))
        (i64.store offset=16 (local.get $c) (local.get $tail))
        (i32.store offset=24 (local.get $c) (local.get $len))
        (i32.store offset=28 (local.get $c)
          (i32.sub (local.get $t) (select (i32.const 59) (local.get $s) (i32.eq (local.get $s) (i32.const 60)))))))
    (local.get $t))

  ;; The time in cell `col` of the good record at `rec` with `n` fields, or -2.
  (func $cellTime (param $rec i32) (param $n i32) (param $col i32) (param $slot i32) (result i32)
    (local $at i32)
    (if (i32.or (i32.le_s (local.get $col) (i32.const 0)) (i32.ge_s (local.get $col) (local.get $n)))
      (then (return (i32.const -2))))
    (local.set $at (i32.add (local.get $rec) (i32.shl (local.get $col) (i32.const 2))))
    (call $cachedStamp (i32.add (i32.load offset=12 (local.get $at)) (i32.const 1)) (i32.load offset=16 (local.get $at))
      (local.get $slot)))

  (func (export "times")
    (param $from i32) (param $stop i32) (param $out i32) (param $col0 i32) (param $col1 i32)
    (local $rec i32) (local $n i32)
    (local.set $rec (local.get $from))
    (block $done
      (loop $records
        (br_if $done (i32.ge_u (local.get $rec) (local.get $stop)))
        (local.set $n (i32.load offset=4 (local.get $rec)))
        (if (i32.lt_s (local.get $n) (i32.const 0))
          (then
            (i32.store (local.get $out) (i32.const -2))
            (i32.store offset=4 (local.get $out) (i32.const -2))
            (local.set $rec (i32.add (local.get $rec) (i32.const 20))))
          (else
            (i32.store (local.get $out) (call $cellTime (local.get $rec) (local.get $n) (local.get $col0) (i32.const 0)))
            (i32.store offset=4 (local.get $out) (call $cellTime (local.get $rec) (local.get $n) (local.get $col1) (i32.const 1)))
            (local.set $rec (i32.add (local.get $rec) (i32.shl (i32.add (local.get $n) (i32.const 4)) (i32.const 2))))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $records))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Key cells interned in bulk, for records `scan` just framed.
  ;;
  ;; keys(from, stop, out, col0, mode0, col1, mode1): for each record entry in [from, stop), writes
  ;; two i32 at out (8 bytes per entry): the id of cell col0's value in interner 0 and of cell
  ;; col1's in interner 1, or -2 where JavaScript must look at the cell itself: column 0, a missing
  ;; or quoted cell, an empty cell in mode 1, or a full interner. Ids are 0, 1, 2... in order of
  ;; first sight, per interner, for the life of the module's memory.
  ;; Mode 0 takes the cell's bytes as they are; mode 1 takes what follows the cell's last '@'
  ;; (nothing when it has none) with ASCII letters in lower case: a recipient's domain.
  ;;
  ;; Interner s lives at keyBase + s * 0x1B0000: a header (entries, pool bytes used), a table of
  ;; 65,536 slots (entry + 1, 0 = empty), 32,768 entries of (hash, pool offset, length), and a
  ;; 1 MiB pool of the values' bytes (as interned: lower case in mode 1).
  (global $keyBase (export "keyBase") (mut i32) (i32.const 0))

  ;; Up to 8 bytes at $p as an i64 (the bytes from $p + $left on are zeroed), ASCII letters in
  ;; lower case when $lower (SWAR: a byte gets 0x20 when it is in 'A'..'Z').
  (func $word (param $p i32) (param $left i32) (param $lower i32) (result i64)
    (local $w i64)
    (local.set $w (i64.load align=1 (local.get $p)))
    (if (i32.lt_u (local.get $left) (i32.const 8))
      (then (local.set $w (i64.and (local.get $w)
        (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $left) (i32.const 3)))) (i64.const 1))))))
    (if (result i64) (local.get $lower) (then (call $lower (local.get $w))) (else (local.get $w))))

  ;; ASCII letters of a word in lower case (SWAR: a byte gets 0x20 when it is in 'A'..'Z').
  (func $lower (param $w i64) (result i64)
    (local $h i64) (local $up i64)
    (local.set $h (i64.and (local.get $w) (i64.const 0x7f7f7f7f7f7f7f7f)))
    (local.set $up (i64.and
      (i64.and (i64.add (local.get $h) (i64.const 0x3f3f3f3f3f3f3f3f))
               (i64.xor (i64.add (local.get $h) (i64.const 0x2525252525252525)) (i64.const -1)))
      (i64.and (i64.xor (local.get $w) (i64.const -1)) (i64.const 0x8080808080808080))))
    (i64.or (local.get $w) (i64.shr_u (local.get $up) (i64.const 2))))

  (func $intern (param $slot i32) (param $rec i32) (param $n i32) (param $col i32) (param $mode i32) (result i32)
    (local $at i32) (local $a i32) (local $b i32) (local $i i32) (local $m i32) (local $h i32)
    (local $len i32) (local $region i32) (local $table i32) (local $entries i32) (local $pool i32)
    (local $probe i32) (local $e i32) (local $ep i32) (local $off i32) (local $count i32) (local $used i32)
    (local $x i64) (local $q i32) (local $w0 i64) (local $w1 i64) (local $m0 i64) (local $m1 i64)
    (if (i32.or (i32.le_s (local.get $col) (i32.const 0)) (i32.ge_s (local.get $col) (local.get $n)))
      (then (return (i32.const -2))))
    (local.set $at (i32.add (local.get $rec) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a (i32.add (i32.load offset=12 (local.get $at)) (i32.const 1)))
    (local.set $b (i32.load offset=16 (local.get $at)))
    (if (i32.lt_u (local.get $a) (local.get $b))
      (then (if (i32.eq (i32.load8_u (local.get $a)) (i32.const 34)) (then (return (i32.const -2))))))
    (if (local.get $mode)
      (then
        (if (i32.ge_u (local.get $a) (local.get $b)) (then (return (i32.const -2))))
        ;; the last '@' in [a, b), 16 bytes at a time from the end; none: the domain is empty
        (local.set $i (local.get $b))
        (local.set $q (local.get $b))
        (block $found
          (loop $back
            (br_if $found (i32.le_u (local.get $i) (local.get $a)))
            (if (i32.lt_u (local.get $i) (i32.const 16))
              (then
                (local.set $i (i32.sub (local.get $i) (i32.const 1)))
                (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 64))
                  (then (local.set $q (i32.add (local.get $i) (i32.const 1))) (br $found)))
                (br $back)))
            (local.set $i (i32.sub (local.get $i) (i32.const 16)))
            (local.set $m (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $i))
              (v128.const i8x16 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64))))
            (if (i32.lt_u (local.get $i) (local.get $a))
              (then (local.set $m (i32.and (local.get $m)
                (i32.xor (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $a) (local.get $i))) (i32.const 1)) (i32.const -1))))))
            (if (local.get $m)
              (then
                (local.set $q (i32.add (i32.add (local.get $i) (i32.sub (i32.const 31) (i32.clz (local.get $m)))) (i32.const 1)))
                (br $found)))
            (br $back)))
        (local.set $a (local.get $q))))
    ;; the value's first 16 bytes as two words (zeroed past its end), hashed and compared in place:
    ;; IPs and most domains are no longer, and a call per 8 bytes was most of the cost
    (local.set $len (i32.sub (local.get $b) (local.get $a)))
    ;; masks of the bytes of each word that belong to the value
    (local.set $m0 (i64.const -1))
    (local.set $m1 (i64.const 0))
    (if (i32.lt_u (local.get $len) (i32.const 8))
      (then (local.set $m0 (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $len) (i32.const 3)))) (i64.const 1))))
      (else
        (local.set $m1 (i64.const -1))
        (if (i32.lt_u (local.get $len) (i32.const 16))
          (then (local.set $m1 (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (i32.sub (local.get $len) (i32.const 8)) (i32.const 3)))) (i64.const 1)))))))
    (local.set $w0 (i64.and (i64.load align=1 (local.get $a)) (local.get $m0)))
    (local.set $w1 (i64.and (i64.load offset=8 align=1 (local.get $a)) (local.get $m1)))
    (if (local.get $mode)
      (then
        (local.set $w0 (call $lower (local.get $w0)))
        (local.set $w1 (call $lower (local.get $w1)))))
    ;; hash 8 bytes at a time (a multiply-xorshift mix), folded to 32 bits
    (local.set $x (i64.mul (i64.xor (i64.extend_i32_u (local.get $len)) (local.get $w0)) (i64.const 0x9E3779B97F4A7C15)))
    (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 29))))
    (if (i32.gt_u (local.get $len) (i32.const 8))
      (then
        (local.set $x (i64.mul (i64.xor (local.get $x) (local.get $w1)) (i64.const 0x9E3779B97F4A7C15)))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 29))))))
    (local.set $i (i32.const 16))
    (block $hashed
      (loop $hash
        (br_if $hashed (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $x (i64.mul
          (i64.xor (local.get $x)
            (call $word (i32.add (local.get $a) (local.get $i)) (i32.sub (local.get $len) (local.get $i)) (local.get $mode)))
          (i64.const 0x9E3779B97F4A7C15)))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 29))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $hash)))
    (local.set $h (i32.wrap_i64 (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 32)))))
    (local.set $region (i32.add (global.get $keyBase) (i32.mul (local.get $slot) (i32.const 0x1B0000))))
    (local.set $table (i32.add (local.get $region) (i32.const 16)))
    (local.set $entries (i32.add (local.get $table) (i32.const 0x40000)))
    (local.set $pool (i32.add (local.get $entries) (i32.const 0x60000)))
    (local.set $probe (i32.and (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0xffff)))
    (block $miss
      (loop $probing
        (local.set $e (i32.load (i32.add (local.get $table) (i32.shl (local.get $probe) (i32.const 2)))))
        (br_if $miss (i32.eqz (local.get $e)))
        (local.set $ep (i32.add (local.get $entries) (i32.mul (i32.sub (local.get $e) (i32.const 1)) (i32.const 12))))
        (if (i32.and (i32.eq (i32.load (local.get $ep)) (local.get $h))
                     (i32.eq (i32.load offset=8 (local.get $ep)) (local.get $len)))
          (then
            (local.set $off (i32.add (local.get $pool) (i32.load offset=4 (local.get $ep))))
            ;; the pool holds values as interned (folded in mode 1): its words need only the mask
            (block $differs
              (br_if $differs (i64.ne (local.get $w0) (i64.and (i64.load align=1 (local.get $off)) (local.get $m0))))
              (if (i32.gt_u (local.get $len) (i32.const 8))
                (then (br_if $differs (i64.ne (local.get $w1) (i64.and (i64.load offset=8 align=1 (local.get $off)) (local.get $m1))))))
              (local.set $i (i32.const 16))
              (loop $compare
                (if (i32.ge_u (local.get $i) (local.get $len))
                  (then (return (i32.sub (local.get $e) (i32.const 1)))))
                (br_if $differs (i64.ne
                  (call $word (i32.add (local.get $a) (local.get $i)) (i32.sub (local.get $len) (local.get $i)) (local.get $mode))
                  (call $word (i32.add (local.get $off) (local.get $i)) (i32.sub (local.get $len) (local.get $i)) (i32.const 0))))
                (local.set $i (i32.add (local.get $i) (i32.const 8)))
                (br $compare)))))
        (local.set $probe (i32.and (i32.add (local.get $probe) (i32.const 1)) (i32.const 0xffff)))
        (br $probing)))
    ;; new value: add it, when there is room
    (local.set $count (i32.load (local.get $region)))
    (local.set $used (i32.load offset=4 (local.get $region)))
    (if (i32.or (i32.ge_u (local.get $count) (i32.const 32768))
                (i32.gt_u (i32.add (local.get $used) (local.get $len)) (i32.const 0x100000)))
      (then (return (i32.const -2))))
    (local.set $ep (i32.add (local.get $entries) (i32.mul (local.get $count) (i32.const 12))))
    (i32.store (local.get $ep) (local.get $h))
    (i32.store offset=4 (local.get $ep) (local.get $used))
    (i32.store offset=8 (local.get $ep) (local.get $len))
    (local.set $off (i32.add (local.get $pool) (local.get $used)))
    (local.set $i (i32.const 0))
    (block $copied
      (loop $copy
        (br_if $copied (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $m (i32.load8_u (i32.add (local.get $a) (local.get $i))))
        (if (i32.and (local.get $mode) (i32.lt_u (i32.sub (local.get $m) (i32.const 65)) (i32.const 26)))
          (then (local.set $m (i32.or (local.get $m) (i32.const 32)))))
        (i32.store8 (i32.add (local.get $off) (local.get $i)) (local.get $m))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (i32.store (i32.add (local.get $table) (i32.shl (local.get $probe) (i32.const 2))) (i32.add (local.get $count) (i32.const 1)))
    (i32.store (local.get $region) (i32.add (local.get $count) (i32.const 1)))
    (i32.store offset=4 (local.get $region) (i32.add (local.get $used) (local.get $len)))
    (local.get $count))

  (func (export "keys")
    (param $from i32) (param $stop i32) (param $out i32)
    (param $col0 i32) (param $mode0 i32) (param $col1 i32) (param $mode1 i32)
    (local $rec i32) (local $n i32)
    (local.set $rec (local.get $from))
    (block $done
      (loop $records
        (br_if $done (i32.ge_u (local.get $rec) (local.get $stop)))
        (local.set $n (i32.load offset=4 (local.get $rec)))
        (if (i32.lt_s (local.get $n) (i32.const 0))
          (then
            (i32.store (local.get $out) (i32.const -2))
            (i32.store offset=4 (local.get $out) (i32.const -2))
            (local.set $rec (i32.add (local.get $rec) (i32.const 20))))
          (else
            (i32.store (local.get $out)
              (call $intern (i32.const 0) (local.get $rec) (local.get $n) (local.get $col0) (local.get $mode0)))
            (i32.store offset=4 (local.get $out)
              (call $intern (i32.const 1) (local.get $rec) (local.get $n) (local.get $col1) (local.get $mode1)))
            (local.set $rec (i32.add (local.get $rec) (i32.shl (i32.add (local.get $n) (i32.const 4)) (i32.const 2))))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $records))))
)
