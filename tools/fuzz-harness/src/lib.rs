//! The fuzz targets' bodies: what each does with an input, and what must hold for every
//! input. `cargo fuzz` runs them under libFuzzer (`make fuzz`); `tests/fuzz_regressions.rs`
//! replays every input kept in `fuzz/regressions/` on each `make test`.

use api::cursor::{Cursor, CursorKey};
use model::{IdNumber, Phone};
use wechat::crypto::{CryptoError, MessageCrypto, verify};
use wechat::message::{Envelope, Message};

/// A target's body: it panics on an input that breaks what must hold.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/` and `fuzz/regressions/` name them.
pub const TARGETS: &[(&str, Target)] = &[
    ("wechat_xml", wechat_xml),
    ("wechat_json", wechat_json),
    ("wechat_crypto", wechat_crypto),
    ("id_number", id_number),
    ("cursor", cursor),
];

/// Any bytes as an XML push: parsed and read, or refused; never a panic.
pub fn wechat_xml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(message) = Message::from_xml(text)
        && let Ok(envelope) = Envelope::read(&message)
    {
        let _ = envelope.dedupe_key();
    }
}

/// Any bytes as a mini-program JSON push: parsed and read, or refused.
pub fn wechat_json(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(message) = Message::from_json(text)
    {
        let _ = Envelope::read(&message);
    }
}

/// Any `Encrypt` value, and the raw bytes as a ciphertext: decrypted or refused with a
/// reason; what decrypts re-encrypts to the same message.
pub fn wechat_crypto(data: &[u8]) {
    let crypto = MessageCrypto::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6")
        .expect("the published key");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = verify(text, &["token", "1409304348", "nonce", text]);
        if let Ok(message) = crypto.decrypt(text) {
            let again = crypto.encrypt(&message, [7; 16]);
            assert_eq!(crypto.decrypt(&again).as_deref(), Ok(message.as_str()));
        }
    }
    let sealed = base64_simd::STANDARD.encode_to_string(data);
    match crypto.decrypt(&sealed) {
        Ok(_)
        | Err(
            CryptoError::Blocks | CryptoError::Padding | CryptoError::Length | CryptoError::AppId | CryptoError::Utf8,
        ) => {}
        Err(e) => panic!("valid base64 refused as {e:?}"),
    }
}

/// Any text as an ID number or a phone: what parses is 18 characters and masks its birth
/// date.
pub fn id_number(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = text.parse::<IdNumber>() {
        assert_eq!(id.expose().len(), 18);
        assert!(!id.masked().contains(&id.expose()[6..14]));
    }
    let _ = text.parse::<Phone>();
}

/// Any text as a list cursor: it opens only if sealed, and what opens seals back to itself.
pub fn cursor(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = CursorKey::new(b"the fuzz harness's own cursor key, 32 bytes or more");
    if let Ok(cursor) = key.open("fuzz", text) {
        let again = key
            .open("fuzz", &key.seal("fuzz", &cursor))
            .expect("a cursor we sealed opens");
        assert_eq!(again, cursor);
    }
    let sealed = key.seal("fuzz", &Cursor::new([("text", text)]));
    assert!(
        key.open("other", &sealed).is_err(),
        "a cursor opens in its own scope only"
    );
}
