//! [`Error`]: what went wrong, on which line of which source.

use std::boxed::Box;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::Utf8Error;

/// The kind of an [`Error`], and whether the reader goes on after it.
///
/// | kind | the reader after it |
/// |---|---|
/// | [`Io`](ErrorKind::Io) | ended: every later read returns `None` |
/// | [`Transient`](ErrorKind::Transient) | unchanged: the next read goes on where the source stopped, the partial line kept |
/// | [`InvalidUtf8`](ErrorKind::InvalidUtf8) | the line consumed: the next read returns the line after it |
/// | [`LineTooLong`](ErrorKind::LineTooLong) | the next read skips the rest of the line and returns the one after it |
///
/// An I/O error from the source is [`Transient`](ErrorKind::Transient) when its
/// [`std::io::ErrorKind`] is `WouldBlock` or `TimedOut`, and [`Io`](ErrorKind::Io), fatal,
/// for every other kind; `Interrupted` is retried inside the reader and never reported.
/// See [`LineReader`](super::LineReader#errors) for why.
///
/// ```
/// use yielding::io::{ErrorKind, ReadOptions};
///
/// let mut reader = ReadOptions::new().reader(&b"\xff\n"[..]);
/// let error = reader.next_str().unwrap_err();
/// assert_eq!(error.kind(), ErrorKind::InvalidUtf8);
/// assert!(!error.kind().is_fatal());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Opening or reading the source failed. The reader has ended: every later read returns
    /// `None`. Fatal. Every [`std::io::ErrorKind`] but `WouldBlock`, `TimedOut` and
    /// `Interrupted` is this.
    Io,
    /// Reading the source failed for now: its [`std::io::ErrorKind`] is `WouldBlock` (a
    /// non-blocking socket or pipe with nothing to give yet, or a read timeout on Unix) or
    /// `TimedOut` (a read timeout on Windows). Nothing is lost: the bytes of the partial
    /// line stay buffered and no line is consumed, so the next read goes on where the source
    /// stopped. Not fatal.
    ///
    /// ```
    /// use std::io::{self, Read};
    /// use yielding::io::{ErrorKind, LineReader};
    ///
    /// /// Gives "par", then has nothing for one call, then "tial\n".
    /// struct Socket(u8);
    /// impl Read for Socket {
    ///     fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
    ///         self.0 += 1;
    ///         let chunk: &[u8] = match self.0 {
    ///             1 => b"par",
    ///             2 => return Err(io::ErrorKind::WouldBlock.into()),
    ///             3 => b"tial\n",
    ///             _ => b"",
    ///         };
    ///         buf[..chunk.len()].copy_from_slice(chunk);
    ///         Ok(chunk.len())
    ///     }
    /// }
    ///
    /// let mut reader = LineReader::new(Socket(0));
    /// let error = reader.next_str().unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Transient);
    /// assert_eq!((error.line(), error.offset()), (Some(1), Some(3)));
    /// assert_eq!(reader.next_str()?, Some("partial\n"));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    Transient,
    /// A line is not valid UTF-8 (strict reads only). The line has been consumed; the next
    /// read returns the line after it.
    InvalidUtf8,
    /// A line is longer than [`ReadOptions::max_line_len`](super::ReadOptions::max_line_len).
    /// The next read skips the rest of it and returns the line after it.
    LineTooLong,
}

impl ErrorKind {
    /// Whether the reader has ended after this error. Only [`ErrorKind::Io`] is fatal; after
    /// [`ErrorKind::Transient`] reading goes on where the source stopped, and after the
    /// others with the next line.
    ///
    /// ```
    /// use yielding::io::ErrorKind;
    ///
    /// assert!(ErrorKind::Io.is_fatal());
    /// assert!(!ErrorKind::Transient.is_fatal());
    /// assert!(!ErrorKind::InvalidUtf8.is_fatal());
    /// assert!(!ErrorKind::LineTooLong.is_fatal());
    /// ```
    #[must_use]
    pub const fn is_fatal(self) -> bool {
        matches!(self, ErrorKind::Io)
    }
}

/// An error from a [`LineReader`](super::LineReader) or its iterators: an I/O error,
/// invalid UTF-8, or a line over the limit. It names the source's path (when it has one),
/// the 1-based line number and a byte offset, and its message says all three:
///
/// ```text
/// data/log.txt: line 3: invalid UTF-8 at byte offset 17
/// data/log.txt: line 9: line longer than 67108864 bytes (it starts at byte offset 4096)
/// data/log.txt: line 12: read error at byte offset 90112: Input/output error (os error 5)
/// <stdin>: line 4: temporary read error at byte offset 77: Resource temporarily unavailable (os error 11)
/// ```
///
/// Standard input, whose path is `-`, is shown as `<stdin>`. Offsets count bytes from the
/// start of the input (after decompression, for gzip).
///
/// **Which errors end the reader:** only [`ErrorKind::Io`]
/// ([`is_fatal`](Self::is_fatal)), which is every I/O error from the source except these:
///
/// - `WouldBlock` and `TimedOut` are [`ErrorKind::Transient`]: the reader keeps the partial
///   line it had buffered, and the next call goes on reading where the source stopped, so
///   that nothing is lost or repeated however often it is retried.
/// - `Interrupted` is retried inside the reader, as Python does (PEP 475), and never
///   reported.
///
/// After [`ErrorKind::InvalidUtf8`] and [`ErrorKind::LineTooLong`] the reader goes on with
/// the next line. The error converts into [`std::io::Error`] (the source's own kind for
/// I/O errors, so a `WouldBlock` stays one; `InvalidData` for bad lines), so `?` works in
/// functions that return `io::Result`. It is boxed inside, one pointer wide, so results
/// stay small.
///
/// ```
/// use yielding::io::{ErrorKind, LineReader};
///
/// let mut reader = LineReader::new(&b"ok\nbad \xff here\nfine\n"[..]).with_path("input.txt");
/// assert_eq!(reader.next_str()?, Some("ok\n"));
///
/// let error = reader.next_str().unwrap_err();
/// assert_eq!(error.kind(), ErrorKind::InvalidUtf8);
/// assert_eq!(error.path(), Some(std::path::Path::new("input.txt")));
/// assert_eq!(error.line(), Some(2));
/// assert_eq!(error.offset(), Some(7)); // the 0xff: 3 bytes of line 1, then "bad "
/// assert_eq!(error.to_string(), "input.txt: line 2: invalid UTF-8 at byte offset 7");
///
/// // Nothing is lost: reading goes on with the next line.
/// assert_eq!(reader.next_str()?, Some("fine\n"));
/// # Ok::<(), yielding::io::Error>(())
/// ```
pub struct Error(Box<Inner>);

struct Inner {
    path: Option<PathBuf>,
    line: Option<u64>,
    offset: Option<u64>,
    detail: Detail,
}

enum Detail {
    Io(io::Error),
    /// An error of a kind [`is_transient`] accepts, from a read (never from opening, after
    /// which there is no reader to retry).
    Transient(io::Error),
    InvalidUtf8(Utf8Error),
    LineTooLong {
        limit: usize,
    },
}

/// Whether an error from the source leaves it able to go on: the reader keeps its state
/// and reports [`ErrorKind::Transient`] instead of ending.
///
/// `Read`'s contract promises that a read that fails has read nothing, so after any error
/// the reader could in principle retry without losing a byte. What decides is what the
/// kind means, since a caller who retries on an error the source will never recover from
/// loops for ever:
/// - `WouldBlock`: "nothing yet, ask again", by definition (`EAGAIN`; also a socket's read
///   timeout on Unix).
/// - `TimedOut`: a read timeout (Windows reports a socket's read timeout as this). A caller
///   who does not want to wait longer stops retrying, which it can.
///
/// And every other kind ends the reader, `Interrupted` aside (retried in place):
/// `UnexpectedEof`, `InvalidData` and `InvalidInput` (a truncated or corrupt gzip stream, a
/// `Read` that breaks its contract) say the data itself is wrong, so a retry could only
/// read on past a hole; `ConnectionReset`, `ConnectionAborted`, `BrokenPipe` and
/// `NotConnected` say the peer is gone, and a retry would at best see the end of a
/// stream that did not end; `ResourceBusy`, `OutOfMemory` and the like have no "try later"
/// meaning for a read; and `Other`, custom and future kinds are unknown, where stopping is
/// the answer that cannot hang or mislead.
#[inline]
pub(super) fn is_transient(kind: io::ErrorKind) -> bool {
    matches!(kind, io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

impl Error {
    pub(super) fn transient(
        path: Option<PathBuf>,
        line: u64,
        offset: u64,
        error: io::Error,
    ) -> Self {
        Self::new(path, Some(line), Some(offset), Detail::Transient(error))
    }

    pub(super) fn io(
        path: Option<PathBuf>,
        line: Option<u64>,
        offset: Option<u64>,
        error: io::Error,
    ) -> Self {
        Self::new(path, line, offset, Detail::Io(error))
    }

    pub(super) fn invalid_utf8(
        path: Option<PathBuf>,
        line: u64,
        offset: u64,
        error: Utf8Error,
    ) -> Self {
        Self::new(path, Some(line), Some(offset), Detail::InvalidUtf8(error))
    }

    pub(super) fn line_too_long(
        path: Option<PathBuf>,
        line: u64,
        offset: u64,
        limit: usize,
    ) -> Self {
        Self::new(
            path,
            Some(line),
            Some(offset),
            Detail::LineTooLong { limit },
        )
    }

    #[cold]
    fn new(path: Option<PathBuf>, line: Option<u64>, offset: Option<u64>, detail: Detail) -> Self {
        Self(Box::new(Inner {
            path,
            line,
            offset,
            detail,
        }))
    }

    /// What went wrong.
    ///
    /// ```
    /// use yielding::io::{ErrorKind, ReadOptions};
    ///
    /// let mut reader = ReadOptions::new().max_line_len(1).reader(&b"long\n"[..]);
    /// assert_eq!(reader.next_line().unwrap_err().kind(), ErrorKind::LineTooLong);
    /// ```
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self.0.detail {
            Detail::Io(_) => ErrorKind::Io,
            Detail::Transient(_) => ErrorKind::Transient,
            Detail::InvalidUtf8(_) => ErrorKind::InvalidUtf8,
            Detail::LineTooLong { .. } => ErrorKind::LineTooLong,
        }
    }

    /// Whether the reader has ended after this error: true for [`ErrorKind::Io`] only. A
    /// loop that retries while this is false cannot spin on a source that is gone.
    ///
    /// ```
    /// use std::io::{self, Read};
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"\xff\nok\n"[..]);
    /// let error = reader.next_str().unwrap_err();
    /// assert!(!error.is_fatal());
    /// assert_eq!(reader.next_str()?, Some("ok\n"));
    ///
    /// struct Gone;
    /// impl Read for Gone {
    ///     fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
    ///         Err(io::ErrorKind::ConnectionReset.into())
    ///     }
    /// }
    /// let mut reader = LineReader::new(Gone);
    /// assert!(reader.next_str().unwrap_err().is_fatal());
    /// assert_eq!(reader.next_str()?, None);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn is_fatal(&self) -> bool {
        self.kind().is_fatal()
    }

    /// The path of the source: the file opened, `-` for standard input, or what
    /// [`LineReader::with_path`](super::LineReader::with_path) named. `None` for an unnamed
    /// reader.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut named = LineReader::new(&b"\xff"[..]).with_path("blob.bin");
    /// assert_eq!(named.next_str().unwrap_err().path(), Some(std::path::Path::new("blob.bin")));
    /// let mut unnamed = LineReader::new(&b"\xff"[..]);
    /// assert_eq!(unnamed.next_str().unwrap_err().path(), None);
    /// ```
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.0.path.as_deref()
    }

    /// The 1-based number of the line concerned: the invalid or over-long line, or for an
    /// I/O error the line being read when it happened. `None` when opening the source
    /// failed.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"a\nb\n\xff\n"[..]);
    /// reader.next_str()?;
    /// reader.next_str()?;
    /// assert_eq!(reader.next_str().unwrap_err().line(), Some(3));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn line(&self) -> Option<u64> {
        self.0.line
    }

    /// A byte offset from the start of the input: for [`ErrorKind::InvalidUtf8`] the first
    /// invalid byte, for [`ErrorKind::LineTooLong`] the first byte of the line, and for
    /// [`ErrorKind::Io`] and [`ErrorKind::Transient`] how many bytes had been read when the
    /// read failed (where a retry goes on). `None` when opening the source failed.
    ///
    /// ```
    /// use yielding::io::{LineReader, ReadOptions};
    ///
    /// let mut reader = LineReader::new(&b"abc\nd\xffe\n"[..]);
    /// reader.next_str()?;
    /// assert_eq!(reader.next_str().unwrap_err().offset(), Some(5));
    ///
    /// let mut reader = ReadOptions::new().max_line_len(2).reader(&b"ab\nlong\n"[..]);
    /// reader.next_line()?;
    /// assert_eq!(reader.next_line().unwrap_err().offset(), Some(3));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn offset(&self) -> Option<u64> {
        self.0.offset
    }

    /// The line limit that was exceeded, for [`ErrorKind::LineTooLong`].
    ///
    /// ```
    /// use yielding::io::ReadOptions;
    ///
    /// let mut reader = ReadOptions::new().max_line_len(2).reader(&b"long\n"[..]);
    /// assert_eq!(reader.next_line().unwrap_err().limit(), Some(2));
    /// ```
    #[must_use]
    pub fn limit(&self) -> Option<usize> {
        match self.0.detail {
            Detail::LineTooLong { limit } => Some(limit),
            _ => None,
        }
    }

    /// The underlying I/O error, for [`ErrorKind::Io`] and [`ErrorKind::Transient`].
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let error = LineReader::open("/no/such/file").unwrap_err();
    /// assert_eq!(error.io_error().unwrap().kind(), std::io::ErrorKind::NotFound);
    /// ```
    #[must_use]
    pub fn io_error(&self) -> Option<&io::Error> {
        match &self.0.detail {
            Detail::Io(error) | Detail::Transient(error) => Some(error),
            _ => None,
        }
    }

    /// The UTF-8 error, for [`ErrorKind::InvalidUtf8`]. Its
    /// [`valid_up_to`](Utf8Error::valid_up_to) counts from the start of the line (after
    /// [`Terminator::Translate`](super::Terminator::Translate), which never changes it).
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"x\nab\xffc\n"[..]);
    /// reader.next_str()?;
    /// let error = reader.next_str().unwrap_err();
    /// assert_eq!(error.utf8_error().unwrap().valid_up_to(), 2);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn utf8_error(&self) -> Option<&Utf8Error> {
        match &self.0.detail {
            Detail::InvalidUtf8(error) => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        match &inner.path {
            Some(path) if path.as_os_str() == "-" => f.write_str("<stdin>: ")?,
            Some(path) => write!(f, "{}: ", path.display())?,
            None => {}
        }
        if let Some(line) = inner.line {
            write!(f, "line {line}: ")?;
        }
        let offset = inner.offset.unwrap_or(0);
        match &inner.detail {
            Detail::Io(error) if inner.offset.is_some() => {
                write!(f, "read error at byte offset {offset}: {error}")
            }
            Detail::Io(error) => write!(f, "{error}"),
            Detail::Transient(error) => {
                write!(f, "temporary read error at byte offset {offset}: {error}")
            }
            Detail::InvalidUtf8(_) => write!(f, "invalid UTF-8 at byte offset {offset}"),
            Detail::LineTooLong { limit } => write!(
                f,
                "line longer than {limit} bytes (it starts at byte offset {offset})"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        let mut debug = f.debug_struct("Error");
        debug
            .field("kind", &self.kind())
            .field("path", &inner.path)
            .field("line", &inner.line)
            .field("offset", &inner.offset);
        match &inner.detail {
            Detail::Io(error) | Detail::Transient(error) => debug.field("source", error),
            Detail::InvalidUtf8(error) => debug.field("source", error),
            Detail::LineTooLong { limit } => debug.field("limit", limit),
        };
        debug.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.detail {
            Detail::Io(error) | Detail::Transient(error) => Some(error),
            Detail::InvalidUtf8(error) => Some(error),
            Detail::LineTooLong { .. } => None,
        }
    }
}

impl From<Error> for io::Error {
    /// Wraps the error, keeping its message (path, line, offset). The kind is the I/O
    /// error's own for [`ErrorKind::Io`] and [`ErrorKind::Transient`] (so code that checks
    /// for `WouldBlock` still sees one), and `InvalidData` for the others.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// fn count_lines(data: &[u8]) -> std::io::Result<usize> {
    ///     let mut reader = LineReader::new(data);
    ///     let mut count = 0;
    ///     while reader.next_str()?.is_some() {
    ///         count += 1;
    ///     }
    ///     Ok(count)
    /// }
    /// assert_eq!(count_lines(b"a\nb\n").unwrap(), 2);
    /// let error = count_lines(b"\xff").unwrap_err();
    /// assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    /// assert_eq!(error.to_string(), "line 1: invalid UTF-8 at byte offset 0");
    /// ```
    fn from(error: Error) -> Self {
        let kind = match &error.0.detail {
            Detail::Io(io) | Detail::Transient(io) => io.kind(),
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, error)
    }
}
