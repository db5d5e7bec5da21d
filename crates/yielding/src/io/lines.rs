//! The owned iterators: [`Lines`] (`String`) and [`ByteLines`] (`Vec<u8>`).

use std::borrow::Cow;
use std::io::Read;
use std::iter::FusedIterator;
use std::string::String;
use std::vec::Vec;

use super::{Error, LineReader};

/// An [`Iterator`] of owned `String` lines, from [`LineReader::into_lines`] (strict UTF-8),
/// [`LineReader::into_lines_lossy`] (invalid sequences replaced by `U+FFFD`), or `for line
/// in reader`.
///
/// Each line costs one allocation, the `String`; use the borrowed
/// [`LineReader::next_str`] where that matters. An [`ErrorKind::Io`](super::ErrorKind::Io)
/// error is yielded once, then the iterator is finished; after an
/// [`ErrorKind::Transient`](super::ErrorKind::Transient) one (`WouldBlock`, `TimedOut`) the
/// next call goes on where the source stopped, and after an invalid or over-long line with
/// the next line. It composes with any adapter and with generator pipelines:
///
/// ```
/// use yielding::Gen;
/// use yielding::io::{ReadOptions, Terminator};
///
/// let input = &b"# comment\n1\n2\n\n3\n"[..];
/// let lines = ReadOptions::new().terminator(Terminator::Strip).reader(input).into_lines();
///
/// // A generator stage over the owned lines: skip comments and blanks, parse.
/// let numbers = Gen::new(|co| async move {
///     for line in lines {
///         let line = line.expect("valid UTF-8");
///         if line.is_empty() || line.starts_with('#') {
///             continue;
///         }
///         co.yield_(line.parse::<u32>().unwrap()).await;
///     }
/// });
/// assert_eq!(numbers.map(|n| n * 10).collect::<Vec<_>>(), [10, 20, 30]);
/// ```
pub struct Lines<R> {
    reader: LineReader<R>,
    lossy: bool,
}

impl<R: Read> Lines<R> {
    pub(super) fn new(reader: LineReader<R>, lossy: bool) -> Self {
        Self { reader, lossy }
    }

    /// The reader underneath: for its [`line_number`](LineReader::line_number),
    /// [`offset`](LineReader::offset) and [`path`](LineReader::path).
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut lines = LineReader::new(&b"a\nb\n"[..]).into_lines();
    /// lines.next();
    /// assert_eq!(lines.get_ref().line_number(), 1);
    /// assert_eq!(lines.get_ref().offset(), 2);
    /// ```
    #[must_use]
    pub fn get_ref(&self) -> &LineReader<R> {
        &self.reader
    }

    /// The reader underneath, to go on reading with the borrowed API.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut lines = LineReader::new(&b"header\nrow\n"[..]).into_lines();
    /// assert_eq!(lines.next().unwrap()?, "header\n");
    /// let mut reader = lines.into_inner();
    /// assert_eq!(reader.next_str()?, Some("row\n"));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn into_inner(self) -> LineReader<R> {
        self.reader
    }
}

impl<R: Read> Iterator for Lines<R> {
    type Item = Result<String, Error>;

    /// The next line, owned.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut lines = LineReader::new(&b"x\n\xff\ny"[..]).into_lines();
    /// assert_eq!(lines.next().unwrap()?, "x\n");
    /// assert!(lines.next().unwrap().is_err()); // line 2 is not UTF-8...
    /// assert_eq!(lines.next().unwrap()?, "y"); // ...and line 3 still comes
    /// assert!(lines.next().is_none());
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let line = if self.lossy {
            self.reader
                .next_str_lossy()
                .map(|line| line.map(Cow::into_owned))
        } else {
            self.reader.next_str().map(|line| line.map(String::from))
        };
        line.transpose()
    }
}

impl<R: Read> FusedIterator for Lines<R> {}

/// An [`Iterator`] of owned byte lines (`Vec<u8>`), from [`LineReader::into_byte_lines`].
///
/// Each line costs one allocation; use the borrowed [`LineReader::next_line`] where that
/// matters. An [`ErrorKind::Io`](super::ErrorKind::Io) error is yielded once, then the
/// iterator is finished; after an [`ErrorKind::Transient`](super::ErrorKind::Transient) one
/// the next call goes on where the source stopped, and after an over-long line with the
/// next line.
///
/// ```
/// use yielding::io::LineReader;
///
/// let records: Vec<Vec<u8>> = LineReader::split(&b"a\0b\0"[..], 0)
///     .into_byte_lines()
///     .collect::<Result<_, _>>()?;
/// assert_eq!(records, [b"a".to_vec(), b"b".to_vec()]);
/// # Ok::<(), yielding::io::Error>(())
/// ```
pub struct ByteLines<R> {
    reader: LineReader<R>,
}

impl<R: Read> ByteLines<R> {
    pub(super) fn new(reader: LineReader<R>) -> Self {
        Self { reader }
    }

    /// The reader underneath: for its [`line_number`](LineReader::line_number),
    /// [`offset`](LineReader::offset) and [`path`](LineReader::path).
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut lines = LineReader::new(&b"a\nb\n"[..]).into_byte_lines();
    /// lines.next();
    /// lines.next();
    /// assert_eq!(lines.get_ref().line_number(), 2);
    /// ```
    #[must_use]
    pub fn get_ref(&self) -> &LineReader<R> {
        &self.reader
    }

    /// The reader underneath, to go on reading with the borrowed API.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut lines = LineReader::new(&b"a\nb\n"[..]).into_byte_lines();
    /// lines.next();
    /// assert_eq!(lines.into_inner().next_line()?, Some(&b"b\n"[..]));
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn into_inner(self) -> LineReader<R> {
        self.reader
    }
}

impl<R: Read> Iterator for ByteLines<R> {
    type Item = Result<Vec<u8>, Error>;

    /// The next line, owned.
    ///
    /// ```
    /// use yielding::io::LineReader;
    ///
    /// let mut lines = LineReader::new(&b"\xff\xfe\n"[..]).into_byte_lines();
    /// assert_eq!(lines.next().unwrap()?, b"\xff\xfe\n");
    /// assert!(lines.next().is_none());
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.reader
            .next_line()
            .map(|line| line.map(<[u8]>::to_vec))
            .transpose()
    }
}

impl<R: Read> FusedIterator for ByteLines<R> {}

impl<R> std::fmt::Debug for Lines<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lines")
            .field("reader", &self.reader)
            .field("lossy", &self.lossy)
            .finish()
    }
}

impl<R> std::fmt::Debug for ByteLines<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteLines")
            .field("reader", &self.reader)
            .finish()
    }
}
