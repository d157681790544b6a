//! WeChat's message encryption (安全模式) and signatures, for the push callbacks.
//!
//! - URL verification and plaintext mode: `signature = sha1(sort(token, timestamp, nonce))`.
//! - Safe mode: `msg_signature = sha1(sort(token, timestamp, nonce, Encrypt))`; `Encrypt` is
//!   AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, of
//!   `random(16) ‖ u32 big-endian length ‖ message ‖ appid`, PKCS#7-padded to 32-byte blocks.
//!
//! Decryption checks everything a forged or damaged message could get wrong: the base64,
//! whole blocks, a pad value of 1 to 32 with every pad byte equal, a length that fits, and
//! the appid. Signatures are compared in constant time.

use aes::Aes256;
use base64_simd::STANDARD;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyInit};
use sha1::{Digest, Sha1};

/// WeChat pads to 32 bytes, twice AES's block.
const PAD_BLOCK: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the EncodingAESKey is not 43 characters of base64")]
    Key,
    #[error("the ciphertext is not base64")]
    Base64,
    #[error("the ciphertext is not whole blocks")]
    Blocks,
    #[error("the padding is invalid")]
    Padding,
    #[error("the message length does not fit")]
    Length,
    #[error("the message is for another appid")]
    AppId,
    #[error("the message is not UTF-8")]
    Utf8,
}

/// `sha1(sort(parts).concat())`, hex.
pub fn signature(parts: &[&str]) -> String {
    let digest = digest(parts);
    let mut hex = String::with_capacity(40);
    let digit = |n: u8| char::from_digit(u32::from(n), 16).unwrap_or('0');
    for b in digest {
        hex.push(digit(b >> 4));
        hex.push(digit(b & 15));
    }
    hex
}

/// 40 hex digits (either case) as the 20 bytes they spell; `None` for anything else.
fn unhex(given: &str) -> Option<[u8; 20]> {
    fn nibble(c: u8) -> Option<u8> {
        char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let given = given.as_bytes();
    if given.len() != 40 {
        return None;
    }
    let mut out = [0u8; 20];
    for (o, pair) in out.iter_mut().zip(given.chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        *o = (nibble(*hi)? << 4) | nibble(*lo)?;
    }
    Some(out)
}

/// The digest of the sorted parts, fed to SHA-1 one by one rather than joined first: the
/// callback computes two per safe-mode push (`msg_signature` and the reply's), and this
/// is its hot path.
fn digest(parts: &[&str]) -> [u8; 20] {
    let mut sorted: [&str; 4] = [""; 4];
    let mut hasher = Sha1::new();
    match sorted.get_mut(..parts.len()) {
        Some(few) => {
            few.copy_from_slice(parts);
            few.sort_unstable();
            few.iter().for_each(|p| hasher.update(p.as_bytes()));
        }
        None => {
            let mut many = parts.to_vec();
            many.sort_unstable();
            many.iter().for_each(|p| hasher.update(p.as_bytes()));
        }
    }
    hasher.finalize().into()
}

/// Whether `given` (hex, either case) is the signature of `parts`. The digests are compared
/// in constant time; only the shape of `given` (40 hex digits) is checked before.
pub fn verify(given: &str, parts: &[&str]) -> bool {
    let Some(given) = unhex(given) else {
        return false;
    };
    aws_lc_rs::constant_time::verify_slices_are_equal(&given, &digest(parts)).is_ok()
}

/// One account's safe-mode keys, with the AES key schedule expanded once.
#[derive(Clone)]
pub struct MessageCrypto {
    cipher: Aes256,
    iv: [u8; 16],
    appid: String,
}

impl std::fmt::Debug for MessageCrypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageCrypto")
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}

impl MessageCrypto {
    pub fn new(encoding_aes_key: &str, appid: &str) -> Result<Self, CryptoError> {
        if encoding_aes_key.len() != 43 {
            return Err(CryptoError::Key);
        }
        // The key's last character may carry stray low bits, which a strict decoder refuses;
        // WeChat and its SDKs ignore them, and so does the forgiving decoder.
        let bytes = base64_simd::forgiving_decode_to_vec(format!("{encoding_aes_key}=").as_bytes())
            .map_err(|_| CryptoError::Key)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::Key)?;
        // WeChat's IV is the key's first 16 bytes.
        let iv = *key.first_chunk::<16>().ok_or(CryptoError::Key)?;
        Ok(Self {
            cipher: Aes256::new(&key.into()),
            iv,
            appid: appid.to_owned(),
        })
    }

    /// The message inside an `Encrypt` value.
    pub fn decrypt(&self, encrypted: &str) -> Result<String, CryptoError> {
        let mut buf = STANDARD
            .decode_to_vec(encrypted.trim())
            .map_err(|_| CryptoError::Base64)?;
        if buf.is_empty() || buf.len() % 16 != 0 {
            return Err(CryptoError::Blocks);
        }
        let plain = cbc::Decryptor::<Aes256>::inner_iv_init(self.cipher.clone(), &self.iv.into())
            .decrypt_padded::<NoPadding>(&mut buf)
            .map_err(|_| CryptoError::Blocks)?;
        // PKCS#7 over 32-byte blocks, then 16 random bytes, the length, the message, the appid.
        let pad = usize::from(*plain.last().ok_or(CryptoError::Padding)?);
        let kept = plain.len().checked_sub(pad).ok_or(CryptoError::Padding)?;
        let (content, padding) = plain.split_at_checked(kept).ok_or(CryptoError::Padding)?;
        if !(1..=PAD_BLOCK).contains(&pad) || padding.iter().any(|&b| usize::from(b) != pad) {
            return Err(CryptoError::Padding);
        }
        let (head, rest) = content.split_at_checked(20).ok_or(CryptoError::Length)?;
        let length: [u8; 4] = head.last_chunk::<4>().copied().ok_or(CryptoError::Length)?;
        let len = usize::try_from(u32::from_be_bytes(length)).map_err(|_| CryptoError::Length)?;
        let (_, appid) = rest.split_at_checked(len).ok_or(CryptoError::Length)?;
        if appid != self.appid.as_bytes() {
            return Err(CryptoError::AppId);
        }
        // The message moves to the front of the buffer it was decrypted in: no second copy.
        // It lies at 20..20 + len, inside the buffer, as the split above showed.
        buf.copy_within(20..len.saturating_add(20), 0);
        buf.truncate(len);
        String::from_utf8(buf).map_err(|_| CryptoError::Utf8)
    }

    /// `Encrypt` for a message, with the given 16 random bytes in front.
    pub fn encrypt(&self, message: &str, random: [u8; 16]) -> String {
        let mut out = String::new();
        self.encrypt_into(message, random, &mut out);
        out
    }

    /// [`MessageCrypto::encrypt`], appended to `out`: a sealed reply writes it in place.
    #[expect(
        clippy::expect_used,
        reason = "the buffer is padded to whole blocks just above, the one thing encryption \
                  without padding can refuse"
    )]
    pub fn encrypt_into(&self, message: &str, random: [u8; 16], out: &mut String) {
        let size = message
            .len()
            .saturating_add(self.appid.len())
            .saturating_add(20 + PAD_BLOCK);
        let mut plain = Vec::with_capacity(size);
        plain.extend_from_slice(&random);
        // Messages are replies of a few kilobytes at most: the length fits 32 bits.
        plain.extend_from_slice(&u32::try_from(message.len()).unwrap_or(u32::MAX).to_be_bytes());
        plain.extend_from_slice(message.as_bytes());
        plain.extend_from_slice(self.appid.as_bytes());
        let pad = PAD_BLOCK.saturating_sub(plain.len() % PAD_BLOCK);
        plain.extend(std::iter::repeat_n(u8::try_from(pad).unwrap_or(0), pad));
        let len = plain.len();
        let cipher = cbc::Encryptor::<Aes256>::inner_iv_init(self.cipher.clone(), &self.iv.into())
            .encrypt_padded::<NoPadding>(&mut plain, len)
            .expect("whole blocks");
        STANDARD.encode_append(cipher, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_in_either_case_and_nothing_else_does() {
        let parts = ["pamtest", "1409304348", "xxxxxx"];
        let sig = signature(&parts);
        assert_eq!(sig.len(), 40);
        assert!(verify(&sig, &parts));
        assert!(verify(&sig.to_ascii_uppercase(), &parts));
        assert!(!verify(&sig, &["pamtest", "1409304348", "xxxxxy"]));
        assert!(!verify(sig.get(..39).unwrap(), &parts), "too short");
        assert!(!verify(&format!("{sig}0"), &parts), "too long");
        let mut flipped = sig.clone().into_bytes();
        flipped[39] = if flipped[39] == b'0' { b'1' } else { b'0' };
        assert!(!verify(std::str::from_utf8(&flipped).unwrap(), &parts), "one digit off");
        let not_hex = format!("{}g", sig.get(..39).unwrap());
        assert!(!verify(&not_hex, &parts), "not hex");
    }

    #[test]
    fn a_round_trip_returns_the_message_and_a_damaged_one_is_refused() {
        let c = MessageCrypto::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6").unwrap();
        let sealed = c.encrypt("<xml>你好</xml>", *b"0123456789abcdef");
        assert_eq!(c.decrypt(&sealed).unwrap(), "<xml>你好</xml>");
        let other = MessageCrypto::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx0000000000000000").unwrap();
        assert_eq!(other.decrypt(&sealed), Err(CryptoError::AppId));
        assert_eq!(c.decrypt("not base64!"), Err(CryptoError::Base64));
        assert_eq!(
            c.decrypt(&STANDARD.encode_to_string([0u8; 15])),
            Err(CryptoError::Blocks)
        );
        assert!(
            c.decrypt(&STANDARD.encode_to_string([7u8; 32])).is_err(),
            "random blocks fail padding or length"
        );
        assert!(MessageCrypto::new("short", "x").is_err());
    }
}
