//! Transient read errors (issue 14, point 4): a `WouldBlock` or `TimedOut` from the source
//! is reported, keeps the partial line, and the next call goes on where the source
//! stopped, so that what the reader gives, the transient errors left out, is what it gives
//! without them: the naive reference split of the whole input (`support/line_reference.rs`).
//! Every other I/O error still ends the reader; `Interrupted` is still retried silently.
//!
//! Python, the oracle where it has one: `readline()` on a non-blocking binary stream
//! returns what it has and can be called again (CPython 3.11, a non-blocking pipe:
//! `b''` with nothing written, `b'par'` after "par", `b'tial\n'` after "tial\n"), so a
//! partial line looks like a last line and "nothing yet" like the end. Here both are an
//! error of kind `Transient` instead, and the line is given once it is whole.

#![cfg(feature = "io")]

use std::collections::VecDeque;
use std::io::{self, Read};

use proptest::prelude::*;
use yielding::io::{
    DEFAULT_MAX_LINE_LEN, Error, ErrorKind, LineReader, Newline, ReadOptions, Terminator,
};

#[path = "support/line_reference.rs"]
mod line_reference;
use line_reference::{FORMS, Form, Item, error_item, expected};

#[path = "support/proptest_config.rs"]
mod proptest_config;

/// One read of a [`Script`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Up to this many bytes (fewer if the reader offers less room: the rest is the next
    /// read's). Skipped once the data is all given, so that every scripted failure comes
    /// before the end.
    Give(usize),
    /// A read that fails with this kind, reading nothing (as `Read`'s contract says).
    Fail(io::ErrorKind),
}

/// A source that plays `steps`, then gives the rest of `data` in reads of `then` bytes,
/// then the end. It counts what it gave, and any read after the end or after a fatal
/// error (the reader must make neither).
#[derive(Debug)]
struct Script {
    data: Vec<u8>,
    given: usize,
    steps: VecDeque<Step>,
    then: usize,
    ended: bool,
    failed_fatally: bool,
    reads_after_end: usize,
}

impl Script {
    fn new(data: &[u8], steps: impl IntoIterator<Item = Step>, then: usize) -> Self {
        assert!(then > 0);
        Self {
            data: data.to_vec(),
            given: 0,
            steps: steps.into_iter().collect(),
            then,
            ended: false,
            failed_fatally: false,
            reads_after_end: 0,
        }
    }

    /// The data in reads of `chunk` bytes, each read preceded by `errors_before` failures
    /// of `kind`, and `errors_before` more before the end: a failure at every position.
    fn everywhere(data: &[u8], chunk: usize, kind: io::ErrorKind, errors_before: usize) -> Self {
        let mut steps = Vec::new();
        for _ in 0..data.len().div_ceil(chunk) {
            steps.extend(std::iter::repeat_n(Step::Fail(kind), errors_before));
            steps.push(Step::Give(chunk));
        }
        steps.extend(std::iter::repeat_n(Step::Fail(kind), errors_before));
        Self::new(data, steps, chunk)
    }

    /// The transient failures scripted: each must be reported exactly once.
    fn transient_steps(&self) -> usize {
        self.steps
            .iter()
            .filter(|step| matches!(step, Step::Fail(kind) if is_transient(*kind)))
            .count()
    }

    fn give(&mut self, want: usize, buf: &mut [u8]) -> usize {
        let n = want.min(buf.len()).min(self.data.len() - self.given);
        buf[..n].copy_from_slice(&self.data[self.given..self.given + n]);
        self.given += n;
        n
    }
}

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended || self.failed_fatally {
            self.reads_after_end += 1;
        }
        assert!(!buf.is_empty(), "the reader asked for nothing");
        while let Some(step) = self.steps.pop_front() {
            match step {
                Step::Fail(kind) => {
                    if !is_transient(kind) && kind != io::ErrorKind::Interrupted {
                        self.failed_fatally = true;
                    }
                    return Err(io::Error::from(kind));
                }
                Step::Give(_) if self.given == self.data.len() => {}
                Step::Give(want) => {
                    let n = self.give(want, buf);
                    if n < want && self.given < self.data.len() {
                        self.steps.push_front(Step::Give(want - n));
                    }
                    return Ok(n);
                }
            }
        }
        let n = self.give(self.then, buf);
        self.ended |= n == 0;
        Ok(n)
    }
}

/// The kinds this crate documents as transient.
fn is_transient(kind: io::ErrorKind) -> bool {
    matches!(kind, io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// What the reader gave, with the transient errors counted apart.
#[derive(Debug)]
struct Run {
    items: Vec<Item>,
    transient: usize,
}

/// Checks a transient error against the reader it came from, whose state must be as it
/// was before the failed call. `given` is how many bytes the source had given, when
/// known (for a plain source: with gzip the offsets count decompressed bytes).
fn check_transient<R: Read>(
    error: &Error,
    reader: &LineReader<R>,
    line_before: u64,
    given: Option<u64>,
    limited: bool,
) {
    assert_eq!(error.kind(), ErrorKind::Transient, "{error}");
    assert!(!error.is_fatal());
    let io_kind = error.io_error().expect("the source's error").kind();
    assert!(is_transient(io_kind), "{io_kind:?}");
    // Nothing consumed: no line counted.
    assert_eq!(
        reader.line_number(),
        line_before,
        "a failed read consumed a line"
    );
    // The line being read: the next, or (with a limit) the over-long one being skipped.
    let line = error.line().expect("a read error names its line");
    if limited {
        assert!(line == line_before || line == line_before + 1, "{error}");
    } else {
        assert_eq!(line, line_before + 1, "{error}");
    }
    if let Some(given) = given {
        assert_eq!(
            error.offset(),
            Some(given),
            "the offset is what had been read"
        );
    }
}

/// Reads everything in `form`, retrying after each transient error; gives the source back.
fn drain<R: Read>(
    reader: LineReader<R>,
    form: Form,
    given: impl Fn(&R) -> Option<u64>,
) -> (Run, R) {
    // With a line limit, a failure may come while an over-long line is skipped.
    let limited = *reader.options() != reader.options().max_line_len(DEFAULT_MAX_LINE_LEN);
    let mut items = Vec::new();
    let mut transient = 0;
    // A runaway loop is a failure, not a hang.
    let limit = 100_000;
    macro_rules! borrowed {
        ($reader:ident, $next:ident, $to_bytes:expr) => {{
            let mut $reader = $reader;
            loop {
                assert!(items.len() + transient < limit, "runaway reader");
                let line_before = $reader.line_number();
                let offset_before = $reader.offset();
                match $reader.$next() {
                    Ok(Some(line)) => items.push(Item::Line($to_bytes(line))),
                    Ok(None) => break,
                    Err(error) if error.kind() == ErrorKind::Transient => {
                        transient += 1;
                        let got = given($reader.get_ref());
                        check_transient(&error, &$reader, line_before, got, limited);
                        if !limited {
                            assert_eq!($reader.offset(), offset_before, "bytes consumed");
                        }
                    }
                    Err(error) => {
                        let fatal = error.is_fatal();
                        items.push(error_item(&error));
                        if fatal {
                            break;
                        }
                    }
                }
            }
            // Ended, whichever way: it stays ended.
            assert!(matches!($reader.$next(), Ok(None)), "not fused");
            $reader.into_inner()
        }};
    }
    macro_rules! owned {
        ($iter:expr, $to_bytes:expr) => {{
            let mut iter = $iter;
            loop {
                assert!(items.len() + transient < limit, "runaway iterator");
                let line_before = iter.get_ref().line_number();
                match iter.next() {
                    Some(Ok(line)) => items.push(Item::Line($to_bytes(line))),
                    None => break,
                    Some(Err(error)) if error.kind() == ErrorKind::Transient => {
                        transient += 1;
                        let reader = iter.get_ref();
                        let got = given(reader.get_ref());
                        check_transient(&error, reader, line_before, got, limited);
                    }
                    Some(Err(error)) => items.push(error_item(&error)),
                }
            }
            assert!(iter.next().is_none(), "not fused");
            iter.into_inner().into_inner()
        }};
    }
    let source = match form {
        Form::BorrowedBytes => borrowed!(reader, next_line, |l: &[u8]| l.to_vec()),
        Form::BorrowedStr => borrowed!(reader, next_str, |l: &str| l.as_bytes().to_vec()),
        Form::BorrowedLossy => borrowed!(reader, next_str_lossy, |l: std::borrow::Cow<'_, str>| l
            .into_owned()
            .into_bytes()),
        Form::OwnedBytes => owned!(reader.into_byte_lines(), |l: Vec<u8>| l),
        Form::OwnedStr => owned!(reader.into_lines(), String::into_bytes),
        Form::OwnedLossy => owned!(reader.into_lines_lossy(), String::into_bytes),
    };
    (Run { items, transient }, source)
}

/// Drains a reader over a plain [`Script`], and checks what only the script knows: every
/// transient failure reported once, and no read after the end or after a fatal error.
fn run_script(options: ReadOptions, script: Script, form: Form) -> Run {
    let scripted = script.transient_steps();
    let (run, script) = drain(options.reader(script), form, |s: &Script| {
        Some(s.given as u64)
    });
    assert_eq!(
        run.transient, scripted,
        "each transient failure reported once"
    );
    assert_eq!(script.reads_after_end, 0, "read after the end");
    run
}

/// What the reader must give for `data`, from the whole-input reference split.
fn expected_for(data: &[u8], options: &Options, form: Form) -> Vec<Item> {
    expected(
        data,
        options.newline,
        options.terminator,
        options.max_line_len,
        form,
        None,
    )
}

/// The options under test, kept apart because `ReadOptions` does not expose its fields.
#[derive(Debug, Clone, Copy)]
struct Options {
    newline: Newline,
    terminator: Terminator,
    buffer_size: usize,
    max_line_len: usize,
}

impl Options {
    fn read_options(&self) -> ReadOptions {
        ReadOptions::new()
            .newline(self.newline)
            .terminator(self.terminator)
            .buffer_size(self.buffer_size)
            .max_line_len(self.max_line_len)
    }
}

/// Python's `open(path, 'rb')` with a tiny buffer: lines are the input's bytes exactly.
fn binary(buffer_size: usize) -> ReadOptions {
    ReadOptions::new()
        .newline(Newline::LF)
        .terminator(Terminator::Keep)
        .buffer_size(buffer_size)
}

fn lines_of(run: &Run) -> Vec<Vec<u8>> {
    run.items
        .iter()
        .map(|item| match item {
            Item::Line(line) => line.clone(),
            other => panic!("not a line: {other:?}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// One case each.

#[test]
fn would_block_mid_line_keeps_the_partial_line() {
    // Python: readline() on a non-blocking stream after "par" returns b'par' (a partial
    // line that looks like a last one). Here: an error, "par" kept, and the whole line
    // once "tial\n" comes.
    let script = Script::new(
        b"partial\nnext\n",
        [Step::Give(3), Step::Fail(io::ErrorKind::WouldBlock)],
        64,
    );
    let mut reader = LineReader::new(script).with_path("socket");
    let error = reader.next_str().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.io_error().unwrap().kind(), io::ErrorKind::WouldBlock);
    assert_eq!(error.line(), Some(1));
    assert_eq!(error.offset(), Some(3));
    assert_eq!(error.path(), Some(std::path::Path::new("socket")));
    assert_eq!(
        error.to_string(),
        "socket: line 1: temporary read error at byte offset 3: operation would block"
    );
    assert_eq!(reader.line_number(), 0);
    assert_eq!(reader.offset(), 0);
    assert_eq!(reader.next_str().unwrap(), Some("partial\n"));
    assert_eq!(reader.next_str().unwrap(), Some("next\n"));
    assert_eq!(reader.next_str().unwrap(), None);
}

#[test]
fn timed_out_at_a_line_boundary_loses_nothing() {
    // A socket's read timeout (Windows reports it as TimedOut) between two lines.
    let script = Script::new(
        b"one\ntwo\n",
        [Step::Give(4), Step::Fail(io::ErrorKind::TimedOut)],
        64,
    );
    let mut reader = LineReader::new(script);
    assert_eq!(reader.next_str().unwrap(), Some("one\n"));
    let error = reader.next_str().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.io_error().unwrap().kind(), io::ErrorKind::TimedOut);
    assert_eq!((error.line(), error.offset()), (Some(2), Some(4)));
    assert_eq!(reader.next_str().unwrap(), Some("two\n"));
    assert_eq!(reader.next_str().unwrap(), None);
}

#[test]
fn transient_error_before_the_first_byte_is_not_the_end() {
    // Python: readline() with nothing written yet returns b'', the same as at the end.
    // Here it is an error, and the input that follows is read.
    let script = Script::new(b"late\n", [Step::Fail(io::ErrorKind::WouldBlock)], 64);
    let mut reader = LineReader::new(script);
    let error = reader.next_line().unwrap_err();
    assert_eq!((error.line(), error.offset()), (Some(1), Some(0)));
    assert_eq!(reader.next_line().unwrap(), Some(&b"late\n"[..]));
    assert_eq!(reader.next_line().unwrap(), None);
}

#[test]
fn transient_error_at_the_end_then_the_last_line_without_a_terminator() {
    // The source has given everything but has not said it ended: the last line, which has
    // no terminator, may still grow, so it is held until the end is known.
    let script = Script::new(
        b"a\nlast",
        [
            Step::Give(6),
            Step::Fail(io::ErrorKind::WouldBlock),
            Step::Fail(io::ErrorKind::TimedOut),
        ],
        64,
    );
    let mut reader = LineReader::new(script);
    assert_eq!(reader.next_line().unwrap(), Some(&b"a\n"[..]));
    for _ in 0..2 {
        let error = reader.next_line().unwrap_err();
        assert_eq!((error.line(), error.offset()), (Some(2), Some(6)));
    }
    // Python: list(open(f)) on "a\nlast" == ['a\n', 'last']
    assert_eq!(reader.next_line().unwrap(), Some(&b"last"[..]));
    assert_eq!(reader.next_line().unwrap(), None);
    assert_eq!(reader.get_ref().reads_after_end, 0);
}

#[test]
fn cr_then_would_block_then_lf_is_one_crlf() {
    // Python: a "\r" at the end of one read and a "\n" at the start of the next are one
    // "\r\n" (universal newlines), however long the wait between them.
    let script = Script::new(
        b"a\r\nb",
        [
            Step::Give(2),
            Step::Fail(io::ErrorKind::WouldBlock),
            Step::Give(1),
        ],
        64,
    );
    let mut reader = ReadOptions::new()
        .terminator(Terminator::Keep)
        .reader(script);
    let error = reader.next_line().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(reader.next_line().unwrap(), Some(&b"a\r\n"[..]));
    assert_eq!(reader.next_line().unwrap(), Some(&b"b"[..]));
    assert_eq!(reader.next_line().unwrap(), None);
}

#[test]
fn complete_lines_come_before_the_source_is_read_again() {
    // Lines already whole in the buffer are returned first; the error waits for a read.
    let script = Script::new(
        b"x\ny\nz\npart",
        [Step::Give(10), Step::Fail(io::ErrorKind::WouldBlock)],
        64,
    );
    let mut reader = LineReader::new(script);
    for want in ["x\n", "y\n", "z\n"] {
        assert_eq!(reader.next_str().unwrap(), Some(want));
    }
    let error = reader.next_str().unwrap_err();
    assert_eq!((error.line(), error.offset()), (Some(4), Some(10)));
    assert_eq!(reader.next_str().unwrap(), Some("part"));
}

#[test]
fn many_transient_errors_in_a_row_are_each_reported_and_lose_nothing() {
    let script = Script::new(
        b"ab\ncd\n",
        std::iter::once(Step::Give(1))
            .chain(std::iter::repeat_n(
                Step::Fail(io::ErrorKind::WouldBlock),
                50,
            ))
            .chain([Step::Give(3)])
            .chain(std::iter::repeat_n(Step::Fail(io::ErrorKind::TimedOut), 50)),
        1,
    );
    let run = run_script(ReadOptions::new().buffer_size(2), script, Form::OwnedStr);
    assert_eq!(run.transient, 100);
    assert_eq!(lines_of(&run), [&b"ab\n"[..], b"cd\n"]);
}

#[test]
fn transient_error_while_a_long_line_grows_the_buffer() {
    // A one-byte buffer grows for the line; a failure at each growth keeps every byte.
    let data: Vec<u8> = b"a line much longer than the buffer\nshort\n".to_vec();
    let script = Script::everywhere(&data, 3, io::ErrorKind::WouldBlock, 1);
    let mut reader = binary(1).reader(script);
    let mut lines = Vec::new();
    let mut grew = false;
    loop {
        match reader.next_line() {
            Ok(Some(line)) => lines.push(line.to_vec()),
            Ok(None) => break,
            Err(error) => {
                assert_eq!(error.kind(), ErrorKind::Transient);
                grew |= reader.buffer_capacity() > 1;
            }
        }
    }
    assert!(grew, "the buffer grew between failures");
    assert_eq!(lines.concat(), data);
    assert_eq!(lines.len(), 2);
}

#[test]
fn transient_error_while_skipping_an_over_long_line_names_that_line() {
    // The limit is 4: line 2 is reported too long once 5 of its bytes are in (offset 8),
    // and a failure while its rest is skipped names line 2, which is still being read;
    // then line 3 comes.
    let script = Script::new(
        b"ok\ntoo long a line\nnext\n",
        [
            Step::Give(8),
            Step::Fail(io::ErrorKind::WouldBlock),
            Step::Give(4),
            Step::Fail(io::ErrorKind::TimedOut),
        ],
        2,
    );
    let mut reader = ReadOptions::new()
        .max_line_len(4)
        .buffer_size(2)
        .reader(script);
    assert_eq!(reader.next_str().unwrap(), Some("ok\n"));
    let too_long = reader.next_str().unwrap_err();
    assert_eq!(too_long.kind(), ErrorKind::LineTooLong);
    assert_eq!(too_long.line(), Some(2));
    for want_offset in [8, 12] {
        let error = reader.next_str().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transient);
        assert_eq!((error.line(), error.offset()), (Some(2), Some(want_offset)));
        assert_eq!(reader.line_number(), 2);
    }
    assert_eq!(reader.next_str().unwrap(), Some("next\n"));
    assert_eq!(reader.line_number(), 3);
    assert_eq!(reader.next_str().unwrap(), None);
}

#[test]
fn transient_errors_at_every_position_with_tiny_buffers() {
    // Every position: a failure before each read of 1, 2 or 3 bytes, before the first
    // byte and at the end, once or three times in a row, with buffers of 1 to 3 bytes
    // (and a roomy one) and every option. The lines must be the reference split.
    let inputs: [&[u8]; 10] = [
        b"",
        b"a",
        b"\n",
        b"\r",
        b"\r\n",
        b"ab\ncd\n",
        b"a\r\nb\rc\n\nd",
        b"\r\r\n\n\r",
        b"caf\xc3\xa9\n\xff\xfe\nend",
        b"x\0y\0\0z",
    ];
    let newlines = [Newline::Universal, Newline::LF, Newline::Byte(0)];
    let terminators = [Terminator::Translate, Terminator::Keep, Terminator::Strip];
    for data in inputs {
        for chunk in 1..=3 {
            for kind in [io::ErrorKind::WouldBlock, io::ErrorKind::TimedOut] {
                for in_a_row in [1, 3] {
                    for buffer_size in [1, 2, 3, 64] {
                        for newline in newlines {
                            for terminator in terminators {
                                let options = Options {
                                    newline,
                                    terminator,
                                    buffer_size,
                                    max_line_len: DEFAULT_MAX_LINE_LEN,
                                };
                                for form in FORMS {
                                    let script = Script::everywhere(data, chunk, kind, in_a_row);
                                    let run = run_script(options.read_options(), script, form);
                                    assert_eq!(
                                        run.items,
                                        expected_for(data, &options, form),
                                        "{data:?} chunk {chunk} {kind:?}x{in_a_row} {options:?} \
                                         {form:?}"
                                    );
                                }
                            }
                        }
                        // Binary mode: the lines put together are the input, byte for byte.
                        let script = Script::everywhere(data, chunk, kind, in_a_row);
                        let run = run_script(binary(buffer_size), script, Form::BorrowedBytes);
                        assert_eq!(lines_of(&run).concat(), data);
                    }
                }
            }
        }
    }
}

#[test]
fn a_single_transient_error_at_each_byte_offset() {
    // The failure once, after exactly `at` bytes, for every `at`: given in one read before
    // it and one after, so that the failure also falls where no read boundary would.
    let data = b"first line\r\nsecond\rthird\n\nlast";
    for at in 0..=data.len() {
        for buffer_size in [1, 2, 3, 7, 64] {
            let mut steps = Vec::new();
            if at > 0 {
                steps.push(Step::Give(at));
            }
            steps.push(Step::Fail(io::ErrorKind::WouldBlock));
            let script = Script::new(data, steps, data.len());
            let run = run_script(binary(buffer_size), script, Form::BorrowedBytes);
            assert_eq!(
                lines_of(&run).concat(),
                data,
                "at {at}, buffer {buffer_size}"
            );
            let options = Options {
                newline: Newline::Universal,
                terminator: Terminator::Translate,
                buffer_size,
                max_line_len: DEFAULT_MAX_LINE_LEN,
            };
            let steps = [Step::Give(at.max(1)), Step::Fail(io::ErrorKind::TimedOut)];
            let run = run_script(
                options.read_options(),
                Script::new(data, steps, 5),
                Form::OwnedStr,
            );
            assert_eq!(
                run.items,
                expected_for(data, &options, Form::OwnedStr),
                "at {at}"
            );
        }
    }
}

#[test]
fn fatal_errors_still_end_the_reader() {
    // Python: an OSError from read() propagates out of readline() and `for line in f`.
    // Every kind but WouldBlock, TimedOut and Interrupted ends the reader: the error is
    // `Io`, fatal, the partial line is not given as a line, every later call gives None,
    // and the source is never read again (`run_script` checks the last two).
    let fatal = [
        io::ErrorKind::Other,
        io::ErrorKind::UnexpectedEof,
        io::ErrorKind::InvalidData,
        io::ErrorKind::InvalidInput,
        io::ErrorKind::ConnectionReset,
        io::ErrorKind::ConnectionAborted,
        io::ErrorKind::BrokenPipe,
        io::ErrorKind::NotConnected,
        io::ErrorKind::PermissionDenied,
        io::ErrorKind::NotFound,
        io::ErrorKind::OutOfMemory,
    ];
    let steps = |kind| {
        [
            Step::Fail(io::ErrorKind::WouldBlock),
            Step::Give(10),
            Step::Fail(kind),
        ]
    };
    for kind in fatal {
        for form in FORMS {
            let script = Script::new(b"whole\npart of a line\n", steps(kind), 64);
            let run = run_script(ReadOptions::new(), script, form);
            assert_eq!(run.transient, 1);
            assert_eq!(
                run.items,
                [
                    Item::Line(b"whole\n".to_vec()),
                    Item::Error {
                        kind: ErrorKind::Io,
                        line: Some(2),
                        offset: Some(10),
                    },
                ],
                "{kind:?} {form:?}"
            );
        }
        let script = Script::new(b"whole\npart of a line\n", steps(kind), 64);
        let mut reader = LineReader::new(script).with_path("flaky");
        assert_eq!(reader.next_line().unwrap_err().kind(), ErrorKind::Transient);
        assert_eq!(reader.next_line().unwrap(), Some(&b"whole\n"[..]));
        let error = reader.next_line().unwrap_err();
        assert!(error.is_fatal(), "{kind:?}");
        assert_eq!(error.io_error().unwrap().kind(), kind);
        assert_eq!(
            error.to_string(),
            format!(
                "flaky: line 2: read error at byte offset 10: {}",
                io::Error::from(kind)
            )
        );
    }
}

#[test]
fn interrupted_is_still_retried_without_a_word() {
    // Python retries EINTR (PEP 475): no error, no lost byte.
    let script = Script::new(
        b"one\ntwo",
        [
            Step::Fail(io::ErrorKind::Interrupted),
            Step::Give(2),
            Step::Fail(io::ErrorKind::Interrupted),
            Step::Fail(io::ErrorKind::WouldBlock),
            Step::Fail(io::ErrorKind::Interrupted),
        ],
        1,
    );
    let run = run_script(ReadOptions::new(), script, Form::OwnedStr);
    assert_eq!(run.transient, 1, "only the WouldBlock is reported");
    assert_eq!(lines_of(&run), [&b"one\n"[..], b"two"]);
}

#[test]
fn a_transient_error_converts_to_an_io_error_of_its_own_kind() {
    // `?` into `io::Result` keeps the kind, so an event loop's `WouldBlock` check still
    // works, and the message keeps the line and offset.
    fn first_line(reader: &mut LineReader<Script>) -> io::Result<Option<String>> {
        Ok(reader.next_str()?.map(str::to_owned))
    }
    let script = Script::new(
        b"ab\n",
        [Step::Give(1), Step::Fail(io::ErrorKind::WouldBlock)],
        8,
    );
    let mut reader = LineReader::new(script);
    let error = first_line(&mut reader).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::WouldBlock);
    assert_eq!(
        error.to_string(),
        "line 1: temporary read error at byte offset 1: operation would block"
    );
    assert_eq!(first_line(&mut reader).unwrap().as_deref(), Some("ab\n"));
}

#[cfg(all(unix, not(miri)))]
mod unix_sockets {
    //! Real sockets, where the operating system, not a script, says `WouldBlock`.

    use super::*;
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    #[test]
    fn a_non_blocking_socket() {
        // Python: readline() on a non-blocking socket file with nothing sent returns
        // what it has; here, an error, the partial line kept.
        let (mut writer, reader_end) = UnixStream::pair().unwrap();
        reader_end.set_nonblocking(true).unwrap();
        let mut reader = ReadOptions::new().buffer_size(4).reader(reader_end);

        let error = reader.next_str().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transient);
        assert_eq!(error.io_error().unwrap().kind(), io::ErrorKind::WouldBlock);
        assert_eq!(error.offset(), Some(0));

        writer.write_all(b"GET /a\r\nGET /").unwrap();
        assert_eq!(reader.next_str().unwrap(), Some("GET /a\n"));
        let error = reader.next_str().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transient);
        assert_eq!((error.line(), error.offset()), (Some(2), Some(13)));

        writer.write_all(b"b\r").unwrap();
        // "GET /b\r" is held: a "\n" may follow.
        assert_eq!(reader.next_str().unwrap_err().kind(), ErrorKind::Transient);
        writer.write_all(b"\nlast").unwrap();
        assert_eq!(reader.next_str().unwrap(), Some("GET /b\n"));
        assert_eq!(reader.next_str().unwrap_err().kind(), ErrorKind::Transient);
        drop(writer);
        assert_eq!(reader.next_str().unwrap(), Some("last"));
        assert_eq!(reader.next_str().unwrap(), None);
    }

    #[test]
    fn a_socket_with_a_read_timeout() {
        // A read timeout is WouldBlock on Unix (TimedOut on Windows): the reader goes on.
        let (mut writer, reader_end) = UnixStream::pair().unwrap();
        reader_end
            .set_read_timeout(Some(Duration::from_millis(5)))
            .unwrap();
        let mut lines = LineReader::new(reader_end).into_lines();
        writer.write_all(b"slow").unwrap();
        let error = lines.next().unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transient);
        assert!(is_transient(error.io_error().unwrap().kind()));
        writer.write_all(b" line\n").unwrap();
        drop(writer);
        assert_eq!(lines.next().unwrap().unwrap(), "slow line\n");
        assert!(lines.next().is_none());
    }
}

// ---------------------------------------------------------------------------------------
// Random chunkings and failures.

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

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        4 => (1usize..8).prop_map(Step::Give),
        2 => Just(Step::Fail(io::ErrorKind::WouldBlock)),
        2 => Just(Step::Fail(io::ErrorKind::TimedOut)),
        1 => Just(Step::Fail(io::ErrorKind::Interrupted)),
    ];
    prop::collection::vec(step, 0..40)
}

fn options() -> impl Strategy<Value = Options> {
    (
        prop::sample::select(vec![
            Newline::Universal,
            Newline::LF,
            Newline::Byte(0),
            Newline::Byte(b'\r'),
            Newline::Byte(0xA9),
        ]),
        prop::sample::select(vec![
            Terminator::Translate,
            Terminator::Keep,
            Terminator::Strip,
        ]),
        prop_oneof![3 => 1usize..4, 1 => 4usize..80],
        prop_oneof![3 => Just(DEFAULT_MAX_LINE_LEN), 1 => 0usize..8],
    )
        .prop_map(|(newline, terminator, buffer_size, max_line_len)| Options {
            newline,
            terminator,
            buffer_size,
            max_line_len,
        })
}

proptest! {
    #![proptest_config(proptest_config::config(256))]

    /// Transient failures anywhere change nothing but their own reports: every form gives
    /// the reference split, with each failure reported once and nothing read after the end.
    #[test]
    fn transient_failures_anywhere_give_the_reference_split(
        data in input(),
        steps in steps(),
        then in 1usize..8,
        options in options(),
    ) {
        for form in FORMS {
            let script = Script::new(&data, steps.iter().copied(), then);
            let run = run_script(options.read_options(), script, form);
            prop_assert_eq!(
                &run.items,
                &expected_for(&data, &options, form),
                "{:?} {:?}",
                options,
                form
            );
        }
        // Binary mode with Keep: the lines put together are the input.
        let script = Script::new(&data, steps.iter().copied(), then);
        let run = run_script(binary(options.buffer_size), script, Form::BorrowedBytes);
        prop_assert_eq!(lines_of(&run).concat(), data);
    }
}

// ---------------------------------------------------------------------------------------
// Through `Source`: gzip detection and decompression.

#[cfg(feature = "gzip")]
mod gzip {
    use super::*;
    use std::io::Write;
    use yielding::io::{Compression, Source};

    /// A `Script` as a `Source`: shared, so that the test can see it after the reader took
    /// it.
    #[derive(Clone)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Script>>);

    impl Read for Shared {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.lock().unwrap().read(buf)
        }
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// A member whose header has every optional field (extra, file name, comment), so
    /// that a failure can fall inside each of them.
    fn gz_with_full_header(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::GzBuilder::new()
            .extra(b"xtra".to_vec())
            .filename("name.txt")
            .comment("a comment")
            .write(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// Reads `compressed` through a `Source` with `compression`, the script's failures
    /// falling on the compressed bytes, and checks what the script knows.
    fn run_gzip(
        compressed: &[u8],
        steps: Vec<Step>,
        then: usize,
        compression: Compression,
        options: ReadOptions,
        form: Form,
    ) -> Run {
        let script = Script::new(compressed, steps, then);
        let scripted = script.transient_steps();
        let shared = Shared(std::sync::Arc::new(std::sync::Mutex::new(script)));
        let source = Source::from_read(shared.clone(), compression);
        // Offsets count decompressed bytes, which the script cannot know.
        let (run, _) = drain(options.reader(source), form, |_| None);
        let script = shared.0.lock().unwrap();
        assert_eq!(run.transient, scripted, "each failure reported once");
        // flate2 asks a truncated stream's source again after its end, while it drains
        // what it has; a whole stream's is never asked again.
        let broken = run.items.iter().any(|item| {
            matches!(
                item,
                Item::Error {
                    kind: ErrorKind::Io,
                    ..
                }
            )
        });
        if !broken {
            assert_eq!(script.reads_after_end, 0);
        }
        run
    }

    /// Every failure position in the compressed stream: a failure before every read of
    /// `chunk` bytes, including inside the header, the deflate data, the trailer and
    /// between members.
    fn everywhere_steps(len: usize, chunk: usize, kind: io::ErrorKind) -> Vec<Step> {
        let mut steps = Vec::new();
        for _ in 0..len.div_ceil(chunk) {
            steps.push(Step::Fail(kind));
            steps.push(Step::Give(chunk));
        }
        steps.push(Step::Fail(kind));
        steps
    }

    #[test]
    fn gzip_goes_on_after_a_failure_at_every_compressed_byte() {
        let text: Vec<u8> = (0..200)
            .flat_map(|i| format!("line {i} {}\r\n", "x".repeat(i % 13)).into_bytes())
            .collect();
        let mut compressed = gz_with_full_header(&text[..1000]);
        compressed.extend(gz(b""));
        compressed.extend(gz(&text[1000..]));
        for compression in [Compression::Gzip, Compression::Auto] {
            for (chunk, kind) in [
                (1, io::ErrorKind::WouldBlock),
                (2, io::ErrorKind::TimedOut),
                (3, io::ErrorKind::WouldBlock),
            ] {
                for buffer_size in [1, 3, 4096] {
                    let steps = everywhere_steps(compressed.len(), chunk, kind);
                    let run = run_gzip(
                        &compressed,
                        steps,
                        chunk,
                        compression,
                        binary(buffer_size),
                        Form::BorrowedBytes,
                    );
                    assert_eq!(
                        lines_of(&run).concat(),
                        text,
                        "{compression:?} chunk {chunk} buffer {buffer_size}"
                    );
                    assert!(run.transient > compressed.len() / chunk);
                }
            }
        }
    }

    #[test]
    fn a_failure_on_the_first_read_of_gzip_is_not_the_end_of_the_input() {
        // flate2's decoder parses the header when it is made, and an error there other
        // than WouldBlock would be returned once and then read as the end of the stream:
        // a TimedOut, retried, would have lost the whole input without a word.
        let compressed = gz(b"all\nof it\n");
        for kind in [io::ErrorKind::TimedOut, io::ErrorKind::WouldBlock] {
            for compression in [Compression::Gzip, Compression::Auto] {
                let steps = vec![Step::Fail(kind), Step::Give(1), Step::Fail(kind)];
                let run = run_gzip(
                    &compressed,
                    steps,
                    4,
                    compression,
                    ReadOptions::new(),
                    Form::OwnedStr,
                );
                assert_eq!(run.transient, 2);
                assert_eq!(lines_of(&run), [&b"all\n"[..], b"of it\n"], "{kind:?}");
            }
        }
    }

    #[test]
    fn auto_detection_keeps_the_bytes_it_has_looked_at() {
        // One magic byte, then a failure: a plain input starting with 0x1f keeps it, and a
        // gzip input is still found to be gzip.
        let steps = || vec![Step::Give(1), Step::Fail(io::ErrorKind::WouldBlock)];
        let plain = b"\x1fnot gzip\n";
        let run = run_gzip(
            plain,
            steps(),
            64,
            Compression::Auto,
            binary(64),
            Form::BorrowedBytes,
        );
        assert_eq!(lines_of(&run), [&plain[..]]);
        let run = run_gzip(
            &gz(b"was gzip\n"),
            steps(),
            64,
            Compression::Auto,
            binary(64),
            Form::BorrowedBytes,
        );
        assert_eq!(lines_of(&run), [&b"was gzip\n"[..]]);
        // A one-byte input that fails before it ends is plain, and whole.
        let run = run_gzip(
            b"\x1f",
            steps(),
            64,
            Compression::Auto,
            binary(64),
            Form::BorrowedBytes,
        );
        assert_eq!(lines_of(&run), [&b"\x1f"[..]]);
        // Detection that meets the end passes it on, rather than asking the source again
        // (`run_gzip` checks that it is not read after its end: a terminal would wait for
        // a second Ctrl-D).
        for input in [&b""[..], b"\n"] {
            let steps = vec![Step::Fail(io::ErrorKind::WouldBlock)];
            let run = run_gzip(
                input,
                steps,
                64,
                Compression::Auto,
                binary(64),
                Form::OwnedBytes,
            );
            assert_eq!(lines_of(&run).concat(), input);
        }
    }

    #[test]
    fn broken_gzip_is_still_fatal_after_transient_failures() {
        // Cut short: the lines before the cut, then `UnexpectedEof`, which ends the reader.
        let mut compressed = gz(&b"a line\n".repeat(1000));
        compressed.truncate(compressed.len() / 2);
        let steps = everywhere_steps(compressed.len(), 7, io::ErrorKind::WouldBlock);
        let run = run_gzip(
            &compressed,
            steps,
            7,
            Compression::Gzip,
            binary(64),
            Form::BorrowedBytes,
        );
        let (last, lines) = run.items.split_last().unwrap();
        assert!(
            matches!(
                last,
                Item::Error {
                    kind: ErrorKind::Io,
                    ..
                }
            ),
            "{last:?}"
        );
        assert!(lines.len() > 100);
        assert!(
            lines
                .iter()
                .all(|item| *item == Item::Line(b"a line\n".to_vec()))
        );

        // A header that is not gzip's: `InvalidInput`, fatal, after the failures before it.
        let mut compressed = gz(b"a line\n");
        compressed[2] = 7; // the compression method: 8 is deflate
        let steps = everywhere_steps(compressed.len(), 1, io::ErrorKind::TimedOut);
        let script = Shared(std::sync::Arc::new(std::sync::Mutex::new(Script::new(
            &compressed,
            steps,
            1,
        ))));
        let mut reader = LineReader::new(Source::from_read(script, Compression::Auto));
        let error = loop {
            match reader.next_line() {
                Err(error) if error.kind() == ErrorKind::Transient => {}
                other => break other.unwrap_err(),
            }
        };
        assert!(error.is_fatal());
        assert_eq!(
            error.io_error().unwrap().kind(),
            io::ErrorKind::InvalidInput
        );
        assert_eq!(reader.next_line().unwrap(), None);
    }

    proptest! {
        #![proptest_config(proptest_config::config(64))]

        /// Random failures over a random gzip stream (one or two members): the lines are
        /// the reference split of the decompressed input.
        #[test]
        fn gzip_with_random_failures_gives_the_reference_split(
            data in input(),
            split in 0.0f64..=1.0,
            steps in steps(),
            then in 1usize..8,
            options in options(),
            auto in any::<bool>(),
        ) {
            let cut = (data.len() as f64 * split) as usize;
            let mut compressed = gz(&data[..cut]);
            if cut < data.len() {
                compressed.extend(gz(&data[cut..]));
            }
            let compression = if auto { Compression::Auto } else { Compression::Gzip };
            for form in [Form::BorrowedBytes, Form::OwnedStr] {
                let run = run_gzip(&compressed, steps.clone(), then, compression,
                                   options.read_options(), form);
                prop_assert_eq!(&run.items, &expected_for(&data, &options, form), "{:?}", form);
            }
        }
    }
}
