//! [`TextBuf`]: the line reader's byte buffer, which knows a range of itself to be ASCII.
//!
//! The reader validates UTF-8 per line, and for short lines that is its largest cost. Text
//! is mostly ASCII, and one `is_ascii` over everything a read brought in is much cheaper
//! than a `from_utf8` per line: a line inside a range known to be ASCII is UTF-8 without
//! looking at it again. That knowledge is what makes `from_utf8_unchecked` sound, so it
//! lives here, next to the bytes, and no method can change a byte without updating it.
//!
//! **Invariant:** `ascii.start <= ascii.end <= buf.len()`, and every byte of
//! `buf[ascii.start..ascii.end]` is ASCII. Every method keeps it:
//! - [`new`](TextBuf::new) starts with an empty range;
//! - [`tail_mut`](TextBuf::tail_mut), the one way to write arbitrary bytes, first cuts the
//!   range so that it ends at or before the slice it hands out;
//! - [`set_ascii`](TextBuf::set_ascii) writes one byte and asserts that it is ASCII;
//! - [`move_to_front`](TextBuf::move_to_front) moves the part of the range inside the moved
//!   bytes along with them, and forgets the rest;
//! - [`truncate`](TextBuf::truncate) and [`resize`](TextBuf::resize) clip the range to the
//!   new length; [`reserve_exact`](TextBuf::reserve_exact) and
//!   [`shrink_to`](TextBuf::shrink_to) change no byte;
//! - [`extend_ascii`](TextBuf::extend_ascii) adds only bytes it has just checked.
//!
//! The fields are private to this module, so nothing else in the crate can break it, and
//! [`str_if_ascii`](TextBuf::str_if_ascii) needs nothing from its caller.

use alloc::vec::Vec;
use core::ops::Range;

/// A `Vec<u8>` that knows the bytes of [`ascii`](Self::ascii) to be ASCII. See the module
/// documentation for the invariant.
pub(crate) struct TextBuf {
    buf: Vec<u8>,
    /// Known to be ASCII; empty (`0..0`) when nothing is known.
    ascii: Range<usize>,
}

/// When a check finds a non-ASCII byte, the ASCII prefix before it is found with `is_ascii`
/// over chunks of this many bytes, then byte by byte in the chunk that fails.
const CHUNK: usize = 64;

impl TextBuf {
    /// `len` zero bytes, none of them known to be ASCII.
    pub(crate) fn new(len: usize) -> Self {
        Self {
            buf: alloc::vec![0; len],
            ascii: 0..0,
        }
    }

    /// The bytes.
    #[inline(always)]
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.buf
    }

    /// The number of bytes.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// The allocation's size.
    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The range known to be ASCII.
    #[cfg(test)]
    pub(crate) fn ascii(&self) -> Range<usize> {
        self.ascii.clone()
    }

    /// The bytes from `from` on, to write anything into (a `read`). The known-ASCII range is
    /// first cut to end at or before `from`, so it cannot cover what is written.
    ///
    /// # Panics
    ///
    /// If `from > self.len()`.
    #[inline]
    pub(crate) fn tail_mut(&mut self, from: usize) -> &mut [u8] {
        if self.ascii.end > from {
            self.ascii.end = from;
            if self.ascii.start >= from {
                self.ascii = 0..0;
            }
        }
        &mut self.buf[from..]
    }

    /// Writes the ASCII `byte` at `at`. Being ASCII, it keeps the range true.
    ///
    /// # Panics
    ///
    /// If `byte` is not ASCII, or `at` is out of bounds.
    #[inline(always)]
    pub(crate) fn set_ascii(&mut self, at: usize, byte: u8) {
        assert!(
            byte.is_ascii(),
            "TextBuf::set_ascii: {byte:#x} is not ASCII"
        );
        self.buf[at] = byte;
    }

    /// Moves the bytes of `range` to the front (`copy_within(range, 0)`). The part of the
    /// known range inside `range` moves with them; the rest is forgotten.
    ///
    /// # Panics
    ///
    /// If `range` is reversed or out of bounds.
    pub(crate) fn move_to_front(&mut self, range: Range<usize>) {
        self.buf.copy_within(range.clone(), 0);
        let start = self.ascii.start.max(range.start);
        let end = self.ascii.end.min(range.end);
        self.ascii = if start < end {
            start - range.start..end - range.start
        } else {
            0..0
        };
    }

    /// Shortens to `len` bytes, if longer; the known range is clipped.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
        self.clip();
    }

    /// Sets the length to `len`, new bytes being `value` (unknown, even if ASCII); the known
    /// range is clipped.
    pub(crate) fn resize(&mut self, len: usize, value: u8) {
        self.buf.resize(len, value);
        self.clip();
    }

    /// [`Vec::reserve_exact`]: no byte changes.
    pub(crate) fn reserve_exact(&mut self, additional: usize) {
        self.buf.reserve_exact(additional);
    }

    /// [`Vec::shrink_to`]: no byte changes.
    pub(crate) fn shrink_to(&mut self, capacity: usize) {
        self.buf.shrink_to(capacity);
    }

    fn clip(&mut self) {
        let len = self.buf.len();
        if self.ascii.end > len {
            self.ascii.end = len;
            if self.ascii.start >= len {
                self.ascii = 0..0;
            }
        }
    }

    /// Whether `range` lies inside the range known to be ASCII (an empty `range` included
    /// only if inside it too).
    #[inline(always)]
    pub(crate) fn is_known_ascii(&self, range: Range<usize>) -> bool {
        self.ascii.start <= range.start && range.start <= range.end && range.end <= self.ascii.end
    }

    /// Learns which bytes of `range` are ASCII, looking at each byte not already known:
    /// afterwards the known range covers `range` from its start up to its first non-ASCII
    /// byte, or all of it. A `range` starting inside or just after
    /// the known range extends it; one starting elsewhere replaces it.
    ///
    /// Meant to be called once per read with everything unconsumed, so that the lines that
    /// follow are known to be ASCII without a check each.
    ///
    /// # Panics
    ///
    /// If `range` is reversed or out of bounds.
    pub(crate) fn extend_ascii(&mut self, range: Range<usize>) {
        let bytes = &self.buf[range.clone()];
        let (start, from) = if self.ascii.start <= range.start && range.start <= self.ascii.end {
            if self.ascii.end >= range.end {
                return;
            }
            (self.ascii.start, self.ascii.end)
        } else {
            (range.start, range.start)
        };
        let unchecked = &bytes[from - range.start..];
        let ascii_len = if unchecked.is_ascii() {
            unchecked.len()
        } else {
            // `is_ascii` a chunk at a time, then byte by byte in the first chunk that fails.
            let mut len = 0;
            for chunk in unchecked.chunks(CHUNK) {
                if !chunk.is_ascii() {
                    len += chunk.iter().take_while(|byte| byte.is_ascii()).count();
                    break;
                }
                len += chunk.len();
            }
            len
        };
        self.ascii = start..from + ascii_len;
    }

    /// `range` as `&str` if it is known to be ASCII, with no check; `None` if not known (it
    /// may still be UTF-8, or even ASCII: the caller validates it then).
    #[inline(always)]
    pub(crate) fn str_if_ascii(&self, range: Range<usize>) -> Option<&str> {
        if !self.is_known_ascii(range.clone()) {
            return None;
        }
        let bytes = &self.buf[range];
        // SAFETY: `range` lies inside `self.ascii` (checked just above), whose bytes are all
        // ASCII by the invariant every method of this type keeps (see the module docs), and
        // ASCII is valid UTF-8. `bytes` borrows `self`, so no byte changes while the `&str`
        // lives.
        Some(unsafe { core::str::from_utf8_unchecked(bytes) })
    }
}

#[cfg(test)]
mod tests {
    use super::TextBuf;

    /// The invariant, checked the slow way.
    fn check(buf: &TextBuf) {
        let ascii = buf.ascii();
        assert!(
            ascii.start <= ascii.end && ascii.end <= buf.len(),
            "{ascii:?}"
        );
        assert!(buf.as_slice()[ascii].is_ascii());
    }

    fn filled(text: &[u8], len: usize) -> TextBuf {
        let mut buf = TextBuf::new(len);
        buf.tail_mut(0)[..text.len()].copy_from_slice(text);
        buf.extend_ascii(0..text.len());
        check(&buf);
        buf
    }

    #[test]
    fn starts_unknown() {
        let buf = TextBuf::new(8);
        check(&buf);
        assert_eq!(buf.str_if_ascii(0..4), None);
        assert_eq!(buf.str_if_ascii(0..0), Some(""));
    }

    #[test]
    fn ascii_is_known_after_extend() {
        let buf = filled(b"hello\nworld\n", 16);
        assert_eq!(buf.ascii(), 0..12);
        assert_eq!(buf.str_if_ascii(0..6), Some("hello\n"));
        assert_eq!(buf.str_if_ascii(6..12), Some("world\n"));
        assert_eq!(buf.str_if_ascii(6..13), None); // past what was checked
        let reversed = core::ops::Range { start: 7, end: 6 };
        assert_eq!(buf.str_if_ascii(reversed), None);
    }

    #[test]
    fn stops_at_the_first_non_ascii_byte() {
        let mut text = alloc::vec![b'a'; 200];
        text[150] = 0xc3;
        text[151] = 0xa9;
        let buf = filled(&text, 256);
        let ascii = buf.ascii();
        assert_eq!(ascii.start, 0);
        assert!(
            ascii.end <= 150 && ascii.end >= 150 - super::CHUNK,
            "{ascii:?}"
        );
        assert!(buf.str_if_ascii(0..ascii.end).is_some());
        assert_eq!(buf.str_if_ascii(140..160), None);
        assert_eq!(buf.str_if_ascii(152..200), None);
    }

    #[test]
    fn extends_without_rechecking_and_restarts_elsewhere() {
        let mut buf = filled(b"ab\xffcd", 16);
        assert_eq!(buf.ascii(), 0..2);
        buf.extend_ascii(2..5); // starts at the non-ASCII byte: nothing more is ASCII
        assert_eq!(buf.ascii(), 0..2);
        buf.extend_ascii(3..5); // elsewhere: replaces
        assert_eq!(buf.ascii(), 3..5);
        assert_eq!(buf.str_if_ascii(3..5), Some("cd"));
        assert_eq!(buf.str_if_ascii(0..2), None);
        check(&buf);
    }

    #[test]
    fn writing_through_the_tail_forgets_what_it_covers() {
        let mut buf = filled(b"abcdefgh", 8);
        assert_eq!(buf.str_if_ascii(0..8), Some("abcdefgh"));
        buf.tail_mut(4).copy_from_slice(b"\xff\xfe\xfd\xfc");
        check(&buf);
        assert_eq!(buf.ascii(), 0..4);
        assert_eq!(buf.str_if_ascii(0..8), None);
        assert_eq!(buf.str_if_ascii(4..8), None);
        assert_eq!(buf.str_if_ascii(0..4), Some("abcd"));
        // Cut entirely when the tail starts at or before the range.
        buf.extend_ascii(2..4);
        buf.tail_mut(0).fill(0x80);
        check(&buf);
        assert_eq!(buf.str_if_ascii(0..0), Some(""));
        assert_eq!(buf.str_if_ascii(0..1), None);
        assert_eq!(buf.str_if_ascii(2..3), None);
    }

    #[test]
    fn tail_mut_then_extend_sees_the_new_bytes() {
        let mut buf = filled(b"abcd", 8);
        buf.tail_mut(4).copy_from_slice(b"e\xe9gh");
        buf.extend_ascii(0..8);
        check(&buf);
        assert_eq!(buf.ascii(), 0..5);
        assert_eq!(buf.str_if_ascii(0..6), None);
    }

    #[test]
    fn set_ascii_keeps_the_range() {
        let mut buf = filled(b"ab\rcd", 8);
        buf.set_ascii(2, b'\n');
        check(&buf);
        assert_eq!(buf.str_if_ascii(0..5), Some("ab\ncd"));
    }

    #[test]
    #[should_panic(expected = "not ASCII")]
    fn set_ascii_rejects_non_ascii() {
        let mut buf = filled(b"abcd", 8);
        buf.set_ascii(1, 0xff);
    }

    #[test]
    fn move_to_front_shifts_the_range() {
        let mut buf = filled(b"0123456789", 12);
        buf.move_to_front(4..10);
        check(&buf);
        assert_eq!(buf.ascii(), 0..6);
        assert_eq!(buf.str_if_ascii(0..6), Some("456789"));
        assert_eq!(buf.str_if_ascii(0..7), None);
    }

    #[test]
    fn move_to_front_keeps_only_the_moved_part() {
        let mut buf = TextBuf::new(12);
        buf.tail_mut(0)[..10].copy_from_slice(b"\xff\xff\xffabc\xff\xff\xff\xff");
        buf.extend_ascii(3..6);
        assert_eq!(buf.ascii(), 3..6);
        // Moved bytes 5..10: only 5 ("c") was known, now at 0.
        buf.move_to_front(5..10);
        check(&buf);
        assert_eq!(buf.ascii(), 0..1);
        assert_eq!(buf.str_if_ascii(0..1), Some("c"));
        assert_eq!(buf.str_if_ascii(0..2), None);
        // Moved bytes with nothing known: nothing known after.
        buf.move_to_front(1..5);
        check(&buf);
        assert_eq!(buf.str_if_ascii(0..1), None);
    }

    #[test]
    fn truncate_and_resize_clip_the_range() {
        let mut buf = filled(b"abcdefgh", 8);
        buf.truncate(5);
        check(&buf);
        assert_eq!(buf.ascii(), 0..5);
        buf.resize(8, 0xff);
        check(&buf);
        assert_eq!(buf.str_if_ascii(0..6), None);
        assert_eq!(buf.str_if_ascii(0..5), Some("abcde"));
        buf.extend_ascii(6..8);
        buf.truncate(3);
        check(&buf);
        assert_eq!(buf.ascii(), 0..0);
        buf.reserve_exact(100);
        buf.shrink_to(3);
        check(&buf);
    }
}
