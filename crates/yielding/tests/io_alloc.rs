//! The borrowed API of `yielding::io` allocates nothing per line once warmed up, whatever
//! the options and the source. Counted with a counting global allocator, per thread so
//! that tests running in parallel do not disturb each other.

#![cfg(feature = "io")]

use std::io::Read;

use yielding::io::{LineReader, Newline, ReadOptions, Terminator};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations_in;

/// 20 000 lines of mixed endings and lengths (1 to 200 bytes), valid UTF-8.
fn input() -> Vec<u8> {
    let mut data = Vec::new();
    for i in 0..20_000usize {
        let len = 1 + (i * 37) % 200;
        data.extend(std::iter::repeat_n(b"abcdefgh\xc3\xa9"[i % 10], len).filter(|&b| b < 0x80));
        data.extend_from_slice("é".as_bytes());
        data.extend_from_slice(match i % 3 {
            0 => b"\n",
            1 => b"\r\n",
            _ => b"\r",
        });
    }
    data
}

/// Enough lines to meet the longest line of `input()` (its lengths cycle every 200 lines).
const WARM_UP: usize = 500;

/// Reads `WARM_UP` lines, then counts the allocations of reading the rest, with each of
/// the three borrowed forms.
fn assert_no_allocation_per_line<R: Read>(mut make: impl FnMut() -> LineReader<R>) {
    type Step<R> = fn(&mut LineReader<R>) -> Option<usize>;
    let forms: [(&str, Step<R>); 3] = [
        ("next_line", |r| r.next_line().unwrap().map(<[u8]>::len)),
        ("next_str", |r| r.next_str().unwrap().map(str::len)),
        ("next_str_lossy", |r| {
            r.next_str_lossy().unwrap().map(|l| l.len())
        }),
    ];
    for (name, step) in forms {
        let mut reader = make();
        for _ in 0..WARM_UP {
            step(&mut reader).expect("enough lines to warm up");
        }
        let ((lines, bytes), allocations) = allocations_in(|| {
            let (mut lines, mut bytes) = (0usize, 0usize);
            while let Some(len) = step(&mut reader) {
                lines += 1;
                bytes += len;
            }
            (lines, bytes)
        });
        assert!(lines > 1000, "{name}: only {lines} lines");
        assert!(bytes > 0);
        assert_eq!(
            allocations, 0,
            "{name}: {allocations} allocations over {lines} lines"
        );
    }
}

#[test]
fn borrowed_api_allocates_nothing_per_line_for_every_option() {
    let data = input();
    for newline in [Newline::Universal, Newline::LF, Newline::Byte(b'\r')] {
        for terminator in [Terminator::Translate, Terminator::Keep, Terminator::Strip] {
            // A small buffer, so that the counted part refills and compacts it many times.
            for buffer_size in [256, 4096, 64 * 1024] {
                let options = ReadOptions::new()
                    .newline(newline)
                    .terminator(terminator)
                    .buffer_size(buffer_size);
                assert_no_allocation_per_line(|| options.reader(&data[..]));
            }
        }
    }
}

#[test]
fn borrowed_api_allocates_nothing_per_line_from_a_file() {
    let path = std::env::temp_dir().join(format!("yielding-io-alloc-{}.txt", std::process::id()));
    std::fs::write(&path, input()).unwrap();
    assert_no_allocation_per_line(|| ReadOptions::new().buffer_size(1024).open(&path).unwrap());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn opening_allocates_a_buffer_and_little_else() {
    let data = input();
    let (reader, allocations) = allocations_in(|| LineReader::new(&data[..]));
    assert_eq!(allocations, 1, "the buffer");
    drop(reader);
}

#[test]
fn a_long_line_grows_the_buffer_a_few_times_then_it_shrinks_and_lines_cost_nothing_again() {
    // A 3 MiB line makes the 1 KiB buffer grow (doubling: a few allocations), and as it is
    // past 1 MiB it shrinks back at the next refill (one); after that, lines cost nothing.
    // Three copies of the input after the long line: more than the grown buffer holds.
    let mut data = input();
    let long_line: Vec<u8> = std::iter::repeat_n(b'x', 3 << 20).chain([b'\n']).collect();
    data.extend(long_line);
    for _ in 0..3 {
        data.extend(input());
    }

    let mut reader = ReadOptions::new().buffer_size(1024).reader(&data[..]);
    let (longest, allocations) = allocations_in(|| {
        loop {
            let line = reader.next_line().unwrap().expect("the long line comes");
            if line.len() > 1000 {
                break line.len();
            }
        }
    });
    assert_eq!(longest, (3 << 20) + 1);
    // 1 KiB doubled up to 4 MiB: 12 grows.
    assert!(
        allocations <= 12,
        "{allocations} allocations to grow for one long line"
    );
    assert!(reader.buffer_capacity() > 3 << 20);

    let mut lines_until_shrunk = 0;
    while reader.buffer_capacity() != 1024 {
        reader
            .next_line()
            .unwrap()
            .expect("the buffer shrinks before the end");
        lines_until_shrunk += 1;
    }
    assert!(lines_until_shrunk < 60_000);
    let (lines, allocations) = allocations_in(|| {
        let mut lines = 0;
        while reader.next_line().unwrap().is_some() {
            lines += 1;
        }
        lines
    });
    assert!(lines > 1000);
    assert_eq!(allocations, 0);
}

#[test]
fn lines_a_little_longer_than_the_buffer_do_not_allocate_each_time() {
    // A buffer grown for a line under 1 MiB is kept, so a file whose lines are all longer
    // than the buffer allocates while warming up, not per line.
    let data: Vec<u8> = (0..5_000)
        .flat_map(|i| std::iter::repeat_n(b'y', 300 + i % 200).chain([b'\n']))
        .collect();
    assert_no_allocation_per_line(|| ReadOptions::new().buffer_size(64).reader(&data[..]));
}

#[cfg(feature = "gzip")]
#[test]
fn borrowed_api_allocates_nothing_per_line_from_gzip() {
    use std::io::Write;
    use yielding::io::{Compression, Source};

    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&input()).unwrap();
    let gz = encoder.finish().unwrap();
    assert_no_allocation_per_line(|| {
        LineReader::new(Source::from_read(
            std::io::Cursor::new(gz.clone()),
            Compression::Gzip,
        ))
    });
}

/// Gives `data` in reads of at most `chunk` bytes, with a `WouldBlock` before every
/// `every`-th read: a non-blocking socket that often has nothing yet.
struct OftenBlocking<'a> {
    data: &'a [u8],
    chunk: usize,
    every: usize,
    call: usize,
}

impl Read for OftenBlocking<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.call += 1;
        if self.call % self.every == 0 {
            // A simple `io::Error`, from its kind: no allocation, as the OS's errors.
            return Err(std::io::ErrorKind::WouldBlock.into());
        }
        let n = self.data.len().min(buf.len()).min(self.chunk);
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn a_transient_error_costs_its_own_allocation_and_the_retry_nothing() {
    // Retrying after a `WouldBlock` keeps the buffer as it was: nothing is copied out or
    // re-allocated. What a transient error costs is the error itself, one box, plus a copy
    // of the path when the reader has one.
    let data = input();
    for named in [false, true] {
        let source = OftenBlocking {
            data: &data,
            chunk: 700,
            every: 3,
            call: 0,
        };
        let mut reader = ReadOptions::new().buffer_size(1024).reader(source);
        if named {
            reader = reader.with_path("socket");
        }
        for _ in 0..WARM_UP {
            while reader.next_line().is_err() {}
        }
        let ((lines, errors), allocations) = allocations_in(|| {
            let (mut lines, mut errors) = (0usize, 0usize);
            loop {
                match reader.next_line() {
                    Ok(Some(_)) => lines += 1,
                    Ok(None) => break,
                    Err(error) => {
                        assert_eq!(error.kind(), yielding::io::ErrorKind::Transient);
                        errors += 1;
                    }
                }
            }
            (lines, errors)
        });
        assert_eq!(lines, 20_000 - WARM_UP);
        assert!(errors > 1000, "only {errors} transient errors");
        let per_error = if named { 2 } else { 1 };
        assert_eq!(
            allocations,
            per_error * errors,
            "named {named}: {allocations} allocations for {errors} errors over {lines} lines"
        );
    }
}
