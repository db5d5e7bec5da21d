//! `yielding::io` against a naive reference: the whole input split at once with the
//! standard library's `split` / `split_inclusive`, compared with what the reader gives
//! when it sees the input through a buffer of 1, 2, 3 or a random number of bytes, from a
//! source that returns short reads at random boundaries (and `Interrupted` now and then),
//! for every combination of options and every way of reading, with and without a line
//! limit and an I/O error part-way.

#![cfg(feature = "io")]

use proptest::prelude::*;
use yielding::io::{DEFAULT_MAX_LINE_LEN, Newline, ReadOptions, Terminator};

#[path = "support/line_reference.rs"]
mod line_reference;
use line_reference::{Chunked, FORMS, actual, buffer_bound, expected, reference_pieces};

const NEWLINES: [Newline; 5] = [
    Newline::Universal,
    Newline::LF,
    Newline::Byte(0),
    Newline::Byte(b'\r'),
    // A delimiter that is not ASCII may split a UTF-8 sequence between records.
    Newline::Byte(0xA9),
];

const TERMINATORS: [Terminator; 3] = [Terminator::Translate, Terminator::Keep, Terminator::Strip];

fn check(
    data: &[u8],
    chunks: &[usize],
    random_buffer: usize,
    max_line_len: usize,
    fail_at: Option<usize>,
) {
    for buffer_size in [1, 2, 3, random_buffer] {
        for newline in NEWLINES {
            for terminator in TERMINATORS {
                let options = ReadOptions::new()
                    .newline(newline)
                    .terminator(terminator)
                    .buffer_size(buffer_size)
                    .max_line_len(max_line_len);
                let bound = buffer_bound(data, newline, buffer_size, max_line_len);
                for form in FORMS {
                    let source = Chunked {
                        data,
                        pos: 0,
                        chunks,
                        call: 0,
                        fail_at,
                    };
                    // Never more items than bytes, plus the errors at the end.
                    let got = actual(options.reader(source), form, bound, data.len() + 4);
                    let want = expected(data, newline, terminator, max_line_len, form, fail_at);
                    assert_eq!(
                        got, want,
                        "data {data:?}, chunks {chunks:?}, buffer {buffer_size}, {newline:?}, \
                         {terminator:?}, limit {max_line_len}, {form:?}, fail at {fail_at:?}"
                    );
                }
            }
        }
    }
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => Just(b'a'),
        2 => Just(b'b'),
        3 => Just(b'\n'),
        3 => Just(b'\r'),
        1 => Just(0u8),
        1 => Just(0xC3), // with 0xA9: "é"
        1 => Just(0xA9),
        1 => Just(0xFF), // never valid UTF-8
    ];
    prop::collection::vec(byte, 0..48)
}

fn max_line_len() -> impl Strategy<Value = usize> {
    prop_oneof![2 => Just(DEFAULT_MAX_LINE_LEN), 2 => 0usize..8, 1 => Just(usize::MAX)]
}

proptest! {
    /// The reader equals the whole-input split, for every option and way of reading.
    #[test]
    fn reader_matches_reference_split(
        data in input(),
        chunks in prop::collection::vec(0usize..8, 1..12)
            .prop_filter("at least one non-empty read", |c| c.iter().any(|&n| n > 0)),
        random_buffer in 4usize..80,
        max_line_len in max_line_len(),
    ) {
        check(&data, &chunks, random_buffer, max_line_len, None);
    }

    /// The same with an I/O error part-way: every line certain before it, then the error
    /// (naming the line and the offset reached), then nothing.
    #[test]
    fn reader_matches_reference_split_until_io_error(
        data in input(),
        chunks in prop::collection::vec(0usize..8, 1..12)
            .prop_filter("at least one non-empty read", |c| c.iter().any(|&n| n > 0)),
        random_buffer in 4usize..80,
        max_line_len in max_line_len(),
        fail_fraction in 0.0f64..=1.0,
    ) {
        let fail_at = ((data.len() as f64) * fail_fraction) as usize;
        check(&data, &chunks, random_buffer, max_line_len, Some(fail_at.min(data.len())));
    }
}

/// The reference itself, on cases worked by hand (and checked against Python).
#[test]
fn reference_splitter_is_right() {
    let lines = |data: &[u8], newline| -> Vec<Vec<u8>> {
        reference_pieces(data, newline)
            .into_iter()
            .map(|p| data[p.start..p.end].to_vec())
            .collect()
    };
    // Python: open(f, newline='').readlines() on b"a\r\nb\rc\nd"
    assert_eq!(
        lines(b"a\r\nb\rc\nd", Newline::Universal),
        [&b"a\r\n"[..], b"b\r", b"c\n", b"d"]
    );
    assert_eq!(
        lines(b"\r\r\n\n", Newline::Universal),
        [&b"\r"[..], b"\r\n", b"\n"]
    );
    assert_eq!(lines(b"", Newline::Universal), Vec::<Vec<u8>>::new());
    assert_eq!(lines(b"", Newline::LF), Vec::<Vec<u8>>::new());
    assert_eq!(lines(b"\n\n", Newline::LF), [&b"\n"[..], b"\n"]);
    assert_eq!(lines(b"a\nb", Newline::LF), [&b"a\n"[..], b"b"]);
    assert_eq!(
        lines(b"a\r\nb\rc\n", Newline::LF),
        [&b"a\r\n"[..], b"b\rc\n"]
    );
}
