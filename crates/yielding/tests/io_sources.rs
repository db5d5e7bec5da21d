//! `yielding::io` sources (a path, standard input as `-`, any `Read`, gzip), memory that
//! does not depend on the input's size, and use from another thread.

#![cfg(feature = "io")]

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use static_assertions::assert_impl_all;
use yielding::io::{
    ByteLines, Compression, DEFAULT_BUFFER_SIZE, Error, ErrorKind, LineReader, Lines, ReadOptions,
    Source, Terminator,
};

assert_impl_all!(LineReader<Source>: Send, std::fmt::Debug);
assert_impl_all!(Lines<Source>: Send, Iterator, std::iter::FusedIterator);
assert_impl_all!(ByteLines<Source>: Send, Iterator, std::iter::FusedIterator);
assert_impl_all!(Source: Send, Read);
assert_impl_all!(Error: Send, Sync, std::error::Error, Into<io::Error>);
assert_impl_all!(ReadOptions: Copy, Send, Sync, Default);

#[path = "support/temp_file.rs"]
mod temp_file;

/// A temporary file named for this test binary.
fn temp_file(name: &str, content: &[u8]) -> temp_file::TempFile {
    temp_file::TempFile::new("yielding-io-sources", name, content)
}

fn collect<R: Read>(reader: LineReader<R>) -> Vec<String> {
    reader.into_iter().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_path() {
    let file = temp_file("path.txt", b"one\r\ntwo\n");
    let reader = LineReader::open(file.path()).unwrap();
    assert_eq!(reader.path(), Some(file.path()));
    assert_eq!(collect(reader), ["one\n", "two\n"]);
    let strip = ReadOptions::new().terminator(Terminator::Strip);
    assert_eq!(collect(strip.open(file.path()).unwrap()), ["one", "two"]);
}

#[test]
fn a_missing_path_is_an_io_error_naming_it() {
    let error = LineReader::open("/no/such/dir/file.txt").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Io);
    assert_eq!(error.path(), Some(Path::new("/no/such/dir/file.txt")));
    assert_eq!(error.line(), None);
    assert_eq!(error.offset(), None);
    assert_eq!(error.io_error().unwrap().kind(), io::ErrorKind::NotFound);
    assert!(
        error.to_string().starts_with("/no/such/dir/file.txt: "),
        "{error}"
    );
}

#[test]
fn a_directory_fails_on_first_read_with_its_path() {
    // Opening a directory succeeds on Unix; reading it fails. The error names the path,
    // line 1, offset 0, and ends the reader.
    let dir = std::env::temp_dir();
    let Ok(mut reader) = LineReader::open(&dir) else {
        return; // Platforms where opening fails are covered by the test above.
    };
    let error = reader.next_line().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Io);
    assert_eq!(error.path(), Some(dir.as_path()));
    assert_eq!((error.line(), error.offset()), (Some(1), Some(0)));
    assert_eq!(reader.next_line().unwrap(), None);
}

#[test]
fn any_read() {
    assert_eq!(
        collect(LineReader::new(io::Cursor::new(b"a\nb".to_vec()))),
        ["a\n", "b"]
    );
    assert_eq!(collect(LineReader::new(&b"a\rb"[..])), ["a\n", "b"]);
    let boxed: Box<dyn Read> = Box::new(io::repeat(b'z').take(3));
    assert_eq!(collect(LineReader::new(boxed)), ["zzz"]);
    let file = temp_file("any-read.txt", b"from a File\n");
    let handle = std::fs::File::open(file.path()).unwrap();
    assert_eq!(collect(LineReader::new(handle)), ["from a File\n"]);
    assert_eq!(
        collect(LineReader::new(Source::from_read(
            &b"boxed\n"[..],
            Compression::None
        ))),
        ["boxed\n"]
    );
}

#[test]
fn a_file_named_dash_is_reached_as_dot_slash_dash() {
    let dir = std::env::temp_dir().join(format!("yielding-io-dash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("-"), "not stdin\n").unwrap();
    let reader = LineReader::open(dir.join("-")).unwrap();
    assert_eq!(collect(reader), ["not stdin\n"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Set in the child process that `stdin_is_the_path_dash` starts.
const CHILD: &str = "YIELDING_IO_STDIN_CHILD";

/// Runs in a child process with a piped standard input: reads it as the path `-` and
/// prints what it got.
#[test]
fn stdin_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let mut reader = LineReader::open("-").unwrap();
    assert_eq!(reader.path(), Some(Path::new("-")));
    let mut out = Vec::new();
    loop {
        match reader.next_str() {
            Ok(Some(line)) => out.push(format!("{line:?}")),
            Ok(None) => break,
            Err(error) => out.push(format!("error: {error}")),
        }
    }
    println!("RESULT {}", out.join(" "));
}

#[test]
fn stdin_is_the_path_dash() {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "stdin_child", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Written in pieces from another thread, so the child sees short reads, including a
    // \r at the end of one and its \n at the start of the next.
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        for piece in [&b"one\r"[..], b"\ntwo\n", b"bad \xff\n", b"last"] {
            stdin.write_all(piece)?;
            stdin.flush()?;
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Ok(())
    });
    let output = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    // If the child died early, say how, with what it printed, before anything else.
    assert!(
        output.status.success() && written.is_ok(),
        "child {:?}, writing to it {written:?}, its output {stdout:?}",
        output.status
    );
    // libtest prints the test's name on the same line, before the child's output.
    let result = stdout
        .split_once("RESULT ")
        .and_then(|(_, rest)| rest.lines().next())
        .unwrap_or_else(|| panic!("no result in {stdout:?}"));
    assert_eq!(
        result,
        r#""one\n" "two\n" error: <stdin>: line 3: invalid UTF-8 at byte offset 13 "last""#
    );
}

/// Lines `i`, each `line {i}\n`, made as they are read: nothing held in memory.
struct Generated {
    line: u64,
    lines: u64,
    pending: Vec<u8>,
    at: usize,
}

impl Generated {
    fn new(lines: u64) -> Self {
        Self {
            line: 0,
            lines,
            pending: Vec::new(),
            at: 0,
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            if self.at == self.pending.len() {
                if self.line == self.lines {
                    break;
                }
                self.pending.clear();
                writeln!(self.pending, "line {}", self.line).unwrap();
                self.line += 1;
                self.at = 0;
            }
            let k = (self.pending.len() - self.at).min(buf.len() - n);
            buf[n..n + k].copy_from_slice(&self.pending[self.at..self.at + k]);
            self.at += k;
            n += k;
        }
        Ok(n)
    }
}

#[test]
fn memory_does_not_depend_on_the_input_size() {
    // 2 million lines (about 25 MB), never held: the buffer stays at its size throughout.
    let mut reader = LineReader::new(Generated::new(2_000_000));
    let mut lines = 0u64;
    while let Some(line) = reader.next_line().unwrap() {
        assert!(line.starts_with(b"line "));
        lines += 1;
        if lines % 4096 == 0 {
            assert_eq!(reader.buffer_capacity(), DEFAULT_BUFFER_SIZE);
        }
    }
    assert_eq!(lines, 2_000_000);
    assert_eq!(reader.buffer_capacity(), DEFAULT_BUFFER_SIZE);
    assert_eq!(reader.offset(), reader.get_ref().bytes_made());
}

impl Generated {
    fn bytes_made(&self) -> u64 {
        (0..self.lines)
            .map(|i| format!("line {i}\n").len() as u64)
            .sum()
    }
}

/// `len` bytes of `x`, then `tail`, made as read.
struct LongLine {
    left: u64,
    tail: &'static [u8],
}

impl Read for LongLine {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left > 0 {
            let n = (self.left.min(buf.len() as u64)) as usize;
            buf[..n].fill(b'x');
            self.left -= n as u64;
            return Ok(n);
        }
        let n = self.tail.len().min(buf.len());
        buf[..n].copy_from_slice(&self.tail[..n]);
        self.tail = &self.tail[n..];
        Ok(n)
    }
}

#[test]
fn a_huge_line_over_the_limit_is_never_held() {
    // 200 MB without a newline, with a 1 MiB limit: the reader reports it after a little
    // more than 1 MiB, keeps no more than that, skips the rest and reads the next line.
    let limit = 1 << 20;
    let source = LongLine {
        left: 200_000_000,
        tail: b"\r\nnext\n",
    };
    let mut reader = ReadOptions::new().max_line_len(limit).reader(source);
    let error = reader.next_line().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::LineTooLong);
    assert_eq!((error.line(), error.offset()), (Some(1), Some(0)));
    assert!(
        reader.buffer_capacity() <= limit + 2,
        "{}",
        reader.buffer_capacity()
    );
    assert_eq!(reader.next_str().unwrap(), Some("next\n"));
    assert!(reader.buffer_capacity() <= limit + 2);
    assert_eq!(reader.line_number(), 2);
    assert_eq!(reader.offset(), 200_000_000 + 7);
    assert_eq!(reader.next_str().unwrap(), None);
}

#[test]
fn a_long_line_within_the_limit_costs_the_line_plus_at_most_4_mib() {
    let len = 20u64 << 20;
    let source = LongLine {
        left: len,
        tail: b"\nafter\n",
    };
    let mut reader = LineReader::new(source);
    assert_eq!(
        reader.next_line().unwrap().map(<[u8]>::len),
        Some(len as usize + 1)
    );
    let capacity = reader.buffer_capacity();
    assert!(capacity as u64 <= len + (4 << 20) + 2, "{capacity}");
    assert_eq!(reader.next_str().unwrap(), Some("after\n"));
    assert_eq!(reader.next_str().unwrap(), None);
}

#[test]
fn owned_lines_move_to_another_thread() {
    let file = temp_file("thread.txt", b"1\n2\n3\n");
    let lines = ReadOptions::new()
        .terminator(Terminator::Strip)
        .open(file.path())
        .unwrap()
        .into_lines();
    let sum = std::thread::spawn(move || {
        lines
            .map(|line| line.unwrap().parse::<u32>().unwrap())
            .sum::<u32>()
    })
    .join()
    .unwrap();
    assert_eq!(sum, 6);
}

#[test]
fn source_debug_names_its_kind() {
    let source = Source::from_read(&b""[..], Compression::None);
    assert_eq!(
        format!("{source:?}"),
        r#"Source { kind: "reader", decoding: "plain" }"#
    );
    let reader = LineReader::new(&b"a\nb\n"[..]).with_path("x.txt");
    let debug = format!("{reader:?}");
    assert!(
        debug.starts_with("LineReader { path: Some(\"x.txt\"), line: 0"),
        "{debug}"
    );
}

#[cfg(feature = "gzip")]
mod gzip {
    use super::*;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn gzip_chosen_explicitly() {
        let file = temp_file("explicit.gz", &gz(b"zipped\r\nlines\n"));
        let gzip = ReadOptions::new().compression(Compression::Gzip);
        assert_eq!(
            collect(gzip.open(file.path()).unwrap()),
            ["zipped\n", "lines\n"]
        );
        // Without the option the compressed bytes are read as they are.
        let raw = ReadOptions::new().newline(yielding::io::Newline::Byte(0xFF));
        let mut reader = raw.open(file.path()).unwrap();
        assert!(
            reader
                .next_line()
                .unwrap()
                .unwrap()
                .starts_with(&[0x1f, 0x8b])
        );
    }

    #[test]
    fn concatenated_members_are_one_stream() {
        // `cat a.gz b.gz > ab.gz`: gzip -d gives a then b; so does the reader.
        let mut data = gz(b"first member\nends mid-");
        data.extend(gz(b"line\nsecond member\n"));
        data.extend(gz(b""));
        data.extend(gz(b"third"));
        let file = temp_file("members.gz", &data);
        let reader = ReadOptions::new()
            .compression(Compression::Gzip)
            .buffer_size(3)
            .open(file.path())
            .unwrap();
        assert_eq!(
            collect(reader),
            [
                "first member\n",
                "ends mid-line\n",
                "second member\n",
                "third"
            ]
        );
    }

    #[test]
    fn auto_detects_gzip_by_its_magic_bytes() {
        let auto = ReadOptions::new().compression(Compression::Auto);
        let zipped = temp_file("auto.gz", &gz(b"was zipped\n"));
        assert_eq!(collect(auto.open(zipped.path()).unwrap()), ["was zipped\n"]);
        for plain in [&b"plain text\n"[..], b"", b"\x1f", b"\x1f\x8a", b"\x8b\x1f"] {
            let file = temp_file("auto.txt", plain);
            let got: Vec<Vec<u8>> = auto
                .open(file.path())
                .unwrap()
                .into_byte_lines()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(got.concat(), plain, "{plain:?}");
        }
        // Detection survives a source that gives one byte at a time.
        let one_byte_reads = OneByte(gz(b"slowly\n"), 0);
        let reader = LineReader::new(Source::from_read(one_byte_reads, Compression::Auto));
        assert_eq!(collect(reader), ["slowly\n"]);
    }

    struct OneByte(Vec<u8>, usize);

    impl Read for OneByte {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.1 == self.0.len() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[self.1];
            self.1 += 1;
            Ok(1)
        }
    }

    #[test]
    fn not_gzip_is_an_io_error_with_the_path() {
        let file = temp_file("not.gz", b"plain\n");
        let mut reader = ReadOptions::new()
            .compression(Compression::Gzip)
            .open(file.path())
            .unwrap();
        let error = reader.next_line().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Io);
        assert_eq!(error.path(), Some(file.path()));
        assert_eq!(reader.next_line().unwrap(), None);
    }

    #[test]
    fn truncated_gzip_is_an_io_error_after_the_lines_before_it() {
        let mut data = gz(&b"a line\n".repeat(10_000));
        data.truncate(data.len() / 2);
        let mut lines =
            LineReader::new(Source::from_read(io::Cursor::new(data), Compression::Gzip))
                .with_path("cut.gz")
                .into_lines();
        let mut good = 0;
        let error = loop {
            match lines.next().expect("an error before the end") {
                Ok(line) => {
                    assert_eq!(line, "a line\n");
                    good += 1;
                }
                Err(error) => break error,
            }
        };
        assert!(good > 0);
        assert_eq!(error.kind(), ErrorKind::Io);
        assert_eq!(error.line(), Some(good + 1));
        assert!(lines.next().is_none());
    }
}

/// Claims to have read one byte more than it was given: a `Read` that breaks its contract.
struct OverReporting;

impl Read for OverReporting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        buf.fill(b'x');
        Ok(buf.len() + 1)
    }
}

#[test]
fn a_reader_that_over_reports_is_an_error_not_a_panic() {
    // Issue 14: gzip auto-detection indexed past its two-byte buffer ("range end index 3
    // out of range for slice of length 2"). Every compression setting now refuses the
    // count with an `InvalidData` error that names it, and the reader ends there.
    let settings = [
        Compression::None,
        #[cfg(feature = "gzip")]
        Compression::Auto,
        #[cfg(feature = "gzip")]
        Compression::Gzip,
    ];
    for compression in settings {
        let mut lines = LineReader::new(Source::from_read(OverReporting, compression)).into_lines();
        let error = match lines.next() {
            Some(Err(error)) => error,
            other => panic!("{compression:?}: expected an error, got {other:?}"),
        };
        let io_error = error.io_error().expect("an I/O error");
        assert_eq!(
            io_error.kind(),
            io::ErrorKind::InvalidData,
            "{compression:?}"
        );
        assert!(
            io_error.to_string().contains("reported reading"),
            "{compression:?}: {io_error}"
        );
        assert!(lines.next().is_none(), "{compression:?}: the reader ended");
    }
}
