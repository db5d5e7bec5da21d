//! The naive reference line splitter: the whole input at once, with `split`-like logic and
//! none of the reader's buffering, and the forms of reading a reader's lines to compare
//! with it. Shared by the proptest (`io_reference.rs`), the transient-error tests
//! (`io_transient.rs`) and the fuzz target's checks (`fuzz_checks.rs`), so that all of
//! them compare the reader with one reference.

use yielding::io::{Newline, Terminator};

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
