//! The naive reference line splitter: the whole input at once, with `split`-like logic and
//! none of the reader's buffering; what a reader must give by it (`expected`); and how a
//! reader is read to compare (`Chunked`, a source of short reads and injected failures;
//! `actual`, every `Form` of reading, checking the buffer bound and fusing on the way).
//! Shared by the proptest (`io_reference.rs`), the transient-error tests
//! (`io_transient.rs`) and the fuzz target's checks (`fuzz_checks.rs`), so that all of them
//! compare the reader with one reference, the same way.

// Not every test file that includes this module reads through every helper.
#![allow(dead_code)]

use std::io::{self, Read};

use yielding::io::{ErrorKind, LineReader, Newline, Terminator};

/// The ways to read a reader's lines: borrowed or owned, as bytes, strict or lossy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    BorrowedBytes,
    BorrowedStr,
    BorrowedLossy,
    OwnedBytes,
    OwnedStr,
    OwnedLossy,
}

/// Every [`Form`].
pub(crate) const FORMS: [Form; 6] = [
    Form::BorrowedBytes,
    Form::BorrowedStr,
    Form::BorrowedLossy,
    Form::OwnedBytes,
    Form::OwnedStr,
    Form::OwnedLossy,
];

/// A line of the reference split: `start..content_end` is the content and
/// `content_end..end` the terminator.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    pub(crate) start: usize,
    pub(crate) content_end: usize,
    pub(crate) end: usize,
}

/// The naive splitter: the whole input at once.
pub(crate) fn reference_pieces(data: &[u8], newline: Newline) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut start = 0;
    match newline {
        Newline::Byte(delimiter) => {
            // `split` gives a last, empty piece after a final delimiter (and one piece for
            // an empty input): neither is a line.
            let parts: Vec<&[u8]> = data.split(|&b| b == delimiter).collect();
            let count = parts.len();
            for (i, part) in parts.into_iter().enumerate() {
                let last = i + 1 == count;
                if last && part.is_empty() {
                    break;
                }
                let content_end = start + part.len();
                let end = if last { content_end } else { content_end + 1 };
                pieces.push(Piece {
                    start,
                    content_end,
                    end,
                });
                start = end;
            }
        }
        Newline::Universal => {
            // Split after every \n and \r, then join a "\r" piece with the "\n" piece that
            // follows it.
            let parts: Vec<&[u8]> = data
                .split_inclusive(|&b| b == b'\n' || b == b'\r')
                .collect();
            let mut i = 0;
            while i < parts.len() {
                let part = parts[i];
                let mut len = part.len();
                let term = match part.last() {
                    Some(b'\n') => 1,
                    Some(b'\r') if parts.get(i + 1) == Some(&&b"\n"[..]) => {
                        i += 1;
                        len += 1;
                        2
                    }
                    Some(b'\r') => 1,
                    _ => 0,
                };
                pieces.push(Piece {
                    start,
                    content_end: start + len - term,
                    end: start + len,
                });
                start += len;
                i += 1;
            }
        }
    }
    pieces
}

/// The bytes the reader should give for `piece`.
pub(crate) fn presented(
    data: &[u8],
    piece: Piece,
    newline: Newline,
    terminator: Terminator,
) -> Vec<u8> {
    let content = &data[piece.start..piece.content_end];
    let has_terminator = piece.end > piece.content_end;
    match terminator {
        Terminator::Strip => content.to_vec(),
        Terminator::Translate if newline == Newline::Universal && has_terminator => {
            let mut line = content.to_vec();
            line.push(b'\n');
            line
        }
        _ => data[piece.start..piece.end].to_vec(),
    }
}

// ---------------------------------------------------------------------------------------
// Comparing a reader with the reference

/// A source that gives `data` in short reads: the sizes cycle through `chunks`, where a 0
/// is an `Interrupted` error (which the reader must retry). With `fail_at`, every read
/// once `fail_at` bytes have been given fails.
pub(crate) struct Chunked<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) chunks: &'a [usize],
    pub(crate) call: usize,
    pub(crate) fail_at: Option<usize>,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let chunk = self.chunks[self.call % self.chunks.len()];
        self.call += 1;
        if chunk == 0 {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        let limit = self.fail_at.unwrap_or(self.data.len());
        if self.pos >= limit {
            return match self.fail_at {
                Some(_) => Err(io::Error::other("injected failure")),
                None => Ok(0),
            };
        }
        let n = chunk.min(buf.len()).min(limit - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// One item of the output: a line, or an error reduced to what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Line(Vec<u8>),
    Error {
        kind: ErrorKind,
        line: Option<u64>,
        offset: Option<u64>,
    },
}

pub(crate) fn error_item(error: &yielding::io::Error) -> Item {
    Item::Error {
        kind: error.kind(),
        line: error.line(),
        offset: error.offset(),
    }
}

/// What the reader must give for `data`, from the whole-input reference split; with
/// `fail_at`, every read fails once that many bytes have been given.
pub(crate) fn expected(
    data: &[u8],
    newline: Newline,
    terminator: Terminator,
    max_line_len: usize,
    form: Form,
    fail_at: Option<usize>,
) -> Vec<Item> {
    let visible = &data[..fail_at.unwrap_or(data.len())];
    let mut pieces = reference_pieces(visible, newline);
    // With a failure ahead, the last piece is only a line if its end is certain: it has a
    // terminator, and that terminator is not a `\r` that a `\n` might still follow.
    let mut unfinished = None;
    if fail_at.is_some() {
        if let Some(&last) = pieces.last() {
            let no_terminator = last.end == last.content_end;
            let trailing_cr = newline == Newline::Universal && visible[last.end - 1] == b'\r';
            if no_terminator || trailing_cr {
                unfinished = pieces.pop();
            }
        }
    }
    let mut out = Vec::new();
    for (i, &piece) in pieces.iter().enumerate() {
        let line = i as u64 + 1;
        if piece.content_end - piece.start > max_line_len {
            out.push(Item::Error {
                kind: ErrorKind::LineTooLong,
                line: Some(line),
                offset: Some(piece.start as u64),
            });
            continue;
        }
        let bytes = presented(visible, piece, newline, terminator);
        match form {
            Form::BorrowedBytes | Form::OwnedBytes => out.push(Item::Line(bytes)),
            Form::BorrowedStr | Form::OwnedStr => match std::str::from_utf8(&bytes) {
                Ok(_) => out.push(Item::Line(bytes)),
                Err(error) => out.push(Item::Error {
                    kind: ErrorKind::InvalidUtf8,
                    line: Some(line),
                    offset: Some((piece.start + error.valid_up_to()) as u64),
                }),
            },
            Form::BorrowedLossy | Form::OwnedLossy => {
                out.push(Item::Line(
                    String::from_utf8_lossy(&bytes).into_owned().into_bytes(),
                ));
            }
        }
    }
    if let Some(k) = fail_at {
        let line = pieces.len() as u64 + 1;
        if let Some(piece) = unfinished {
            // Known to be too long even unfinished: reported before the failing read.
            if piece.content_end - piece.start > max_line_len {
                out.push(Item::Error {
                    kind: ErrorKind::LineTooLong,
                    line: Some(line),
                    offset: Some(piece.start as u64),
                });
            }
        }
        out.push(Item::Error {
            kind: ErrorKind::Io,
            line: Some(line),
            offset: Some(k as u64),
        });
    }
    out
}

/// Reads everything in `form`, checking on the way that the buffer stays bounded, and
/// after the end that the reader stays ended.
/// `limit` caps the items: a runaway loop is a failure.
pub(crate) fn actual<R: Read>(
    mut reader: LineReader<R>,
    form: Form,
    bound: usize,
    limit: usize,
) -> Vec<Item> {
    let mut out = Vec::new();
    macro_rules! borrowed {
        ($next:ident, $to_bytes:expr) => {{
            loop {
                assert!(out.len() < limit, "runaway reader");
                match reader.$next() {
                    Ok(Some(line)) => out.push(Item::Line($to_bytes(line))),
                    Ok(None) => break,
                    Err(error) => {
                        let fatal = error.is_fatal();
                        out.push(error_item(&error));
                        if fatal {
                            // Ended cleanly: nothing more, ever.
                            assert!(matches!(reader.$next(), Ok(None)));
                            break;
                        }
                    }
                }
                assert!(
                    reader.buffer_capacity() <= bound,
                    "buffer grew past its bound"
                );
            }
            assert!(matches!(reader.$next(), Ok(None)), "not fused");
        }};
    }
    macro_rules! owned {
        ($iter:expr, $to_bytes:expr) => {{
            let mut iter = $iter;
            while let Some(item) = iter.next() {
                assert!(out.len() < limit, "runaway iterator");
                match item {
                    Ok(line) => out.push(Item::Line($to_bytes(line))),
                    Err(error) => out.push(error_item(&error)),
                }
                assert!(iter.get_ref().buffer_capacity() <= bound);
            }
            assert!(iter.next().is_none(), "not fused");
        }};
    }
    match form {
        Form::BorrowedBytes => borrowed!(next_line, |l: &[u8]| l.to_vec()),
        Form::BorrowedStr => borrowed!(next_str, |l: &str| l.as_bytes().to_vec()),
        Form::BorrowedLossy => borrowed!(next_str_lossy, |l: std::borrow::Cow<'_, str>| l
            .into_owned()
            .into_bytes()),
        Form::OwnedBytes => owned!(reader.into_byte_lines(), |l: Vec<u8>| l),
        Form::OwnedStr => owned!(reader.into_lines(), String::into_bytes),
        Form::OwnedLossy => owned!(reader.into_lines_lossy(), String::into_bytes),
    }
    out
}

/// The most a reader's buffer may hold for `data`: its size, or twice the longest line
/// (growth doubles), or the line limit plus a `\r\n`.
pub(crate) fn buffer_bound(
    data: &[u8],
    newline: Newline,
    buffer_size: usize,
    max_line_len: usize,
) -> usize {
    let longest = reference_pieces(data, newline)
        .iter()
        .map(|p| p.end - p.start)
        .max()
        .unwrap_or(0);
    buffer_size.max((2 * (longest + 2)).min(max_line_len.saturating_add(2)))
}
