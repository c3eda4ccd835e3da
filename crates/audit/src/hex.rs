//! Lower-case hexadecimal, the one spelling the contract allows for hashes, keys and signatures.
//!
//! Written by hand (a dozen lines) rather than taken from a crate. Decoding refuses upper-case
//! digits on purpose: a value that is hashed or signed as text must have exactly one spelling, or
//! two spellings of the same bytes would give two different leaf hashes.

use thiserror::Error;

/// Why a text is not the lower-case hex of a value of the expected length.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HexError {
    /// Wrong number of characters (counted in characters, so a message never splits one).
    #[error("expected {expected} lower-case hex digits, found {found} characters")]
    Length { expected: usize, found: usize },
    /// A character that is not `0`–`9` or `a`–`f`.
    #[error("character {found:?} at position {at} is not a lower-case hex digit")]
    Digit { at: usize, found: char },
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The lower-case hex of `bytes`, two digits per byte.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Exactly `N` bytes from `2·N` lower-case hex digits.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    // Digits are checked before the length, so a stray character is named even in a short text.
    let mut nibbles = Vec::with_capacity(2 * N);
    for (at, c) in text.chars().enumerate() {
        let v = match c {
            '0'..='9' => c as u8 - b'0',
            'a'..='f' => c as u8 - b'a' + 10,
            _ => return Err(HexError::Digit { at, found: c }),
        };
        nibbles.push(v);
    }
    if nibbles.len() != 2 * N {
        return Err(HexError::Length {
            expected: 2 * N,
            found: nibbles.len(),
        });
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(nibbles.chunks_exact(2)) {
        *byte = (pair[0] << 4) | pair[1];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let bytes = [0x00, 0x01, 0x7f, 0x80, 0xab, 0xff];
        assert_eq!(encode(&bytes), "00017f80abff");
        assert_eq!(decode_array::<6>("00017f80abff"), Ok(bytes));
        assert_eq!(encode(&[]), "");
        assert_eq!(decode_array::<0>(""), Ok([]));
    }

    #[test]
    fn refuses_other_spellings_and_lengths() {
        assert_eq!(
            decode_array::<2>("AB01"),
            Err(HexError::Digit { at: 0, found: 'A' })
        );
        assert_eq!(
            decode_array::<2>("ab0"),
            Err(HexError::Length {
                expected: 4,
                found: 3
            })
        );
        assert_eq!(
            decode_array::<2>("ab01ff"),
            Err(HexError::Length {
                expected: 4,
                found: 6
            })
        );
        assert_eq!(
            decode_array::<1>("é0"),
            Err(HexError::Digit { at: 0, found: 'é' })
        );
        assert_eq!(
            decode_array::<1>(" 00"),
            Err(HexError::Digit { at: 0, found: ' ' })
        );
    }
}
