//! [`Source`]: a file, standard input or any reader, decompressed or not.

use std::boxed::Box;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Stdin};
use std::path::Path;

use super::Compression;

/// The bytes a [`LineReader`](super::LineReader) opened by path reads: a file, standard
/// input, or any [`Read`], each decompressed as a [`Compression`] says.
///
/// [`ReadOptions::open`](super::ReadOptions::open) and
/// [`LineReader::open`](super::LineReader::open) make one; make one directly to decompress
/// a reader of your own. A `Source` is [`Send`], so a reader over it can move to another
/// thread (a pipeline stage).
///
/// ```
/// use yielding::io::{Compression, LineReader, Source};
///
/// let source = Source::from_read(std::io::Cursor::new("a\nb\n"), Compression::None);
/// let lines: Vec<String> = LineReader::new(source).into_iter().collect::<Result<_, _>>()?;
/// assert_eq!(lines, ["a\n", "b\n"]);
/// # Ok::<(), yielding::io::Error>(())
/// ```
///
/// # Errors
///
/// An error from the underlying reader is passed on as it is, and a `Source` keeps its
/// place across it, so that a [`LineReader`](super::LineReader) can go on after a
/// `WouldBlock` or `TimedOut` ([`ErrorKind::Transient`](super::ErrorKind::Transient))
/// without losing or repeating a byte, whatever the compression:
///
/// - `Compression::Auto` keeps the bytes it has looked at so far when the source fails
///   before it has the two it needs to decide, and the next read goes on with them.
/// - `Compression::Gzip` (and `Auto` once it has found gzip) keeps flate2's decoder, which
///   keeps its place in the header, the compressed data and the checksum when a read of
///   its input fails, and has lost no decompressed byte. The decoder is made without
///   reading, so that no error can reach it at a point where it would not keep its place.
///   Opening does not read either: the first read does.
///
/// A gzip stream that is corrupt or cut short is an `InvalidInput` or `UnexpectedEof`
/// error, which ends a `LineReader`.
///
/// ```
/// use std::io::{self, Read};
/// use yielding::io::{Compression, ErrorKind, LineReader, Source};
///
/// /// Plain text, one byte per read, with nothing to give before each byte.
/// struct Trickle(&'static [u8], bool);
/// impl Read for Trickle {
///     fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
///         self.1 = !self.1;
///         if self.1 && !self.0.is_empty() {
///             return Err(io::ErrorKind::WouldBlock.into());
///         }
///         let n = self.0.len().min(buf.len()).min(1);
///         buf[..n].copy_from_slice(&self.0[..n]);
///         self.0 = &self.0[n..];
///         Ok(n)
///     }
/// }
///
/// // `Auto` needs the feature `gzip`; without it, the same holds for plain reading.
/// #[cfg(feature = "gzip")]
/// let compression = Compression::Auto;
/// #[cfg(not(feature = "gzip"))]
/// let compression = Compression::None;
/// let source = Source::from_read(Trickle(b"\x1fplain\n", false), compression);
/// let mut reader = LineReader::new(source);
/// let mut would_block = 0;
/// let line = loop {
///     match reader.next_line() {
///         Ok(line) => break line.map(<[u8]>::to_vec),
///         Err(error) if error.kind() == ErrorKind::Transient => would_block += 1,
///         Err(error) => return Err(error),
///     }
/// };
/// // The first byte, kept while detection waited for the second, is still there.
/// assert_eq!(line.as_deref(), Some(&b"\x1fplain\n"[..]));
/// assert!(would_block >= 7, "each reported, none swallowed: {would_block}");
/// # Ok::<(), yielding::io::Error>(())
/// ```
pub struct Source {
    state: State,
}

enum State {
    Plain(Peeked),
    #[cfg(feature = "gzip")]
    Gzip(flate2::read::MultiGzDecoder<Peeked>),
    /// Not yet known: the first read looks for gzip's magic bytes.
    #[cfg(feature = "gzip")]
    Detect(Peeked),
}

enum Raw {
    File(File),
    Stdin(Stdin),
    Boxed(Box<dyn Read + Send>),
    #[cfg(feature = "gzip")]
    Empty,
}

impl Read for Raw {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Raw::File(file) => file.read(buf),
            Raw::Stdin(stdin) => stdin.read(buf),
            Raw::Boxed(read) => read.read(buf),
            #[cfg(feature = "gzip")]
            Raw::Empty => Ok(0),
        }
    }
}

/// A reader with up to two bytes already read from it (by gzip detection) put back in
/// front.
struct Peeked {
    head: [u8; 2],
    start: usize,
    len: usize,
    /// Reads fail with `WouldBlock`, reading nothing: while flate2's decoder is made (see
    /// [`gzip_decoder`]).
    #[cfg(feature = "gzip")]
    hold: bool,
    /// Detection met the end of the input: the next read after `head` gives it again
    /// instead of asking the source, which has said it once (a terminal would wait for a
    /// second Ctrl-D).
    #[cfg(feature = "gzip")]
    ended: bool,
    raw: Raw,
}

impl Peeked {
    fn new(raw: Raw) -> Self {
        Self {
            head: [0; 2],
            start: 0,
            len: 0,
            #[cfg(feature = "gzip")]
            hold: false,
            #[cfg(feature = "gzip")]
            ended: false,
            raw,
        }
    }
}

impl Read for Peeked {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(feature = "gzip")]
        if self.hold {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        if self.start < self.len {
            let n = (self.len - self.start).min(buf.len());
            buf[..n].copy_from_slice(&self.head[self.start..self.start + n]);
            self.start += n;
            return Ok(n);
        }
        #[cfg(feature = "gzip")]
        if core::mem::take(&mut self.ended) {
            return Ok(0);
        }
        checked_read(&mut self.raw, buf)
    }
}

/// Reads from `raw` into `buf`, refusing a count larger than `buf`: such a reader breaks
/// `Read`'s contract, and believing it would index past the buffer here or in the gzip
/// decoder. It is an `InvalidData` error naming the counts, never a panic.
#[inline]
fn checked_read(raw: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let n = raw.read(buf)?;
    if n > buf.len() {
        return Err(over_reported(n, buf.len()));
    }
    Ok(n)
}

#[cold]
#[inline(never)]
fn over_reported(n: usize, len: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        std::format!(
            "the reader reported reading {n} bytes into a buffer of {len}, which breaks \
             `Read`'s contract"
        ),
    )
}

#[cfg(feature = "gzip")]
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// flate2's decoder over `peeked`, having read nothing yet.
///
/// `GzDecoder::new` parses the gzip header at once, and keeps its place after a
/// `WouldBlock` there, but turns any other error into one it returns once, after which the
/// decoder reports the end of the stream: a `TimedOut` at that point, retried, would be
/// the end of the input, silently. Its reads, unlike its constructor, fail without losing
/// their place whatever the error (its header parser, inflater and CRC trailer all count
/// what they have; the inflater reads before it changes anything). So the constructor is
/// given a source that has nothing yet, and the header is read by the first `read`, where
/// an error of any kind is only reported.
#[cfg(feature = "gzip")]
fn gzip_decoder(mut peeked: Peeked) -> flate2::read::MultiGzDecoder<Peeked> {
    peeked.hold = true;
    let mut decoder = flate2::read::MultiGzDecoder::new(peeked);
    decoder.get_mut().hold = false;
    decoder
}

impl Source {
    fn new(raw: Raw, compression: Compression) -> Self {
        let peeked = Peeked::new(raw);
        let state = match compression {
            Compression::None => State::Plain(peeked),
            #[cfg(feature = "gzip")]
            Compression::Gzip => State::Gzip(gzip_decoder(peeked)),
            #[cfg(feature = "gzip")]
            Compression::Auto => State::Detect(peeked),
        };
        Self { state }
    }

    /// Opens the file at `path`, or standard input if `path` is `-`.
    ///
    /// # Errors
    ///
    /// The error of [`File::open`].
    ///
    /// ```
    /// use std::io::Read;
    /// use yielding::io::{Compression, Source};
    ///
    /// let path = std::env::temp_dir().join("yielding-doc-source-open.txt");
    /// std::fs::write(&path, "content").unwrap();
    /// let mut text = String::new();
    /// Source::open(&path, Compression::None)?.read_to_string(&mut text)?;
    /// assert_eq!(text, "content");
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open(path: impl AsRef<Path>, compression: Compression) -> io::Result<Self> {
        let path = path.as_ref();
        if path.as_os_str() == "-" {
            return Ok(Self::stdin(compression));
        }
        Ok(Self::new(Raw::File(File::open(path)?), compression))
    }

    /// Standard input. Each read locks it briefly, so the source stays [`Send`].
    ///
    /// ```no_run
    /// use yielding::io::{Compression, LineReader, Source};
    ///
    /// let mut reader = LineReader::new(Source::stdin(Compression::None)).with_path("-");
    /// while let Some(line) = reader.next_str()? {
    ///     print!("{line}");
    /// }
    /// # Ok::<(), yielding::io::Error>(())
    /// ```
    #[must_use]
    pub fn stdin(compression: Compression) -> Self {
        Self::new(Raw::Stdin(io::stdin()), compression)
    }

    /// Any reader, boxed.
    ///
    /// ```
    /// use std::io::Read;
    /// use yielding::io::{Compression, Source};
    ///
    /// let mut source = Source::from_read(&b"bytes"[..], Compression::None);
    /// let mut out = Vec::new();
    /// source.read_to_end(&mut out)?;
    /// assert_eq!(out, b"bytes");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[must_use]
    pub fn from_read(read: impl Read + Send + 'static, compression: Compression) -> Self {
        Self::new(Raw::Boxed(Box::new(read)), compression)
    }

    /// Reads the first two bytes, or fewer at the end of the input, and decides. An error
    /// leaves the bytes read so far in `peeked`, so a call after a transient one goes on.
    #[cfg(feature = "gzip")]
    fn detect(&mut self) -> io::Result<()> {
        let State::Detect(peeked) = &mut self.state else {
            return Ok(());
        };
        while peeked.len < 2 {
            match checked_read(&mut peeked.raw, &mut peeked.head[peeked.len..]) {
                Ok(0) => {
                    peeked.ended = true;
                    break;
                }
                Ok(n) => peeked.len += n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        let is_gzip = peeked.len == 2 && peeked.head == GZIP_MAGIC;
        let peeked = core::mem::replace(peeked, Peeked::new(Raw::Empty));
        self.state = if is_gzip {
            State::Gzip(gzip_decoder(peeked))
        } else {
            State::Plain(peeked)
        };
        Ok(())
    }
}

impl Read for Source {
    /// Reads decompressed bytes.
    ///
    /// ```
    /// use std::io::Read;
    /// use yielding::io::{Compression, Source};
    ///
    /// let mut source = Source::from_read(&b"abc"[..], Compression::None);
    /// let mut buf = [0; 8];
    /// assert_eq!(source.read(&mut buf)?, 3);
    /// assert_eq!(&buf[..3], b"abc");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.state {
            State::Plain(peeked) => peeked.read(buf),
            #[cfg(feature = "gzip")]
            State::Gzip(decoder) => decoder.read(buf),
            #[cfg(feature = "gzip")]
            State::Detect(_) => {
                self.detect()?;
                self.read(buf)
            }
        }
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (raw, decoding) = match &self.state {
            State::Plain(peeked) => (&peeked.raw, "plain"),
            #[cfg(feature = "gzip")]
            State::Gzip(decoder) => (&decoder.get_ref().raw, "gzip"),
            #[cfg(feature = "gzip")]
            State::Detect(peeked) => (&peeked.raw, "detecting gzip"),
        };
        let kind = match raw {
            Raw::File(_) => "file",
            Raw::Stdin(_) => "stdin",
            Raw::Boxed(_) => "reader",
            #[cfg(feature = "gzip")]
            Raw::Empty => "empty",
        };
        f.debug_struct("Source")
            .field("kind", &kind)
            .field("decoding", &decoding)
            .finish()
    }
}
