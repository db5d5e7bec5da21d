//! `yielding::io` against a naive reference: the whole input split at once with the
//! standard library's `split` / `split_inclusive`, compared with what the reader gives
//! when it sees the input through a buffer of 1, 2, 3 or a random number of bytes, from a
//! source that returns short reads at random boundaries (and `Interrupted` now and then),
//! for every combination of options and every way of reading, with and without a line
//! limit and an I/O error part-way.

#![cfg(feature = "io")]

use std::io::{self, Read};

use proptest::prelude::*;
use yielding::io::{DEFAULT_MAX_LINE_LEN, ErrorKind, LineReader, Newline, ReadOptions, Terminator};

/// A source that gives `data` in short reads: the sizes cycle through `chunks`, where a 0
/// is an `Interrupted` error (which the reader must retry). With `fail_at`, every read
/// once `fail_at` bytes have been given fails.
struct Chunked<'a> {
    data: &'a [u8],
    pos: usize,
    chunks: &'a [usize],
    call: usize,
    fail_at: Option<usize>,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let chunk = self.chunks[self.call % self.chunks.len()];
        self.call += 1;
        if chunk == 0 {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        let limit = self.fail_at.unwrap_or(self.data.len());
        if self.pos >= limit {
            return match self.fail_at {
                Some(_) => Err(io::Error::other("injected failure")),
                None => Ok(0),
            };
        }
        let n = chunk.min(buf.len()).min(limit - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// One item of the output: a line, or an error reduced to what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item<T> {
    Line(T),
    Error {
        kind: ErrorKind,
        line: Option<u64>,
        offset: Option<u64>,
    },
}

fn error_item<T>(error: &yielding::io::Error) -> Item<T> {
    Item::Error {
        kind: error.kind(),
        line: error.line(),
        offset: error.offset(),
    }
}

#[path = "support/line_reference.rs"]
mod line_reference;
use line_reference::{FORMS, Form, presented, reference_pieces};

/// Every output is compared as bytes; text forms are converted with `into_bytes`.
type Output = Vec<Item<Vec<u8>>>;

fn expected(
    data: &[u8],
    newline: Newline,
    terminator: Terminator,
    max_line_len: usize,
    form: Form,
    fail_at: Option<usize>,
) -> Output {
    let visible = &data[..fail_at.unwrap_or(data.len())];
    let mut pieces = reference_pieces(visible, newline);
    // With a failure ahead, the last piece is only a line if its end is certain: it has a
    // terminator, and that terminator is not a `\r` that a `\n` might still follow.
    let mut unfinished = None;
    if fail_at.is_some() {
        if let Some(&last) = pieces.last() {
            let no_terminator = last.end == last.content_end;
            let trailing_cr = newline == Newline::Universal && visible[last.end - 1] == b'\r';
            if no_terminator || trailing_cr {
                unfinished = pieces.pop();
            }
        }
    }
    let mut out = Vec::new();
    for (i, &piece) in pieces.iter().enumerate() {
        let line = i as u64 + 1;
        if piece.content_end - piece.start > max_line_len {
            out.push(Item::Error {
                kind: ErrorKind::LineTooLong,
                line: Some(line),
                offset: Some(piece.start as u64),
            });
            continue;
        }
        let bytes = presented(visible, piece, newline, terminator);
        match form {
            Form::BorrowedBytes | Form::OwnedBytes => out.push(Item::Line(bytes)),
            Form::BorrowedStr | Form::OwnedStr => match std::str::from_utf8(&bytes) {
                Ok(_) => out.push(Item::Line(bytes)),
                Err(error) => out.push(Item::Error {
                    kind: ErrorKind::InvalidUtf8,
                    line: Some(line),
                    offset: Some((piece.start + error.valid_up_to()) as u64),
                }),
            },
            Form::BorrowedLossy | Form::OwnedLossy => {
                out.push(Item::Line(
                    String::from_utf8_lossy(&bytes).into_owned().into_bytes(),
                ));
            }
        }
    }
    if let Some(k) = fail_at {
        let line = pieces.len() as u64 + 1;
        if let Some(piece) = unfinished {
            // Known to be too long even unfinished: reported before the failing read.
            if piece.content_end - piece.start > max_line_len {
                out.push(Item::Error {
                    kind: ErrorKind::LineTooLong,
                    line: Some(line),
                    offset: Some(piece.start as u64),
                });
            }
        }
        out.push(Item::Error {
            kind: ErrorKind::Io,
            line: Some(line),
            offset: Some(k as u64),
        });
    }
    out
}

/// Reads everything in `form`, checking on the way that the buffer stays bounded, and
/// after the end that the reader stays ended.
fn actual<R: Read>(mut reader: LineReader<R>, form: Form, bound: usize) -> Output {
    let mut out = Vec::new();
    // Never more items than bytes, plus the errors at the end: a runaway loop is a failure.
    let limit = 1000;
    macro_rules! borrowed {
        ($next:ident, $to_bytes:expr) => {{
            loop {
                assert!(out.len() < limit, "runaway reader");
                match reader.$next() {
                    Ok(Some(line)) => out.push(Item::Line($to_bytes(line))),
                    Ok(None) => break,
                    Err(error) => {
                        let fatal = error.is_fatal();
                        out.push(error_item(&error));
                        if fatal {
                            // Ended cleanly: nothing more, ever.
                            assert!(matches!(reader.$next(), Ok(None)));
                            break;
                        }
                    }
                }
                assert!(
                    reader.buffer_capacity() <= bound,
                    "buffer grew past its bound"
                );
            }
            assert!(matches!(reader.$next(), Ok(None)), "not fused");
        }};
    }
    macro_rules! owned {
        ($iter:expr, $to_bytes:expr) => {{
            let mut iter = $iter;
            while let Some(item) = iter.next() {
                assert!(out.len() < limit, "runaway iterator");
                match item {
                    Ok(line) => out.push(Item::Line($to_bytes(line))),
                    Err(error) => out.push(error_item(&error)),
                }
                assert!(iter.get_ref().buffer_capacity() <= bound);
            }
            assert!(iter.next().is_none(), "not fused");
        }};
    }
    match form {
        Form::BorrowedBytes => borrowed!(next_line, |l: &[u8]| l.to_vec()),
        Form::BorrowedStr => borrowed!(next_str, |l: &str| l.as_bytes().to_vec()),
        Form::BorrowedLossy => borrowed!(next_str_lossy, |l: std::borrow::Cow<'_, str>| l
            .into_owned()
            .into_bytes()),
        Form::OwnedBytes => owned!(reader.into_byte_lines(), |l: Vec<u8>| l),
        Form::OwnedStr => owned!(reader.into_lines(), String::into_bytes),
        Form::OwnedLossy => owned!(reader.into_lines_lossy(), String::into_bytes),
    }
    out
}

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
                let longest = reference_pieces(data, newline)
                    .iter()
                    .map(|p| p.end - p.start)
                    .max()
                    .unwrap_or(0);
                // The buffer never exceeds its size, or twice the longest line (growth
                // doubles), or the line limit plus a `\r\n`.
                let bound =
                    buffer_size.max((2 * (longest + 2)).min(max_line_len.saturating_add(2)));
                for form in FORMS {
                    let source = Chunked {
                        data,
                        pos: 0,
                        chunks,
                        call: 0,
                        fail_at,
                    };
                    let got = actual(options.reader(source), form, bound);
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
