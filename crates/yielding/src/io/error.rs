//! [`Error`]: what went wrong, on which line of which source.

use std::boxed::Box;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::Utf8Error;

/// The kind of an [`Error`].
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
    /// `None`. Fatal.
    Io,
    /// A line is not valid UTF-8 (strict reads only). The line has been consumed; the next
    /// read returns the line after it.
    InvalidUtf8,
    /// A line is longer than [`ReadOptions::max_line_len`](super::ReadOptions::max_line_len).
    /// The next read skips the rest of it and returns the line after it.
    LineTooLong,
}

impl ErrorKind {
    /// Whether the reader has ended after this error. Only [`ErrorKind::Io`] is fatal; after
    /// the others reading goes on with the next line.
    ///
    /// ```
    /// use yielding::io::ErrorKind;
    ///
    /// assert!(ErrorKind::Io.is_fatal());
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
/// ```
///
/// Standard input, whose path is `-`, is shown as `<stdin>`. Offsets count bytes from the start of the input (after decompression, for gzip).
/// After [`ErrorKind::InvalidUtf8`] and [`ErrorKind::LineTooLong`] the reader goes on with
/// the next line; after [`ErrorKind::Io`] it has ended. The error converts into
/// [`std::io::Error`] (kind `InvalidData` for bad lines), so `?` works in functions that
/// return `io::Result`. It is boxed inside, one pointer wide, so results stay small.
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
    InvalidUtf8(Utf8Error),
    LineTooLong { limit: usize },
}

impl Error {
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
            Detail::InvalidUtf8(_) => ErrorKind::InvalidUtf8,
            Detail::LineTooLong { .. } => ErrorKind::LineTooLong,
        }
    }

    /// Whether the reader has ended after this error: true for [`ErrorKind::Io`] only.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut reader = LineReader::new(&b"\xff\nok\n"[..]);
    /// let error = reader.next_str().unwrap_err();
    /// assert!(!error.is_fatal());
    /// assert_eq!(reader.next_str()?, Some("ok\n"));
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
    /// [`ErrorKind::Io`] how many bytes had been read when the read failed. `None` when
    /// opening the source failed.
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

    /// The underlying I/O error, for [`ErrorKind::Io`].
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
            Detail::Io(error) => Some(error),
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
            Detail::Io(error) => debug.field("source", error),
            Detail::InvalidUtf8(error) => debug.field("source", error),
            Detail::LineTooLong { limit } => debug.field("limit", limit),
        };
        debug.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.detail {
            Detail::Io(error) => Some(error),
            Detail::InvalidUtf8(error) => Some(error),
            Detail::LineTooLong { .. } => None,
        }
    }
}

impl From<Error> for io::Error {
    /// Wraps the error, keeping its message (path, line, offset). The kind is the I/O
    /// error's own for [`ErrorKind::Io`], and `InvalidData` for the others.
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
            Detail::Io(io) => io.kind(),
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, error)
    }
}
