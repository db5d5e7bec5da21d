//! Constant-memory readers for line- and record-oriented input (feature `io`).
//!
//! Python's big-data pattern, `for line in open(path)`, reads one line at a time, so memory
//! does not grow with the file. [`LineReader`] does the same, with a fixed buffer and
//! `memchr`, in two forms:
//!
//! - **Borrowed:** `while let Some(line) = reader.next_line()? { ... }` lends each line out
//!   of the reader's buffer as `&[u8]` ([`next_line`](LineReader::next_line)), `&str`
//!   ([`next_str`](LineReader::next_str), validated) or lossy text
//!   ([`next_str_lossy`](LineReader::next_str_lossy)). Nothing is allocated per line.
//! - **Owned:** an [`Iterator`] of `String` ([`Lines`], also what `for line in reader`
//!   gives) or `Vec<u8>` ([`ByteLines`]), for adapters and generator pipelines.
//!
//! **Lines keep their terminator by default, as Python's do** (`"GET /index 200\n"`, a
//! `\r\n` read as `\n` as Python's universal newlines do), where std's `BufRead::lines`
//! strips it. [`Terminator::Strip`] gives std's lines; the example below uses it for the
//! borrowed form and keeps the default for the owned one.
//!
//! ```
//! use yielding::io::{LineReader, ReadOptions, Terminator};
//!
//! let path = std::env::temp_dir().join("yielding-doc-io.log");
//! std::fs::write(&path, "GET /index 200\r\nGET /missing 404\r\nGET /index 200\r\n").unwrap();
//!
//! // Borrowed: no allocation per line.
//! let mut reader = ReadOptions::new().terminator(Terminator::Strip).open(&path)?;
//! let mut errors = 0;
//! while let Some(line) = reader.next_str()? {
//!     if line.ends_with(" 404") {
//!         errors += 1;
//!     }
//! }
//! assert_eq!(errors, 1);
//!
//! // Owned: an Iterator, for adapters. Python's lines: the terminator is kept.
//! let lines: Vec<String> = LineReader::open(&path)?.into_iter().collect::<Result<_, _>>()?;
//! assert_eq!(lines[1], "GET /missing 404\n");
//! let index_hits = lines.iter().filter(|line| line.contains("/index")).count();
//! assert_eq!(index_hits, 2);
//! # std::fs::remove_file(&path).unwrap();
//! # Ok::<(), yielding::io::Error>(())
//! ```
//!
//! # Sources
//!
//! A path ([`LineReader::open`], [`ReadOptions::open`]), standard input (the path `-`, or
//! [`LineReader::stdin`]), or any [`Read`](std::io::Read) ([`LineReader::new`],
//! [`ReadOptions::reader`]). Gzip, with the feature `gzip`, is **chosen explicitly** with
//! `Compression::Gzip`; `Compression::Auto` opts in to detection by gzip's magic bytes.
//! Concatenated gzip members are read as one stream (flate2's `MultiGzDecoder`). See
//! [`Compression`].
//!
//! # Python's choices
//!
//! Each is an explicit option; the defaults are Python's `open(path)`.
//!
//! | Python | `yielding::io` |
//! |---|---|
//! | `for line in open(path)`: universal newlines, each `\r\n` or `\r` given as `\n` | the defaults: [`Newline::Universal`], [`Terminator::Translate`]; [`LineReader::next_str`] or `for line in reader` |
//! | `open(path, newline='')`: universal newlines, terminators kept as they are | [`Terminator::Keep`] |
//! | `open(path, newline='\n')`: only `\n` ends a line | [`Newline::LF`] |
//! | `open(path, 'rb')`: bytes, only `\n` ends a line | [`Newline::LF`], [`Terminator::Keep`]; [`LineReader::next_line`] or [`LineReader::into_byte_lines`] |
//! | `line.rstrip('\r\n')` | [`Terminator::Strip`] |
//! | `errors='strict'` (the default) | [`LineReader::next_str`], [`LineReader::into_lines`] |
//! | `errors='replace'` | [`LineReader::next_str_lossy`], [`LineReader::into_lines_lossy`] |
//! | `data.split(b'\0')` over a stream | [`LineReader::split`], [`ReadOptions::delimiter`] |
//! | `gzip.open(path, 'rt')` | `Compression::Gzip` (feature `gzip`) |
//! | `sys.stdin` | the path `-`, [`LineReader::stdin`] |
//!
//! As in Python: a last line without a terminator is yielded, an empty input yields
//! nothing, `"\n\n"` yields two empty lines, and a `\r` at the end of one read followed by
//! `\n` at the start of the next is a single `\r\n`.
//!
//! Where this differs from Python, it is on purpose: invalid UTF-8 is an error naming the
//! line and offset, and the next read goes on with the next line (Python's iteration dies
//! with a `UnicodeDecodeError`); and lines have a length limit (Python reads any line whole,
//! into memory).
//!
//! # Errors
//!
//! One type, [`Error`], whose [`ErrorKind`] is:
//!
//! - [`ErrorKind::Io`]: opening or reading failed. It names the path, and the line and byte
//!   offset reached. The reader has ended: the borrowed API returns `Ok(None)` from then on,
//!   and the owned iterators yield the error once, then `None`. Every I/O error is this but
//!   the two below, and `Interrupted`, which is retried at once and never reported.
//! - [`ErrorKind::Transient`]: a read failed with `WouldBlock` or `TimedOut` (a
//!   non-blocking socket or pipe with nothing yet, a read timeout). It names the same, but
//!   the reader has not ended: the partial line stays buffered, and the next call goes on
//!   where the source stopped, so that retrying loses and repeats nothing. See
//!   [`LineReader`'s errors](LineReader#errors).
//! - [`ErrorKind::InvalidUtf8`] (strict text reads): names the path, the 1-based line and
//!   the offset of the first invalid byte. The line is consumed; reading goes on.
//! - [`ErrorKind::LineTooLong`]: a line longer than
//!   [`max_line_len`](ReadOptions::max_line_len), by default
//!   [64 MiB](DEFAULT_MAX_LINE_LEN). Names the line and its first byte's offset, and is
//!   reported once more than the limit has been seen, without reading the rest of it into
//!   memory. The next read skips the rest of the line and returns the one after it.
//!
//! # Memory
//!
//! A reader holds one buffer, [64 KiB](DEFAULT_BUFFER_SIZE) by default, whatever the size
//! of the input. It grows only for a line longer than the buffer (doubling, then at most
//! 4 MiB at a time, never past the line limit). Grown past 1 MiB, it shrinks back to its
//! configured size once that line is consumed; grown less, it is kept, so that a file of
//! many long lines does not allocate for each. Peak memory is therefore at most the larger
//! of the buffer and 1 MiB, plus the longest line, plus 4 MiB: within the 8 MiB plus the
//! longest line that the project promises. Gzip adds flate2's 32 KiB input buffer and its
//! inflate state (about 40 KiB).

#![forbid(unsafe_code)]

mod error;
mod lines;
mod options;
mod reader;
mod source;

pub use error::{Error, ErrorKind};
pub use lines::{ByteLines, Lines};
pub use options::{
    Compression, DEFAULT_BUFFER_SIZE, DEFAULT_MAX_LINE_LEN, Newline, ReadOptions, Terminator,
};
pub use reader::LineReader;
pub use source::Source;
