//! [`ReadOptions`] and the choices it holds: [`Newline`], [`Terminator`], [`Compression`].

use std::io::Read;
use std::path::Path;

use super::{Error, LineReader, Source};

/// The default size of a reader's buffer: 64 KiB.
///
/// The buffer grows past this only to hold a line longer than it; see
/// [`LineReader`] for when it shrinks back.
///
/// ```
/// use yielding::io::{DEFAULT_BUFFER_SIZE, LineReader};
///
/// assert_eq!(DEFAULT_BUFFER_SIZE, 64 * 1024);
/// let reader = LineReader::new(&b"a\nb\n"[..]);
/// assert_eq!(reader.buffer_capacity(), DEFAULT_BUFFER_SIZE);
/// ```
pub const DEFAULT_BUFFER_SIZE: usize = 64 * 1024;

/// The default longest line a reader accepts: 64 MiB, not counting the terminator.
///
/// A longer line is an [`ErrorKind::LineTooLong`](super::ErrorKind::LineTooLong) error
/// instead of an unbounded allocation; the reader then skips the rest of that line and
/// goes on with the next. 64 MiB is far above any real text line, so the limit only fires
/// on input that is not line-oriented (a binary file, a missing delimiter), and low enough
/// that hitting it cannot exhaust memory.
///
/// ```
/// use yielding::io::{DEFAULT_MAX_LINE_LEN, ReadOptions};
///
/// assert_eq!(DEFAULT_MAX_LINE_LEN, 64 * 1024 * 1024);
/// let options = ReadOptions::new().max_line_len(DEFAULT_MAX_LINE_LEN / 2);
/// # let _ = options;
/// ```
pub const DEFAULT_MAX_LINE_LEN: usize = 64 * 1024 * 1024;

/// What ends a line (or a record).
///
/// The default is [`Newline::Universal`], Python's default text mode.
///
/// ```
/// use yielding::io::{Newline, ReadOptions};
///
/// let data = &b"a\r\nb\rc\n"[..];
///
/// // Universal newlines: \r\n, \r and \n each end a line.
/// let universal = ReadOptions::new().newline(Newline::Universal).reader(data);
/// let lines: Vec<String> = universal.into_iter().collect::<Result<_, _>>()?;
/// assert_eq!(lines, ["a\n", "b\n", "c\n"]);
///
/// // \n only, as Python's binary mode: the \r stay in the lines.
/// let lf = ReadOptions::new().newline(Newline::LF).reader(data);
/// let lines: Vec<String> = lf.into_iter().collect::<Result<_, _>>()?;
/// assert_eq!(lines, ["a\r\n", "b\rc\n"]);
///
/// // Any byte: NUL-separated records, as `find -print0` writes them.
/// let records = ReadOptions::new().newline(Newline::Byte(0)).reader(&b"x\0y\0"[..]);
/// let records: Vec<String> = records.into_iter().collect::<Result<_, _>>()?;
/// assert_eq!(records, ["x\0", "y\0"]);
/// # Ok::<(), yielding::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Newline {
    /// `\n`, `\r\n` and a lone `\r` each end a line: Python's universal newlines, the
    /// default of `open(path)`. A `\r` at the end of one read followed by `\n` at the start
    /// of the next is one `\r\n`, whatever the read boundaries.
    #[default]
    Universal,
    /// Exactly this byte ends a record, and nothing else does. [`Newline::LF`] is
    /// `Byte(b'\n')`: Python's binary mode, or `newline='\n'`.
    Byte(u8),
}

impl Newline {
    /// `\n` only, as Python's binary mode (`open(path, 'rb')`) and `newline='\n'`: a `\r`
    /// is an ordinary byte of the line.
    ///
    /// ```
    /// use yielding::io::{Newline, ReadOptions};
    ///
    /// let mut reader = ReadOptions::new().newline(Newline::LF).reader(&b"a\r\nb"[..]);
    /// assert_eq!(reader.next_line()?, Some(&b"a\r\n"[..]));
    /// assert_eq!(reader.next_line()?, Some(&b"b"[..]));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    pub const LF: Newline = Newline::Byte(b'\n');
}

/// What happens to the terminator that ended a line.
///
/// The default is [`Terminator::Translate`]: Python's `open(path)`, which keeps the line
/// ending but writes every `\r\n` or `\r` as `\n`.
///
/// ```
/// use yielding::io::{ReadOptions, Terminator};
///
/// let data = &b"a\r\nb"[..];
/// let read = |terminator| -> Result<Vec<String>, yielding::io::Error> {
///     ReadOptions::new().terminator(terminator).reader(data).into_iter().collect()
/// };
/// assert_eq!(read(Terminator::Translate)?, ["a\n", "b"]); // Python: open(path)
/// assert_eq!(read(Terminator::Keep)?, ["a\r\n", "b"]); // Python: open(path, newline='')
/// assert_eq!(read(Terminator::Strip)?, ["a", "b"]); // Rust's BufRead::lines
/// # Ok::<(), yielding::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Terminator {
    /// Keep the terminator, but as `\n`: with [`Newline::Universal`], a `\r\n` or a lone
    /// `\r` ending a line is given as `\n`, as Python's text mode translates them. With
    /// [`Newline::Byte`] this is the same as [`Terminator::Keep`]. The translation is done in
    /// place in the reader's buffer and costs nothing per line.
    #[default]
    Translate,
    /// Keep the terminator exactly as it was in the input (`\r\n` stays `\r\n`): Python's
    /// `newline=''`, and binary mode.
    Keep,
    /// Remove the terminator, whichever it was, as Rust's `BufRead::lines` and
    /// `str::lines` do.
    Strip,
}

/// How the bytes of a source are decoded before they are split into lines.
///
/// Gzip is **chosen explicitly**, never guessed by default: [`Compression::None`] is the
/// default, `Compression::Gzip` always decompresses, and `Compression::Auto` is an
/// opt-in detection by gzip's magic bytes (`1f 8b`) at the start of the input. Explicit is
/// the default because a plain file may begin with those two bytes. Gzip needs the feature
/// `gzip`, and decompresses with flate2's `MultiGzDecoder`, so the concatenated members
/// that `cat a.gz b.gz` makes are read as one stream.
///
/// The choice applies where a [`Source`] is made: [`ReadOptions::open`],
/// [`ReadOptions::stdin`] and [`Source::from_read`]. [`ReadOptions::reader`] reads what it
/// is given as it is.
///
/// ```
/// use yielding::io::{Compression, ReadOptions};
///
/// let options = ReadOptions::new().compression(Compression::None);
/// # let _ = options;
/// assert_eq!(Compression::default(), Compression::None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Compression {
    /// Read the bytes as they are.
    #[default]
    None,
    /// Decompress gzip (all members, concatenated). Input that is not gzip is an I/O error.
    ///
    /// ```
    /// use std::io::Write;
    /// use yielding::io::{Compression, LineReader, Source};
    ///
    /// let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    /// gz.write_all(b"first\nsecond\n")?;
    /// let source = Source::from_read(std::io::Cursor::new(gz.finish()?), Compression::Gzip);
    /// let lines: Vec<String> = LineReader::new(source).into_iter().collect::<Result<_, _>>()?;
    /// assert_eq!(lines, ["first\n", "second\n"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "gzip")]
    Gzip,
    /// Decompress if the input starts with gzip's magic bytes `1f 8b`, else read it as it
    /// is. The detection happens on the first read, not when the source is opened.
    ///
    /// ```
    /// use std::io::Write;
    /// use yielding::io::{Compression, ReadOptions};
    ///
    /// let dir = std::env::temp_dir();
    /// let (zipped, plain) = (dir.join("yielding-doc-auto.gz"), dir.join("yielding-doc-auto.txt"));
    /// let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    /// gz.write_all(b"same\n")?;
    /// std::fs::write(&zipped, gz.finish()?)?;
    /// std::fs::write(&plain, b"same\n")?;
    ///
    /// let auto = ReadOptions::new().compression(Compression::Auto);
    /// for path in [&zipped, &plain] {
    ///     assert_eq!(auto.open(path)?.next_str()?, Some("same\n"));
    /// }
    /// # std::fs::remove_file(&zipped)?;
    /// # std::fs::remove_file(&plain)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "gzip")]
    Auto,
}

/// How a [`LineReader`] splits and presents its input; a builder.
///
/// | option | default | Python |
/// |---|---|---|
/// | [`newline`](Self::newline) | [`Newline::Universal`] | `open(path)`; `newline='\n'` or `'rb'` is [`Newline::LF`] |
/// | [`terminator`](Self::terminator) | [`Terminator::Translate`] | `open(path)`; `newline=''` is [`Terminator::Keep`] |
/// | [`buffer_size`](Self::buffer_size) | [`DEFAULT_BUFFER_SIZE`] (64 KiB) | `buffering=` |
/// | [`max_line_len`](Self::max_line_len) | [`DEFAULT_MAX_LINE_LEN`] (64 MiB) | none: Python reads any line whole |
/// | [`compression`](Self::compression) | [`Compression::None`] | `gzip.open(path, 'rt')` is `Compression::Gzip` |
///
/// Bytes, strict UTF-8 or lossy UTF-8 is chosen by the method that reads, since each gives
/// a different type: [`LineReader::next_line`] (bytes, Python's `'rb'`),
/// [`LineReader::next_str`] (strict, Python's default `errors='strict'`) and
/// [`LineReader::next_str_lossy`] (Python's `errors='replace'`), and their owned
/// counterparts [`LineReader::into_byte_lines`], [`LineReader::into_lines`] and
/// [`LineReader::into_lines_lossy`].
///
/// ```
/// use yielding::io::{Newline, ReadOptions, Terminator};
///
/// let mut reader = ReadOptions::new()
///     .newline(Newline::LF)
///     .terminator(Terminator::Strip)
///     .buffer_size(1 << 20)
///     .max_line_len(1 << 24)
///     .reader(&b"one\ntwo\n"[..]);
/// assert_eq!(reader.next_str()?, Some("one"));
/// assert_eq!(reader.next_str()?, Some("two"));
/// assert_eq!(reader.next_str()?, None);
/// # Ok::<(), yielding::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReadOptions {
    pub(super) newline: Newline,
    pub(super) terminator: Terminator,
    pub(super) buffer_size: usize,
    pub(super) max_line_len: usize,
    pub(super) compression: Compression,
}

impl Default for ReadOptions {
    /// Same as [`ReadOptions::new`].
    ///
    /// ```
    /// use yielding::io::ReadOptions;
    ///
    /// assert_eq!(ReadOptions::default(), ReadOptions::new());
    /// ```
    fn default() -> Self {
        Self::new()
    }
}

impl ReadOptions {
    /// The defaults: Python's `open(path)` (universal newlines, terminator kept as `\n`),
    /// a 64 KiB buffer, a 64 MiB line limit, no decompression.
    ///
    /// ```
    /// use yielding::io::ReadOptions;
    ///
    /// let lines: Vec<String> = ReadOptions::new()
    ///     .reader(&b"a\r\nb"[..])
    ///     .into_iter()
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(lines, ["a\n", "b"]);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            newline: Newline::Universal,
            terminator: Terminator::Translate,
            buffer_size: DEFAULT_BUFFER_SIZE,
            max_line_len: DEFAULT_MAX_LINE_LEN,
            compression: Compression::None,
        }
    }

    /// Sets what ends a line. See [`Newline`].
    ///
    /// ```
    /// use yielding::io::{Newline, ReadOptions};
    ///
    /// let mut reader = ReadOptions::new().newline(Newline::LF).reader(&b"a\rb\n"[..]);
    /// assert_eq!(reader.next_line()?, Some(&b"a\rb\n"[..]));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub const fn newline(mut self, newline: Newline) -> Self {
        self.newline = newline;
        self
    }

    /// Splits on `delimiter` instead of newlines: records, such as the NUL-separated names
    /// of `find -print0`. The same as `.newline(Newline::Byte(delimiter))`; the terminator
    /// option still decides whether the delimiter is kept.
    /// [`LineReader::split`] is the short form that also strips it.
    ///
    /// ```
    /// use yielding::io::{ReadOptions, Terminator};
    ///
    /// let mut records = ReadOptions::new()
    ///     .delimiter(b';')
    ///     .terminator(Terminator::Strip)
    ///     .reader(&b"a;b;c"[..]);
    /// assert_eq!(records.next_line()?, Some(&b"a"[..]));
    /// assert_eq!(records.next_line()?, Some(&b"b"[..]));
    /// assert_eq!(records.next_line()?, Some(&b"c"[..]));
    /// assert_eq!(records.next_line()?, None);
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub const fn delimiter(self, delimiter: u8) -> Self {
        self.newline(Newline::Byte(delimiter))
    }

    /// Sets what happens to the terminator. See [`Terminator`].
    ///
    /// ```
    /// use yielding::io::{ReadOptions, Terminator};
    ///
    /// let mut reader = ReadOptions::new().terminator(Terminator::Strip).reader(&b"a\r\n"[..]);
    /// assert_eq!(reader.next_str()?, Some("a"));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub const fn terminator(mut self, terminator: Terminator) -> Self {
        self.terminator = terminator;
        self
    }

    /// Sets the size of the buffer, in bytes; 0 is taken as 1. The default is
    /// [`DEFAULT_BUFFER_SIZE`].
    ///
    /// Each read from the source asks for up to this much. The buffer grows past it only
    /// for a line longer than it; see [`LineReader`] for when it shrinks back. Any size
    /// gives the same lines: a size of 1 works, slowly.
    ///
    /// ```
    /// use yielding::io::ReadOptions;
    ///
    /// let mut reader = ReadOptions::new().buffer_size(4).reader(&b"a longer line\n"[..]);
    /// assert_eq!(reader.buffer_capacity(), 4);
    /// assert_eq!(reader.next_str()?, Some("a longer line\n"));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub const fn buffer_size(mut self, bytes: usize) -> Self {
        self.buffer_size = if bytes == 0 { 1 } else { bytes };
        self
    }

    /// Sets the longest line accepted, in bytes, not counting its terminator. The default
    /// is [`DEFAULT_MAX_LINE_LEN`] (64 MiB).
    ///
    /// A longer line is an [`ErrorKind::LineTooLong`](super::ErrorKind::LineTooLong) error
    /// naming its line number and starting offset, reported as soon as the reader has seen
    /// more than `bytes` of it. The reader keeps at most `bytes` plus a few of the line in
    /// memory. The next read skips the rest of that line, without keeping it, and returns
    /// the line after it.
    ///
    /// ```
    /// use yielding::io::{ErrorKind, ReadOptions};
    ///
    /// let mut reader = ReadOptions::new().max_line_len(3).reader(&b"abc\nabcdef\nok\n"[..]);
    /// assert_eq!(reader.next_str()?, Some("abc\n"));
    /// let error = reader.next_str().unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::LineTooLong);
    /// assert_eq!(error.line(), Some(2));
    /// assert_eq!(reader.next_str()?, Some("ok\n"));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub const fn max_line_len(mut self, bytes: usize) -> Self {
        self.max_line_len = bytes;
        self
    }

    /// Sets the decompression used by [`open`](Self::open), [`stdin`](Self::stdin) and
    /// [`Source::from_read`]. See [`Compression`].
    ///
    /// ```
    /// use yielding::io::{Compression, ReadOptions};
    ///
    /// let options = ReadOptions::new().compression(Compression::None);
    /// # let _ = options;
    /// ```
    #[must_use]
    pub const fn compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    /// Opens a file, or standard input if `path` is `-`, and reads it with these options,
    /// decompressing as [`compression`](Self::compression) says. A file really named `-`
    /// can be opened as `./-`.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::Io`](super::ErrorKind::Io) error naming `path` if the file cannot be
    /// opened.
    ///
    /// ```
    /// use yielding::io::{ErrorKind, ReadOptions, Terminator};
    ///
    /// let path = std::env::temp_dir().join("yielding-doc-options-open.txt");
    /// std::fs::write(&path, "first\nsecond\n").unwrap();
    ///
    /// let mut reader = ReadOptions::new().terminator(Terminator::Strip).open(&path)?;
    /// assert_eq!(reader.next_str()?, Some("first"));
    /// assert_eq!(reader.path(), Some(path.as_path()));
    /// # std::fs::remove_file(&path).unwrap();
    ///
    /// let missing = ReadOptions::new().open("/no/such/file").unwrap_err();
    /// assert_eq!(missing.kind(), ErrorKind::Io);
    /// assert!(missing.to_string().starts_with("/no/such/file: "));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    pub fn open(&self, path: impl AsRef<Path>) -> Result<LineReader<Source>, Error> {
        let path = path.as_ref();
        let source = Source::open(path, self.compression)
            .map_err(|error| Error::io(Some(path.into()), None, None, error))?;
        Ok(LineReader::with_options(source, *self).with_path(path))
    }

    /// Reads standard input with these options, decompressing as
    /// [`compression`](Self::compression) says. Errors name the path `-`.
    ///
    /// ```no_run
    /// use yielding::io::ReadOptions;
    ///
    /// let mut stdin = ReadOptions::new().stdin();
    /// while let Some(line) = stdin.next_str()? {
    ///     print!("{line}");
    /// }
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn stdin(&self) -> LineReader<Source> {
        LineReader::with_options(Source::stdin(self.compression), *self).with_path("-")
    }

    /// Reads any [`Read`] with these options. The bytes are read as they are: the
    /// [`compression`](Self::compression) option does not apply, so wrap the reader in
    /// [`Source::from_read`] to decompress it.
    ///
    /// ```
    /// use yielding::io::ReadOptions;
    ///
    /// let mut reader = ReadOptions::new().reader(std::io::Cursor::new("x\ny"));
    /// assert_eq!(reader.next_str()?, Some("x\n"));
    /// assert_eq!(reader.next_str()?, Some("y"));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn reader<R: Read>(&self, source: R) -> LineReader<R> {
        LineReader::with_options(source, *self)
    }
}
