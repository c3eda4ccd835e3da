//! Lines of outside text as every reader of Interdict splits them: a line ends at `\n`, `\r\n`
//! or a lone `\r` (files from old Mac software and some export tools), none of them kept, and
//! lines are numbered from 1 the same way in every message. Reading a stream keeps at most a
//! bounded part of a line, so one endless line cannot take the memory.
//!
//! The module reads only from a reader it is handed; it opens nothing.

/// The longest line a JSON Lines reader keeps (256 KiB): a declaration, incident or list entry
/// is far shorter; a longer line gets an error record naming it, and the lines after it are
/// still read.
pub const MAX_LINE_BYTES: usize = 256 * 1024;

/// Reads one line into `buf`, keeping at most `cap` bytes of it: the rest of an over-long line
/// is read and dropped, so memory stays bounded however long the line. A line ends at `\n`,
/// `\r\n` or a lone `\r` (old Mac files), none of them kept. Returns the bytes consumed (0 at
/// the end) and the whole line's length without its line end.
pub fn read_line_capped(
    reader: &mut impl std::io::BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<(usize, usize)> {
    buf.clear();
    let (mut consumed, mut length) = (0usize, 0usize);
    // Set after a `\r` that ended the previous chunk: a `\n` first in the next one is its pair.
    let mut after_cr = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if after_cr {
            if chunk.first() == Some(&b'\n') {
                reader.consume(1);
                consumed += 1;
            }
            break;
        }
        if chunk.is_empty() {
            break;
        }
        let end = chunk.iter().position(|&b| b == b'\n' || b == b'\r');
        let content = end.unwrap_or(chunk.len());
        let room = cap.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..content.min(room)]);
        length += content;
        let (take, done) = match end {
            None => (content, false),
            Some(i) if chunk[i] == b'\n' => (i + 1, true),
            Some(i) if chunk.get(i + 1) == Some(&b'\n') => (i + 2, true),
            Some(i) if i + 1 < chunk.len() => (i + 1, true),
            Some(i) => {
                after_cr = true;
                (i + 1, false)
            }
        };
        consumed += take;
        reader.consume(take);
        if done {
            break;
        }
    }
    Ok((consumed, length))
}

/// The lines of `text` with their numbers from 1, split as [`read_line_capped`] splits a
/// stream. A final line end does not start another line.
pub fn numbered(text: &str) -> impl Iterator<Item = (u64, &str)> {
    let mut rest = text;
    let mut number = 0u64;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        number += 1;
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..end];
        let after = if rest[end..].starts_with("\r\n") {
            end + 2
        } else {
            (end + 1).min(rest.len())
        };
        rest = &rest[after..];
        Some((number, line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_long_lines_are_read_through_but_kept_short() {
        let text = format!("short\r\n{}\nlast", "a".repeat(10_000));
        let mut reader = std::io::BufReader::with_capacity(64, text.as_bytes());
        let mut buf = Vec::new();
        assert_eq!(
            read_line_capped(&mut reader, &mut buf, 100).unwrap(),
            (7, 5)
        );
        assert_eq!(buf, b"short");
        assert_eq!(
            read_line_capped(&mut reader, &mut buf, 100).unwrap(),
            (10_001, 10_000)
        );
        assert_eq!(buf.len(), 100);
        assert_eq!(
            read_line_capped(&mut reader, &mut buf, 100).unwrap(),
            (4, 4)
        );
        assert_eq!(buf, b"last");
        assert_eq!(
            read_line_capped(&mut reader, &mut buf, 100).unwrap(),
            (0, 0)
        );
    }

    #[test]
    fn bare_cr_and_crlf_end_lines_even_across_chunks() {
        for size in [1, 2, 3, 64] {
            let mut reader = std::io::BufReader::with_capacity(size, &b"ab\rcd\r\nef\r\rg"[..]);
            let mut lines = Vec::new();
            let mut buf = Vec::new();
            while read_line_capped(&mut reader, &mut buf, 100).unwrap().0 > 0 {
                lines.push(String::from_utf8(buf.clone()).unwrap());
            }
            assert_eq!(lines, ["ab", "cd", "ef", "", "g"], "chunks of {size}");
        }
    }

    #[test]
    fn text_is_split_as_a_stream_is() {
        let lines: Vec<(u64, &str)> = numbered("ab\rcd\r\nef\r\rg\n").collect();
        assert_eq!(lines, [(1, "ab"), (2, "cd"), (3, "ef"), (4, ""), (5, "g")]);
        assert_eq!(numbered("").count(), 0);
        assert_eq!(numbered("x").collect::<Vec<_>>(), [(1, "x")]);
    }
}
