//! Python's line-reading behaviours, one test each, with what Python does cited in a
//! comment (CPython 3, checked with `python3`). `open(path)` is text mode with universal
//! newlines, translated to `\n`: our defaults.

#![cfg(feature = "io")]

use std::collections::VecDeque;
use std::io::{self, Read};
use std::path::Path;

use yielding::io::{ErrorKind, LineReader, Newline, ReadOptions, Terminator};

/// Every line, owned, with the default options (Python's `open(path)`).
fn python_open(data: &[u8]) -> Vec<String> {
    lines(ReadOptions::new(), data)
}

fn lines(options: ReadOptions, data: &[u8]) -> Vec<String> {
    options
        .reader(data)
        .into_lines()
        .collect::<Result<_, _>>()
        .expect("valid input")
}

/// Every line as bytes, through the borrowed API.
fn byte_lines(options: ReadOptions, data: &[u8]) -> Vec<Vec<u8>> {
    let mut reader = options.reader(data);
    let mut out = Vec::new();
    while let Some(line) = reader.next_line().unwrap() {
        out.push(line.to_vec());
    }
    out
}

/// A source that returns these reads, one per call (a read larger than the space offered
/// is given in parts, never joined with the next).
struct Reads(VecDeque<&'static [u8]>);

impl Read for Reads {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(chunk) = self.0.pop_front() else {
            return Ok(0);
        };
        let n = chunk.len().min(buf.len());
        buf[..n].copy_from_slice(&chunk[..n]);
        if n < chunk.len() {
            self.0.push_front(&chunk[n..]);
        }
        Ok(n)
    }
}

#[path = "support/temp_file.rs"]
mod temp_file;

/// A temporary file named for this test binary.
fn temp_file(name: &str, content: &[u8]) -> temp_file::TempFile {
    temp_file::TempFile::new("yielding-io-python", name, content)
}

#[test]
#[cfg_attr(miri, ignore = "opens a real file: Miri isolates the file system")]
fn empty_file_yields_nothing() {
    // Python: list(open('empty')) == []
    assert_eq!(python_open(b""), Vec::<String>::new());
    let file = temp_file("empty", b"");
    let mut reader = LineReader::open(file.path()).unwrap();
    assert_eq!(reader.next_line().unwrap(), None);
}

#[test]
fn two_newlines_are_two_empty_lines() {
    // Python: list(open(f)) on "\n\n" == ['\n', '\n']
    assert_eq!(python_open(b"\n\n"), ["\n", "\n"]);
    // and stripped, as "\n\n".splitlines() == ['', '']
    assert_eq!(
        lines(ReadOptions::new().terminator(Terminator::Strip), b"\n\n"),
        ["", ""]
    );
}

#[test]
fn last_line_without_newline_is_yielded() {
    // Python: list(open(f)) on "a\nx" == ['a\n', 'x']
    assert_eq!(python_open(b"a\nx"), ["a\n", "x"]);
    // Python: list(open(f)) on "x" == ['x']
    assert_eq!(python_open(b"x"), ["x"]);
}

#[test]
fn crlf_is_one_line_end_translated_to_lf() {
    // Python: list(open(f)) on b"a\r\n\r\nb\rc" == ['a\n', '\n', 'b\n', 'c']
    assert_eq!(python_open(b"a\r\n\r\nb\rc"), ["a\n", "\n", "b\n", "c"]);
}

#[test]
fn crlf_kept_with_newline_empty_string() {
    // Python: list(open(f, newline='')) on b"a\r\n\r\nb\rc" == ['a\r\n', '\r\n', 'b\r', 'c']
    let keep = ReadOptions::new().terminator(Terminator::Keep);
    assert_eq!(lines(keep, b"a\r\n\r\nb\rc"), ["a\r\n", "\r\n", "b\r", "c"]);
}

#[test]
fn lone_cr_ends_a_line() {
    // Python: list(open(f)) on b"a\rb" == ['a\n', 'b']
    assert_eq!(python_open(b"a\rb"), ["a\n", "b"]);
    // Python: list(open(f)) on b"\r\r\n\n" == ['\n', '\n', '\n']
    assert_eq!(python_open(b"\r\r\n\n"), ["\n", "\n", "\n"]);
    // Python: list(open(f)) on b"a\r" == ['a\n'];  with newline='': ['a\r']
    assert_eq!(python_open(b"a\r"), ["a\n"]);
    assert_eq!(
        lines(ReadOptions::new().terminator(Terminator::Keep), b"a\r"),
        ["a\r"]
    );
}

#[test]
fn cr_at_a_read_boundary_then_lf_is_one_line_break() {
    // Python, with reads b"a\r" | b"\nb\r" | b"c" through a 1-byte BufferedReader:
    //   list(TextIOWrapper(...)) == ['a\n', 'b\n', 'c']
    //   with newline='':            ['a\r\n', 'b\r', 'c']
    // The \r ending one read is held back until the next read shows whether \n follows.
    for buffer in [2, 3, 4, 64] {
        let source = || Reads(VecDeque::from([&b"a\r"[..], b"\nb\r", b"c"]));
        let translate = ReadOptions::new().buffer_size(buffer).reader(source());
        let got: Vec<String> = translate.into_iter().collect::<Result<_, _>>().unwrap();
        assert_eq!(got, ["a\n", "b\n", "c"], "buffer {buffer}");

        let keep = ReadOptions::new()
            .buffer_size(buffer)
            .terminator(Terminator::Keep)
            .reader(source());
        let got: Vec<String> = keep.into_iter().collect::<Result<_, _>>().unwrap();
        assert_eq!(got, ["a\r\n", "b\r", "c"], "buffer {buffer}");
    }
    // A buffer of one byte: the \r is read alone, and the \n alone after it.
    let source = Reads(VecDeque::from([&b"a"[..], b"\r", b"\n", b"b"]));
    let keep = ReadOptions::new()
        .buffer_size(1)
        .terminator(Terminator::Keep)
        .reader(source);
    let got: Vec<String> = keep.into_iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(got, ["a\r\n", "b"]);
}

#[test]
fn lf_only_mode_leaves_cr_in_the_line() {
    // Python: list(open(f, newline='\n')) on b"a\r\nb\rc\nd" == ['a\r\n', 'b\rc\n', 'd']
    assert_eq!(
        lines(ReadOptions::new().newline(Newline::LF), b"a\r\nb\rc\nd"),
        ["a\r\n", "b\rc\n", "d"]
    );
}

#[test]
fn binary_mode_is_lf_and_keep() {
    // Python: list(open(f, 'rb')) on b"a\r\n\r\nb\rc" == [b'a\r\n', b'\r\n', b'b\rc']
    let binary = ReadOptions::new()
        .newline(Newline::LF)
        .terminator(Terminator::Keep);
    assert_eq!(
        byte_lines(binary, b"a\r\n\r\nb\rc"),
        [&b"a\r\n"[..], b"\r\n", b"b\rc"]
    );
}

#[test]
fn strip_is_splitlines() {
    // Python: open(f).read().splitlines() on b"a\r\n\r\nb\rc" == ['a', '', 'b', 'c']
    let strip = ReadOptions::new().terminator(Terminator::Strip);
    assert_eq!(lines(strip, b"a\r\n\r\nb\rc"), ["a", "", "b", "c"]);
}

#[test]
fn utf8_is_decoded() {
    // Python: list(open(f, encoding='utf-8')) on "café\n" == ['café\n']
    assert_eq!(python_open("café\n".as_bytes()), ["café\n"]);
    // Python (encoding='utf-8', not 'utf-8-sig') keeps a BOM: ['\ufeffhi\n']
    assert_eq!(python_open(b"\xef\xbb\xbfhi\n"), ["\u{feff}hi\n"]);
}

#[test]
#[cfg_attr(miri, ignore = "opens a real file: Miri isolates the file system")]
fn invalid_utf8_is_an_error_naming_path_line_and_offset_and_reading_goes_on() {
    // Python: for line in open(f) on b"a\nb\xffc\nd\n" raises
    //   UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 3
    // and the iteration is over (not even 'a\n' came out, since Python decodes whole
    // chunks). Here: line 1 comes out, line 2 is an error naming the path, the line and
    // the offset (3, as Python's position), and line 3 follows.
    let file = temp_file("invalid-utf8", b"a\nb\xffc\nd\n");
    let mut reader = LineReader::open(file.path()).unwrap();
    assert_eq!(reader.next_str().unwrap(), Some("a\n"));
    let error = reader.next_str().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidUtf8);
    assert_eq!(error.path(), Some(file.path()));
    assert_eq!(error.line(), Some(2));
    assert_eq!(error.offset(), Some(3));
    assert_eq!(
        error.to_string(),
        format!(
            "{}: line 2: invalid UTF-8 at byte offset 3",
            file.path().display()
        )
    );
    assert_eq!(error.utf8_error().unwrap().valid_up_to(), 1);
    assert!(!error.is_fatal());
    assert_eq!(reader.next_str().unwrap(), Some("d\n"));
    assert_eq!(reader.next_str().unwrap(), None);

    // The owned iterator: the error in its place, the other lines around it.
    let items: Vec<_> = LineReader::open(file.path()).unwrap().into_iter().collect();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap(), "a\n");
    assert_eq!(items[1].as_ref().unwrap_err().line(), Some(2));
    assert_eq!(items[2].as_ref().unwrap(), "d\n");

    // The bytes API does not validate.
    let mut reader = LineReader::open(file.path()).unwrap();
    reader.next_line().unwrap();
    assert_eq!(reader.next_line().unwrap(), Some(&b"b\xffc\n"[..]));
}

#[test]
fn invalid_utf8_offset_counts_from_the_start_of_the_input() {
    // A multi-byte sequence cut short, far into the input, behind a tiny buffer.
    let mut data = b"first line\r\nsecond\r\n".to_vec();
    data.extend_from_slice(b"caf\xc3(\r\n"); // 0xc3 starts a 2-byte sequence; '(' is not a continuation
    let mut reader = ReadOptions::new().buffer_size(3).reader(&data[..]);
    assert_eq!(reader.next_str().unwrap(), Some("first line\n"));
    assert_eq!(reader.next_str().unwrap(), Some("second\n"));
    let error = reader.next_str().unwrap_err();
    assert_eq!((error.line(), error.offset()), (Some(3), Some(20 + 3)));
    assert_eq!(reader.next_str().unwrap(), None);
}

#[test]
fn lossy_replaces_invalid_utf8() {
    // Python: list(open(f, errors='replace')) on b"ok\nbad\xff\nz\n" == ['ok\n', 'bad\ufffd\n', 'z\n']
    let got: Vec<String> = LineReader::new(&b"ok\nbad\xff\nz\n"[..])
        .into_lines_lossy()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(got, ["ok\n", "bad\u{FFFD}\n", "z\n"]);
}

#[test]
#[cfg_attr(miri, ignore = "opens a real file: Miri isolates the file system")]
fn over_long_line_is_an_error_naming_the_line_then_reading_goes_on() {
    // Python has no limit: for line in open(f) reads a line of any length whole into
    // memory (a 10 GB file without a newline is a 10 GB string, or a MemoryError). Here a
    // line longer than the limit is an error naming it, read no further than the limit,
    // and the next read goes on after it.
    let mut data = b"short\n".to_vec();
    data.extend(std::iter::repeat_n(b'x', 10_000));
    data.extend_from_slice(b"\r\nafter\n");
    let file = temp_file("long-line", &data);
    let mut reader = ReadOptions::new()
        .max_line_len(100)
        .buffer_size(16)
        .open(file.path())
        .unwrap();
    assert_eq!(reader.next_str().unwrap(), Some("short\n"));
    let error = reader.next_str().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::LineTooLong);
    assert_eq!(error.line(), Some(2));
    assert_eq!(error.offset(), Some(6));
    assert_eq!(error.limit(), Some(100));
    assert_eq!(error.path(), Some(file.path()));
    assert_eq!(
        error.to_string(),
        format!(
            "{}: line 2: line longer than 100 bytes (it starts at byte offset 6)",
            file.path().display()
        )
    );
    assert!(
        reader.buffer_capacity() <= 128,
        "kept {} bytes",
        reader.buffer_capacity()
    );
    assert_eq!(reader.next_str().unwrap(), Some("after\n"));
    assert_eq!(reader.line_number(), 3);
    assert_eq!(reader.next_str().unwrap(), None);
}

#[test]
fn limit_counts_content_not_terminator() {
    // A line of exactly the limit is fine, with any terminator; one more byte is not.
    let options = ReadOptions::new()
        .max_line_len(3)
        .terminator(Terminator::Keep);
    assert_eq!(
        lines(options, b"abc\r\nabc\rabc\nabc"),
        ["abc\r\n", "abc\r", "abc\n", "abc"]
    );
    for data in [&b"abcd\n"[..], b"abcd\r\n", b"abcd\r", b"abcd"] {
        let mut reader = options.buffer_size(1).reader(data);
        assert_eq!(
            reader.next_line().unwrap_err().kind(),
            ErrorKind::LineTooLong
        );
        assert_eq!(reader.next_line().unwrap(), None, "{data:?}");
    }
}

#[test]
fn over_long_last_line_ends_the_input() {
    let mut reader = ReadOptions::new()
        .max_line_len(2)
        .reader(&b"ok\ntoo long"[..]);
    assert_eq!(reader.next_str().unwrap(), Some("ok\n"));
    assert_eq!(reader.next_str().unwrap_err().line(), Some(2));
    assert_eq!(reader.next_str().unwrap(), None);
}

/// A source that gives some bytes, then fails.
struct FailAfter(&'static [u8]);

impl Read for FailAfter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::other("disk on fire"));
        }
        let n = self.0.len().min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn io_error_carries_the_path_and_ends_the_iteration() {
    // Python: an OSError from read() propagates out of `for line in f`, ending the loop.
    // Here the owned iterator yields it once, then None; the borrowed API returns it,
    // then Ok(None).
    let mut lines = LineReader::new(FailAfter(b"one\ntwo\npartial"))
        .with_path("flaky.txt")
        .into_lines();
    assert_eq!(lines.next().unwrap().unwrap(), "one\n");
    assert_eq!(lines.next().unwrap().unwrap(), "two\n");
    let error = lines.next().unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Io);
    assert!(error.is_fatal());
    assert_eq!(error.path(), Some(Path::new("flaky.txt")));
    assert_eq!(error.line(), Some(3));
    assert_eq!(error.offset(), Some(15));
    assert_eq!(error.io_error().unwrap().to_string(), "disk on fire");
    assert_eq!(
        error.to_string(),
        "flaky.txt: line 3: read error at byte offset 15: disk on fire"
    );
    assert!(lines.next().is_none());
    assert!(lines.next().is_none());

    let mut reader = LineReader::new(FailAfter(b"x\n"));
    assert_eq!(reader.next_line().unwrap(), Some(&b"x\n"[..]));
    assert!(reader.next_line().is_err());
    assert_eq!(reader.next_line().unwrap(), None);
    assert_eq!(reader.next_str().unwrap(), None);
}

#[test]
fn interrupted_reads_are_retried() {
    // Python retries EINTR (PEP 475); so does the reader.
    struct Interrupting(bool, &'static [u8]);
    impl Read for Interrupting {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0 = !self.0;
            if self.0 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = self.1.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.1[..n]);
            self.1 = &self.1[n..];
            Ok(n)
        }
    }
    let got: Vec<String> = LineReader::new(Interrupting(false, b"a\r\nb"))
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(got, ["a\n", "b"]);
}

#[test]
fn exhausted_stays_exhausted() {
    // Python: a second `list(f)` on an exhausted file object is [].
    let mut lines = LineReader::new(&b"a\n"[..]).into_lines();
    assert_eq!(lines.next().unwrap().unwrap(), "a\n");
    for _ in 0..3 {
        assert!(lines.next().is_none());
    }
    let mut reader = LineReader::new(&b"a"[..]);
    reader.next_line().unwrap();
    for _ in 0..3 {
        assert_eq!(reader.next_line().unwrap(), None);
    }
}

#[test]
fn split_on_a_delimiter() {
    // Python: b"a\0b\0".split(b"\0") == [b'a', b'b', b''] -- the trailing empty piece is
    // not a record here (as Rust's BufRead::split, and as a last line is not followed by
    // an empty one).
    let records: Vec<String> = LineReader::split(&b"a\0b\0"[..], 0)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(records, ["a", "b"]);
    // Empty records in the middle are records: b"a\0\0b".split(b"\0") == [b'a', b'', b'b']
    let records: Vec<Vec<u8>> = LineReader::split(&b"a\0\0b"[..], 0)
        .into_byte_lines()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(records, [&b"a"[..], b"", b"b"]);
    // With a delimiter, \r and \n are ordinary bytes.
    let records = lines(ReadOptions::new().delimiter(b';'), b"x\r\ny;z");
    assert_eq!(records, ["x\r\ny;", "z"]);
}

#[test]
fn line_numbers_and_offsets_follow_the_input() {
    let mut reader = ReadOptions::new()
        .buffer_size(2)
        .reader(&b"ab\r\ncd\n\ne"[..]);
    let mut seen = Vec::new();
    while let Some(line) = reader.next_line().unwrap() {
        let line = line.to_vec();
        seen.push((line, reader.line_number(), reader.offset()));
    }
    assert_eq!(
        seen,
        [
            (b"ab\n".to_vec(), 1, 4),
            (b"cd\n".to_vec(), 2, 7),
            (b"\n".to_vec(), 3, 8),
            (b"e".to_vec(), 4, 9),
        ]
    );
}
