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
)
