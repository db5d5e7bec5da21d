//! [`LineReader`]: the splitter and its buffer, and the borrowed (lending) API.
//!
//! Why the buffer management is written here rather than taken from a crate: none of the
//! line readers that exist does all of this at once, which the module promises:
//! - lends lines out of its own buffer (no copy, no allocation per line);
//! - keeps memory constant, with a limit on a line that is an error instead of a split
//!   line or an unbounded allocation, then skips that line and goes on;
//! - understands universal newlines, including a `\r` at the end of one read followed by
//!   `\n` at the start of the next;
//! - reports line numbers and byte offsets.
//!
//! `BufRead::read_until` copies each line into a caller's `Vec`, and grows it without
//! bound; `linereader` lends lines but splits a line longer than its buffer into pieces
//! and knows one delimiter byte; `bstr`'s `for_byte_line` takes a closure, strips `\r\n`
//! only and has no limit. What is hand-written is small: one `Vec<u8>`, compacted and
//! refilled when no complete line is left in it. The searching is `memchr` (`memchr2` for
//! universal newlines), so no loop here looks at bytes one by one.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::string::String;

use memchr::{memchr, memchr2};

use crate::raw::text::TextBuf;

use super::error::is_transient;
use super::{ByteLines, Error, Lines, Newline, ReadOptions, Source, Terminator};

/// The most the buffer grows by at once, while a long line is read: growth doubles up to
/// this, then adds this much, so that the buffer never exceeds the longest line by more
/// than 4 MiB.
const MAX_GROWTH: usize = 4 * 1024 * 1024;

/// A buffer grown up to this size is kept after the long line that made it grow, since
/// long lines tend to come in families and re-growing for each would allocate per line. A
/// buffer grown past it shrinks back to the configured size once the line is consumed.
const RETAINED_GROWTH: usize = 1024 * 1024;

/// Reads lines or records from a source, lending each one out of a fixed internal buffer.
///
/// - **Borrowed, no allocation per line:** [`next_line`](Self::next_line) (`&[u8]`),
///   [`next_str`](Self::next_str) (`&str`, strict UTF-8) and
///   [`next_str_lossy`](Self::next_str_lossy). Each borrows the reader until the next call,
///   so it is a `while let` loop rather than an [`Iterator`].
/// - **Owned, an [`Iterator`]:** [`into_lines`](Self::into_lines) (`String`, also what `for`
///   gives), [`into_lines_lossy`](Self::into_lines_lossy) and
///   [`into_byte_lines`](Self::into_byte_lines) (`Vec<u8>`), for adapters and generator
///   pipelines.
///
/// Python's rules hold: a last line without a terminator is returned, an empty input
/// returns nothing, and `"\n\n"` is two empty lines. How lines end and what happens to the
/// terminator are [`ReadOptions`]; the defaults are Python's `open(path)`.
///
/// **Memory** is the buffer ([`DEFAULT_BUFFER_SIZE`](super::DEFAULT_BUFFER_SIZE), 64 KiB,
/// by default) whatever the input's size. It grows only to hold a line longer than
/// itself, by doubling and then by at most 4 MiB at a time, never past
/// [`max_line_len`](ReadOptions::max_line_len) plus two bytes. Grown past 1 MiB, it
/// shrinks back to its configured size once that line is consumed; grown less, it is kept
/// for the next long line. Peak memory is therefore at most the larger of the buffer size
/// and 1 MiB, plus the longest line, plus 4 MiB.
///
/// ```
/// use yielding::io::LineReader;
///
/// let path = std::env::temp_dir().join("yielding-doc-line-reader.txt");
/// std::fs::write(&path, "alpha\r\nbeta\rgamma\n\ndelta").unwrap();
///
/// let mut reader = LineReader::open(&path)?;
/// let mut lines = Vec::new();
/// while let Some(line) = reader.next_str()? {
///     lines.push(line.to_owned());
/// }
/// // Python: list(open(path)) == ['alpha\n', 'beta\n', 'gamma\n', '\n', 'delta']
/// assert_eq!(lines, ["alpha\n", "beta\n", "gamma\n", "\n", "delta"]);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), yielding::io::Error>(())
/// ```
///
/// # Errors
///
/// Errors ([`Error`]) name the path, the line and a byte offset. What the reader does next
/// depends on the [`ErrorKind`](super::ErrorKind):
///
/// | error | the reader after it |
/// |---|---|
/// | an I/O error of kind `WouldBlock` or `TimedOut`: [`ErrorKind::Transient`](super::ErrorKind::Transient) | **goes on**: the partial line stays buffered, nothing is consumed, and the next call reads on from where the source stopped |
/// | any other I/O error: [`ErrorKind::Io`](super::ErrorKind::Io) | **ended**: `None` from then on |
/// | `Interrupted` | never reported: retried at once, as Python does (PEP 475) |
/// | [`ErrorKind::InvalidUtf8`](super::ErrorKind::InvalidUtf8) | the line is consumed; the next call returns the line after it |
/// | [`ErrorKind::LineTooLong`](super::ErrorKind::LineTooLong) | the next call skips the rest of the line and returns the one after it |
///
/// So a reader over a non-blocking socket or pipe, or one with a read timeout, can be
/// called again after a transient error as often as needed: what it gives, those errors
/// aside, is what it would have given had they not happened, the lines of the whole input
/// byte for byte. A line is given only once it is whole: lines already complete in the
/// buffer are returned before the source is read again, and a partial one is never given as
/// if it were a last line. (Python's `readline()` on a non-blocking stream returns the
/// partial line, or `b''` when it has nothing, which look the same as a last line and as
/// the end.) A loop that skips errors spins while such a source has nothing: wait until it
/// is readable before calling again. A transient error costs one small allocation, the
/// error itself (two for a reader with a path, which the error copies); going on after it
/// costs nothing.
///
/// Only `WouldBlock` and `TimedOut` are transient because they are the kinds that mean "ask
/// again". The others say that the data is wrong (`UnexpectedEof`, `InvalidData`,
/// `InvalidInput`: a gzip stream cut short or corrupt), that the peer is gone
/// (`ConnectionReset`, `BrokenPipe`...), or nothing the reader can know (`Other`); a
/// caller retrying on those would loop for ever, or read on past a hole. Whether to retry
/// after a transient error, and when, is the caller's choice: a `TimedOut` from a
/// connection that is dead rather than slow will not recover, and the reader cannot tell
/// the two apart.
///
/// A [`Source`] keeps the same promise through gzip detection and decompression: see
/// [its errors](Source#errors).
///
/// ```
/// use std::collections::VecDeque;
/// use std::io::{self, Read};
/// use yielding::io::{ErrorKind, LineReader};
///
/// /// A non-blocking socket: each read gives a chunk, or has nothing yet (`None`).
/// struct Socket(VecDeque<Option<&'static [u8]>>);
/// impl Read for Socket {
///     fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
///         match self.0.pop_front() {
///             Some(Some(chunk)) => {
///                 buf[..chunk.len()].copy_from_slice(chunk);
///                 Ok(chunk.len())
///             }
///             Some(None) => Err(io::ErrorKind::WouldBlock.into()),
///             None => Ok(0),
///         }
///     }
/// }
///
/// let socket = Socket(VecDeque::from([Some(&b"GET /a\nGE"[..]), None, Some(b"T /b\n"), None]));
/// let mut reader = LineReader::new(socket).with_path("client");
/// let mut requests = Vec::new();
/// loop {
///     match reader.next_str() {
///         Ok(Some(line)) => requests.push(line.to_owned()),
///         Ok(None) => break,
///         Err(error) if error.kind() == ErrorKind::Transient => {
///             // Wait for the socket to be readable (poll, epoll...), then call again.
///             assert_eq!(error.io_error().unwrap().kind(), io::ErrorKind::WouldBlock);
///         }
///         Err(error) => return Err(error),
///     }
/// }
/// // "GE" was kept across the WouldBlock: nothing lost, nothing repeated.
/// assert_eq!(requests, ["GET /a\n", "GET /b\n"]);
/// # Ok::<(), yielding::io::Error>(())
/// ```
pub struct LineReader<R> {
    source: R,
    /// The buffer. Its length is the usable size; bytes `pos..end` are read and not yet
    /// returned. It also knows which of them are ASCII, which `next_str` need not validate.
    buf: TextBuf,
    pos: usize,
    end: usize,
    /// `pos..scanned` holds no terminator: searching resumes here after a refill, so a
    /// long line is scanned once, not once per refill.
    scanned: usize,
    /// The input offset of `buf[0]`.
    base: u64,
    /// How many lines have been returned, errors included: the number of the last one.
    line: u64,
    /// The source reported its end.
    eof: bool,
    /// A fatal I/O error ended the reader. (A transient one leaves no trace.)
    failed: bool,
    /// An over-long line was reported; the rest of it is still to be skipped.
    skipping: bool,
    options: ReadOptions,
    max_capacity: usize,
    path: Option<PathBuf>,
}

/// A line found in the buffer: `start..content_end` is its content, `content_end..next`
/// its terminator (empty for a last line without one).
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    content_end: usize,
    next: usize,
}

impl LineReader<Source> {
    /// Opens a file, or standard input if `path` is `-`, with the default options
    /// (Python's `open(path)`: universal newlines, terminators kept as `\n`). The same as
    /// [`ReadOptions::new().open(path)`](ReadOptions::open).
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::Io`](super::ErrorKind::Io) error naming `path` if it cannot be
    /// opened.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let path = std::env::temp_dir().join("yielding-doc-open.txt");
    /// std::fs::write(&path, "one\ntwo\n").unwrap();
    /// let lines: Vec<String> = LineReader::open(&path)?.into_iter().collect::<Result<_, _>>()?;
    /// assert_eq!(lines, ["one\n", "two\n"]);
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        ReadOptions::new().open(path)
    }

    /// Reads standard input with the default options; errors name the path `-`.
    ///
    /// ```no_run
    /// use yielding::io::LineReader;
    ///
    /// let mut count = 0;
    /// let mut stdin = LineReader::stdin();
    /// while stdin.next_line()?.is_some() {
    ///     count += 1;
    /// }
    /// println!("{count} lines");
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn stdin() -> Self {
        ReadOptions::new().stdin()
    }
}

impl<R: Read> LineReader<R> {
    /// Reads `source` with the default options: Python's `open(path)` (universal newlines,
    /// terminators kept as `\n`), a 64 KiB buffer and a 64 MiB line limit.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"a\r\nb"[..]);
    /// assert_eq!(reader.next_line()?, Some(&b"a\n"[..]));
    /// assert_eq!(reader.next_line()?, Some(&b"b"[..]));
    /// assert_eq!(reader.next_line()?, None);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn new(source: R) -> Self {
        Self::with_options(source, ReadOptions::new())
    }

    /// Reads `source` with `options`. The same as
    /// [`options.reader(source)`](ReadOptions::reader).
    ///
    /// ```
    /// use yielding::io::{LineReader, ReadOptions, Terminator};
    ///
    /// let options = ReadOptions::new().terminator(Terminator::Strip);
    /// let mut reader = LineReader::with_options(&b"a\nb\n"[..], options);
    /// assert_eq!(reader.next_str()?, Some("a"));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn with_options(source: R, options: ReadOptions) -> Self {
        let size = options.buffer_size.max(1);
        Self {
            source,
            buf: TextBuf::new(size),
            pos: 0,
            end: 0,
            scanned: 0,
            base: 0,
            line: 0,
            eof: false,
            failed: false,
            skipping: false,
            options,
            max_capacity: size.max(options.max_line_len.saturating_add(2)),
            path: None,
        }
    }

    /// Reads records separated by `delimiter`, with the delimiter removed, as
    /// [`BufRead::split`](std::io::BufRead::split) does: `a\0b\0` is the two records `a` and
    /// `b`, and `a\0b` too. For other choices use
    /// [`ReadOptions::delimiter`] with a [`Terminator`].
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut records = LineReader::split(&b"src/a.rs\0src/b.rs\0"[..], b'\0');
    /// assert_eq!(records.next_str()?, Some("src/a.rs"));
    /// assert_eq!(records.next_str()?, Some("src/b.rs"));
    /// assert_eq!(records.next_str()?, None);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn split(source: R, delimiter: u8) -> Self {
        Self::with_options(
            source,
            ReadOptions::new()
                .delimiter(delimiter)
                .terminator(Terminator::Strip),
        )
    }

    /// Names the source, for errors: any `Read` can be given the path it came from.
    /// [`open`](LineReader::open) sets it already.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"\xff\n"[..]).with_path("upload.csv");
    /// let error = reader.next_str().unwrap_err();
    /// assert_eq!(error.to_string(), "upload.csv: line 1: invalid UTF-8 at byte offset 0");
    /// ```
    #[must_use]
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// The next line as bytes, borrowed from the reader's buffer until the next call; `None`
    /// at the end. Nothing is allocated per line. Python's binary mode is this with
    /// [`Newline::LF`] and [`Terminator::Keep`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::LineTooLong`](super::ErrorKind::LineTooLong), after which the next call
    /// returns the line after it; [`ErrorKind::Transient`](super::ErrorKind::Transient)
    /// (`WouldBlock`, `TimedOut`), after which the next call goes on where the source
    /// stopped, the partial line kept; [`ErrorKind::Io`](super::ErrorKind::Io), after which
    /// every call returns `Ok(None)`. See [Errors](Self#errors).
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"GET /a 200\nGET /b 404\n"[..]);
    /// let mut not_found = 0;
    /// while let Some(line) = reader.next_line()? {
    ///     if line.windows(3).any(|w| w == b"404") {
    ///         not_found += 1;
    ///     }
    /// }
    /// assert_eq!(not_found, 1);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[inline]
    pub fn next_line(&mut self) -> Result<Option<&[u8]>, Error> {
        match self.advance()? {
            Some(span) => {
                let (start, end) = self.present(span);
                Ok(Some(&self.buf.as_slice()[start..end]))
            }
            None => Ok(None),
        }
    }

    /// The next line as `&str`, validated as strict UTF-8 (Python's default
    /// `errors='strict'`), borrowed until the next call; `None` at the end. Nothing is
    /// allocated per line.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidUtf8`](super::ErrorKind::InvalidUtf8) naming the line and the
    /// offset of its first invalid byte, after which the next call returns the line after
    /// it; and the errors of [`next_line`](Self::next_line).
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new("héllo\nwörld\n".as_bytes());
    /// let mut total_chars = 0;
    /// while let Some(line) = reader.next_str()? {
    ///     total_chars += line.trim_end().chars().count();
    /// }
    /// assert_eq!(total_chars, 10);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[inline]
    pub fn next_str(&mut self) -> Result<Option<&str>, Error> {
        let Some(span) = self.advance()? else {
            return Ok(None);
        };
        let (start, end) = self.present(span);
        if !self.buf.is_known_ascii(start..end) {
            // Once per read for ASCII text, not once per line: learn about everything
            // buffered from this line on (nothing after `end` is changed before it is read
            // again, so what is learnt holds for the lines that follow).
            self.buf.extend_ascii(start..self.end);
        }
        if let Some(line) = self.buf.str_if_ascii(start..end) {
            return Ok(Some(line));
        }
        match std::str::from_utf8(&self.buf.as_slice()[start..end]) {
            Ok(line) => Ok(Some(line)),
            Err(error) => Err(self.invalid_utf8(start, error)),
        }
    }

    /// The next line as text, with each invalid UTF-8 sequence replaced by `U+FFFD`
    /// (Python's `errors='replace'`); `None` at the end. A valid line is borrowed and
    /// allocates nothing; only a line that needs replacing is copied.
    ///
    /// # Errors
    ///
    /// Those of [`next_line`](Self::next_line).
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"ok\nbad\xff\n"[..]);
    /// assert!(matches!(reader.next_str_lossy()?, Some(Cow::Borrowed("ok\n"))));
    /// assert_eq!(reader.next_str_lossy()?.as_deref(), Some("bad\u{FFFD}\n"));
    /// assert_eq!(reader.next_str_lossy()?, None);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[inline]
    pub fn next_str_lossy(&mut self) -> Result<Option<Cow<'_, str>>, Error> {
        match self.advance()? {
            Some(span) => {
                let (start, end) = self.present(span);
                Ok(Some(String::from_utf8_lossy(
                    &self.buf.as_slice()[start..end],
                )))
            }
            None => Ok(None),
        }
    }

    /// An [`Iterator`] of owned `String`s, strict UTF-8: Python's `for line in open(path)`.
    /// `for line in reader` gives the same.
    ///
    /// **Each line keeps its terminator (`"GET /\n"`), as Python's lines do, unlike std's
    /// [`BufRead::lines`](std::io::BufRead::lines), which strips it.** A comparison such as
    /// `line == "END"` is then never true. For std's behaviour, read with
    /// [`Terminator::Strip`](super::Terminator::Strip), as below.
    ///
    /// After an [`ErrorKind::Io`](super::ErrorKind::Io) error it yields `None`; after an
    /// [`ErrorKind::Transient`](super::ErrorKind::Transient) one it goes on where the source
    /// stopped, and after the others with the next line (so
    /// `collect::<Result<Vec<_>, _>>()` stops at the first error of any kind).
    ///
    /// ```
    /// use yielding::io::{ReadOptions, Terminator};
    ///
    /// let reader = ReadOptions::new().terminator(Terminator::Strip).reader(&b"3\n1\n2\n"[..]);
    /// let total: u32 = reader
    ///     .into_lines()
    ///     .map(|line| line.unwrap().parse::<u32>().unwrap())
    ///     .sum();
    /// assert_eq!(total, 6);
    /// ```
    #[must_use]
    pub fn into_lines(self) -> Lines<R> {
        Lines::new(self, false)
    }

    /// An [`Iterator`] of owned `String`s with invalid UTF-8 replaced by `U+FFFD`: Python's
    /// `open(path, errors='replace')`.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let lines: Vec<String> = LineReader::new(&b"caf\xe9\n"[..])
    ///     .into_lines_lossy()
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(lines, ["caf\u{FFFD}\n"]);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn into_lines_lossy(self) -> Lines<R> {
        Lines::new(self, true)
    }

    /// An [`Iterator`] of owned byte lines (`Vec<u8>`): Python's `for line in open(path,
    /// 'rb')` when the options are [`Newline::LF`] and [`Terminator::Keep`].
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let records: Vec<Vec<u8>> = LineReader::split(&b"\x00\x01;\xff"[..], b';')
    ///     .into_byte_lines()
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(records, [vec![0, 1], vec![0xff]]);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn into_byte_lines(self) -> ByteLines<R> {
        ByteLines::new(self)
    }

    /// The number of lines returned so far, errors included: the 1-based number of the
    /// last line returned, or 0 before the first. An I/O error, transient or not, is not a
    /// line and does not count.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"a\nb\n"[..]);
    /// assert_eq!(reader.line_number(), 0);
    /// reader.next_line()?;
    /// assert_eq!(reader.line_number(), 1);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn line_number(&self) -> u64 {
        self.line
    }

    /// How many bytes of the input have been returned or skipped: the offset of the next
    /// line's first byte. Suits a progress bar over a file of known size (for gzip, it
    /// counts decompressed bytes).
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"abc\r\nde\n"[..]);
    /// reader.next_line()?;
    /// assert_eq!(reader.offset(), 5);
    /// reader.next_line()?;
    /// assert_eq!(reader.offset(), 8);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The path errors name, if any: the file opened, `-` for standard input, or what
    /// [`with_path`](Self::with_path) set.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// assert_eq!(LineReader::new(&b""[..]).path(), None);
    /// assert_eq!(LineReader::stdin().path(), Some(std::path::Path::new("-")));
    /// ```
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The options this reader was made with.
    ///
    /// ```
    /// use yielding::io::{LineReader, ReadOptions};
    ///
    /// assert_eq!(*LineReader::new(&b""[..]).options(), ReadOptions::new());
    /// ```
    #[must_use]
    pub fn options(&self) -> &ReadOptions {
        &self.options
    }

    /// The bytes the buffer holds now: the configured buffer size, or more after a line
    /// longer than it (up to 1 MiB is kept for the next long line; more shrinks back once
    /// the line is consumed).
    ///
    /// ```
    /// use yielding::io::ReadOptions;
    ///
    /// let mut data = vec![b'x'; 3 << 20]; // a 3 MiB line
    /// data.extend_from_slice(b"\nshort\n");
    /// let mut reader = ReadOptions::new().buffer_size(16).reader(&data[..]);
    /// assert_eq!(reader.buffer_capacity(), 16);
    /// assert_eq!(reader.next_line()?.map(<[u8]>::len), Some((3 << 20) + 1));
    /// assert!(reader.buffer_capacity() > 3 << 20); // grew for the long line
    /// reader.next_line()?;
    /// reader.next_line()?;
    /// assert_eq!(reader.buffer_capacity(), 16); // and shrank back after it
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The source.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let reader = LineReader::new(std::io::Cursor::new(b"a\n"));
    /// assert_eq!(reader.get_ref().position(), 0);
    /// ```
    #[must_use]
    pub fn get_ref(&self) -> &R {
        &self.source
    }

    /// The source, mutably. Reading from it directly skips bytes the reader has not seen.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(std::io::Cursor::new(b"a\n"));
    /// reader.get_mut().set_position(1);
    /// assert_eq!(reader.next_line()?, Some(&b"\n"[..]));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.source
    }

    /// The source back. Bytes the reader had read ahead into its buffer are lost.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let cursor = LineReader::new(std::io::Cursor::new(b"a\n")).into_inner();
    /// assert_eq!(cursor.into_inner(), b"a\n");
    /// ```
    #[must_use]
    pub fn into_inner(self) -> R {
        self.source
    }

    /// Finds the next line and consumes it. The fast path: one `memchr` over the buffer.
    #[inline]
    fn advance(&mut self) -> Result<Option<Span>, Error> {
        if !self.skipping {
            if let Some((content_end, next)) = self.find() {
                return self.take(content_end, next);
            }
        }
        self.advance_slow()
    }

    /// Refills, skips an over-long line's rest, and handles the end of the input.
    #[inline(never)]
    fn advance_slow(&mut self) -> Result<Option<Span>, Error> {
        loop {
            if self.failed {
                return Ok(None);
            }
            if self.skipping {
                if let Some((_, next)) = self.find() {
                    self.pos = next;
                    self.scanned = next;
                    self.skipping = false;
                } else if self.eof {
                    // The over-long line was the last one.
                    self.pos = self.end;
                    self.scanned = self.end;
                    self.skipping = false;
                } else {
                    // Drop what is known to belong to the line; keep a trailing `\r`, which
                    // may be the start of its `\r\n`.
                    self.pos = self.scanned;
                    self.fill()?;
                }
                continue;
            }
            if let Some((content_end, next)) = self.find() {
                return self.take(content_end, next);
            }
            // No terminator in `pos..end`.
            if self.eof {
                if self.pos == self.end {
                    return Ok(None);
                }
                // A last line without a terminator is a line, as in Python.
                return self.take(self.end, self.end);
            }
            if self.scanned - self.pos > self.options.max_line_len {
                // Too long already: report it now, before reading (and keeping) the rest.
                self.line += 1;
                let error = self.too_long(self.pos);
                self.pos = self.scanned;
                self.skipping = true;
                return Err(error);
            }
            self.fill()?;
        }
    }

    /// Looks for the end of the line starting at `pos`: `(content_end, next)`, or `None`
    /// (with `scanned` moved past what was searched) if it is not in the buffer yet.
    #[inline(always)]
    fn find(&mut self) -> Option<(usize, usize)> {
        let from = self.scanned;
        let buf = self.buf.as_slice();
        let haystack = &buf[from..self.end];
        match self.options.newline {
            Newline::Byte(delimiter) => {
                if let Some(i) = memchr(delimiter, haystack) {
                    return Some((from + i, from + i + 1));
                }
            }
            Newline::Universal => {
                if let Some(i) = memchr2(b'\n', b'\r', haystack) {
                    let at = from + i;
                    if buf[at] == b'\n' {
                        return Some((at, at + 1));
                    }
                    // A `\r`: it is `\r\n` if a `\n` follows. When the `\r` is the last
                    // byte read, that is not known until the next read (or the end).
                    if at + 1 < self.end {
                        let len = if buf[at + 1] == b'\n' { 2 } else { 1 };
                        return Some((at, at + len));
                    }
                    if self.eof {
                        return Some((at, at + 1));
                    }
                    self.scanned = at;
                    return None;
                }
            }
        }
        self.scanned = self.end;
        None
    }

    /// Consumes the line `pos..next`, whose content ends at `content_end`.
    #[inline(always)]
    fn take(&mut self, content_end: usize, next: usize) -> Result<Option<Span>, Error> {
        let start = self.pos;
        self.pos = next;
        self.scanned = next;
        self.line += 1;
        if content_end - start > self.options.max_line_len {
            return Err(self.too_long(start));
        }
        Ok(Some(Span {
            start,
            content_end,
            next,
        }))
    }

    /// The bytes of `span` to give out, after the terminator option.
    #[inline(always)]
    fn present(&mut self, span: Span) -> (usize, usize) {
        match self.options.terminator {
            Terminator::Keep => (span.start, span.next),
            Terminator::Strip => (span.start, span.content_end),
            Terminator::Translate => {
                if self.options.newline == Newline::Universal && span.next > span.content_end {
                    // `\r\n`, `\r` or `\n`, given as `\n`: written over the terminator's first
                    // byte, in place, since that part of the buffer has been consumed.
                    self.buf.set_ascii(span.content_end, b'\n');
                    (span.start, span.content_end + 1)
                } else {
                    (span.start, span.next)
                }
            }
        }
    }

    /// Reads more from the source after `end`, first moving the unconsumed bytes to the
    /// front of the buffer, and growing it (a line longer than it) or shrinking it back (the
    /// long line has been consumed) as needed.
    fn fill(&mut self) -> Result<(), Error> {
        if self.pos > 0 {
            self.buf.move_to_front(self.pos..self.end);
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.scanned -= self.pos;
            self.pos = 0;
        }
        let size = self.options.buffer_size.max(1);
        if self.buf.len() > size.max(RETAINED_GROWTH) && self.end <= size / 2 {
            self.buf.truncate(size);
            self.buf.shrink_to(size);
        } else if self.end == self.buf.len() {
            self.grow();
        }
        loop {
            match self.source.read(self.buf.tail_mut(self.end)) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    // `min`: a `Read` that claims more than it was given breaks its
                    // contract; do not let it break ours.
                    self.end += n.min(self.buf.len() - self.end);
                    return Ok(());
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(self.read_failed(error)),
            }
        }
    }

    /// The error for a failed read, which ends the reader unless it is transient.
    ///
    /// A transient error changes nothing: `Read` promises that a failed read has read
    /// nothing, and everything done before it (compacting, growing) only moved or made room
    /// around the buffered bytes, so the next call searches from `scanned` and reads into
    /// `end` as if this read had never been tried.
    #[cold]
    #[inline(never)]
    fn read_failed(&mut self, error: io::Error) -> Error {
        // The line being read: the over-long one still being skipped, or the next.
        let line = if self.skipping {
            self.line
        } else {
            self.line + 1
        };
        let offset = self.base + self.end as u64;
        if is_transient(error.kind()) {
            return Error::transient(self.path.clone(), line, offset, error);
        }
        self.failed = true;
        Error::io(self.path.clone(), Some(line), Some(offset), error)
    }

    /// The buffer is full of one unfinished line: make it larger.
    #[cold]
    fn grow(&mut self) {
        let len = self.buf.len();
        // A full buffer here holds at most `max_line_len + 1` bytes of the line (a longer
        // one has been reported), so there is room below `max_capacity`.
        debug_assert!(len < self.max_capacity);
        let new_len = len
            .saturating_add(len.min(MAX_GROWTH))
            .min(self.max_capacity)
            .max(len + 1);
        self.buf.reserve_exact(new_len - len);
        self.buf.resize(new_len, 0);
    }

    #[cold]
    fn too_long(&self, start: usize) -> Error {
        Error::line_too_long(
            self.path.clone(),
            self.line,
            self.base + start as u64,
            self.options.max_line_len,
        )
    }

    #[cold]
    fn invalid_utf8(&self, start: usize, error: std::str::Utf8Error) -> Error {
        let offset = self.base + (start + error.valid_up_to()) as u64;
        Error::invalid_utf8(self.path.clone(), self.line, offset, error)
    }
}

impl<R: Read> IntoIterator for LineReader<R> {
    type Item = Result<String, Error>;
    type IntoIter = Lines<R>;

    /// Owned `String` lines, strict UTF-8: the same as
    /// [`into_lines`](LineReader::into_lines). Python's `for line in open(path)`.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut count = 0;
    /// for line in LineReader::new(&b"a\nb\nc"[..]) {
    ///     let line: String = line?;
    ///     assert!(!line.is_empty());
    ///     count += 1;
    /// }
    /// assert_eq!(count, 3);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    fn into_iter(self) -> Lines<R> {
        self.into_lines()
    }
}

impl<R> fmt::Debug for LineReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineReader")
            .field("path", &self.path)
            .field("line", &self.line)
            .field("offset", &(self.base + self.pos as u64))
            .field("buffered", &(self.end - self.pos))
            .field("capacity", &self.buf.capacity())
            .field("eof", &self.eof)
            .field("failed", &self.failed)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
