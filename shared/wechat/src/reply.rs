//! Passive replies to official-account pushes: a text message as XML, and the same sealed
//! for safe mode (`Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce`).
//!
//! Values go inside CDATA sections; a `]]>` in a value would end the section early, so it
//! is split across two sections, which is how XML spells it.

use crate::crypto::{MessageCrypto, signature};

/// The body that tells WeChat "received, nothing to say".
pub const SUCCESS: &str = "success";

fn push_cdata(out: &mut String, value: &str) {
    out.push_str("<![CDATA[");
    if !value.contains(']') {
        out.push_str(value);
        out.push_str("]]>");
        return;
    }
    let mut rest = value;
    while let Some((before, after)) = rest.split_once("]]>") {
        out.push_str(before);
        out.push_str("]]]]><![CDATA[>");
        rest = after;
    }
    out.push_str(rest);
    out.push_str("]]>");
}

/// `<name><![CDATA[value]]></name>`
fn element(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    push_cdata(out, value);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// A text reply from the account (`from`, the push's ToUserName) to the user (`to`).
pub fn text(to: &str, from: &str, create_time: i64, content: &str) -> String {
    let mut out = String::with_capacity(
        to.len()
            .saturating_add(from.len())
            .saturating_add(content.len())
            .saturating_add(160),
    );
    out.push_str("<xml>");
    element(&mut out, "ToUserName", to);
    element(&mut out, "FromUserName", from);
    out.push_str("<CreateTime>");
    out.push_str(&create_time.to_string());
    out.push_str("</CreateTime>");
    element(&mut out, "MsgType", "text");
    element(&mut out, "Content", content);
    out.push_str("</xml>");
    out
}

/// A reply sealed for safe mode: encrypted, then signed with the account's token.
pub fn seal(
    crypto: &MessageCrypto,
    token: &str,
    reply: &str,
    timestamp: &str,
    nonce: &str,
    random: [u8; 16],
) -> String {
    // The ciphertext is written straight into the reply; base64 holds no `]`, so it needs
    // no splitting across CDATA sections.
    let sealed = reply.len().saturating_add(72).saturating_mul(4) / 3;
    let mut out = String::with_capacity(sealed.saturating_add(nonce.len()).saturating_add(200));
    out.push_str("<xml><Encrypt><![CDATA[");
    let start = out.len();
    crypto.encrypt_into(reply, random, &mut out);
    let msg_signature = signature(&[token, timestamp, nonce, out.get(start..).unwrap_or_default()]);
    out.push_str("]]></Encrypt>");
    element(&mut out, "MsgSignature", &msg_signature);
    out.push_str("<TimeStamp>");
    out.push_str(timestamp);
    out.push_str("</TimeStamp>");
    element(&mut out, "Nonce", nonce);
    out.push_str("</xml>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;

    #[test]
    fn a_reply_holding_a_cdata_terminator_reads_back_unchanged() {
        let xml = text("oUser", "gh_account", 1_700_000_000, "a ]]> b <c>");
        let msg = Message::from_xml(&xml).unwrap();
        assert_eq!(msg.get("Content"), Some("a ]]> b <c>"));
        assert_eq!(msg.get("ToUserName"), Some("oUser"));
    }

    #[test]
    fn a_sealed_reply_verifies_and_decrypts_to_the_reply() {
        let c = MessageCrypto::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6").unwrap();
        let sealed = seal(&c, "pamtest", "<xml>hi</xml>", "1409304348", "xxxxxx", [9; 16]);
        let msg = Message::from_xml(&sealed).unwrap();
        let enc = msg.get("Encrypt").unwrap();
        assert!(crate::crypto::verify(
            msg.get("MsgSignature").unwrap(),
            &["pamtest", "1409304348", "xxxxxx", enc]
        ));
        assert_eq!(c.decrypt(enc).unwrap(), "<xml>hi</xml>");
    }
}
